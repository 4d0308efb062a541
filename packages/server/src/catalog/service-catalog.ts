import { type ActionType, parseHrn, type ResourceTypeInfo, type ServiceInformation } from '@gatehouse/contracts';
import { memberBaseline, roleBundles } from '../authz/role-bundles.js';
import { resourceTypeDefinition, type ServiceDefinition, serviceDefinitions } from './service-definitions.js';

/** Actions of the account service decided on the organization; the other organization actions are authorization's. */
const ACCOUNT_REALM_ACTIONS = new Set(['createApp']);

type ActionCollector = Map<string, Map<string, boolean>>;

/**
 * The actions Gatehouse decides, by service: the role bundles and the member baseline, expanded for a sample
 * organization, sorted by the HRN service of each statement's resource. Statements on the organization itself are
 * organization actions (`resourceRequired: false`) of `authorization` (or `account` for app creation); `*` (all
 * actions of a service, for ResourceManagers) stands for the resource types' actions, added below.
 */
function actionsFromRoles(): ActionCollector {
  const realm = 'catalog';
  const realmHrn = `hrn:here:account::${realm}:realm/${realm}`;
  const scopeHrn = `hrn:here:authorization::${realm}:project/catalog`;
  const roleHrn = `hrn:here:authorization::${realm}:role/ROLE-catalog`;
  const statements = [
    ...Object.values(roleBundles).flatMap((bundle) => bundle({ partition: 'here', realm, scopeHrn, roleHrn })),
    ...memberBaseline('here', realm, 'user'),
    ...memberBaseline('here', realm, 'app'),
  ];
  const byService: ActionCollector = new Map();
  for (const { action, resource } of statements) {
    if (action === '*') continue;
    const onRealm = resource === realmHrn;
    const service = onRealm
      ? ACCOUNT_REALM_ACTIONS.has(action)
        ? 'account'
        : 'authorization'
      : (parseHrn(resource)?.service ?? '');
    const actions = byService.get(service) ?? new Map<string, boolean>();
    actions.set(action, (actions.get(action) ?? false) || !onRealm);
    byService.set(service, actions);
  }
  return byService;
}

function information(service: ServiceDefinition, fromRoles: ActionCollector): ServiceInformation {
  const actions = new Map(fromRoles.get(service.serviceIdAlias) ?? []);
  for (const type of service.resourceTypes) {
    for (const [actionType, list] of Object.entries(type.actions)) {
      for (const action of list) {
        actions.set(action, (actions.get(action) ?? false) || actionType !== 'projectResourceCreationEnabled');
      }
    }
  }
  return {
    serviceId: service.serviceId,
    serviceIdAlias: service.serviceIdAlias,
    name: service.name,
    allowedActions: [...actions].map(([action, resourceRequired]) => ({ action, resourceRequired })),
    resourceTypes: service.resourceTypes.map((type) => type.resourceType),
  };
}

const fromRoles = actionsFromRoles();
const services: readonly ServiceInformation[] = serviceDefinitions.map((service) => information(service, fromRoles));
const resourceTypes: readonly ResourceTypeInfo[] = serviceDefinitions.flatMap((service) =>
  service.resourceTypes.map((type) => ({
    resourceType: type.resourceType,
    serviceIdAlias: service.serviceIdAlias,
    serviceId: service.serviceId,
  })),
);

/** The built-in, read-only service catalog (`/services`, `/resourceTypes`). */
export const serviceCatalog = {
  services,
  resourceTypes,
  /** A service by id or alias (case-insensitive). */
  find(reference: string): ServiceInformation | undefined {
    const wanted = reference.toLowerCase();
    return services.find(
      (service) => service.serviceId.toLowerCase() === wanted || service.serviceIdAlias.toLowerCase() === wanted,
    );
  },
  /** The actions of a known resource type of one action type, or of all of them; undefined for unknown types. */
  actionsOf(resourceType: string, actionType: ActionType | undefined): string[] | undefined {
    const type = resourceTypeDefinition(resourceType);
    if (!type) return undefined;
    const lists = actionType === undefined ? Object.values(type.actions) : [type.actions[actionType]];
    return [...new Set(lists.flat())];
  },
};
