import type { ActionType } from '@gatehouse/contracts';

/**
 * The services Gatehouse knows and decides for, as data: ids, aliases (also the service part of their HRNs), and the
 * resource types of each with their actions by HERE's action types. Gatehouse's own rules read these lists (resource
 * policies, linkable resources, grants on apps, role bundles), so the catalog states what is enforced.
 * {@link ./service-catalog.ts} adds the management actions of `account` and `authorization`, derived from the role
 * bundles.
 */

/** Actions on a resource of a HERE service: its registration (`read` … `share`) and its data (`…Resource`). */
const RESOURCE_ACTIONS = ['read', 'write', 'manage', 'share', 'readResource', 'writeResource'] as const;

/**
 * Actions a linkable resource, or a resource policy, may offer to other projects. Management actions (`manage`,
 * `share`, grants) never travel with a link.
 */
export const PROJECT_LINKING_ENABLED_ACTIONS = ['read', 'write', 'readResource', 'writeResource'] as const;

/** The action that creates resources in a project (project policies' `nonHrnPermissions`). */
const CREATION_ACTIONS = ['create'] as const;

/** Actions that can be granted on an app (FAQ: managers get read, write and manage; sharing adds share). */
export const APP_SHARING_ACTIONS = ['read', 'write', 'manage', 'share'] as const;

export type ActionLists = Readonly<Record<ActionType, readonly string[]>>;

export interface ResourceTypeDefinition {
  resourceType: string;
  actions: ActionLists;
}

export interface ServiceDefinition {
  serviceId: string;
  /** Also the service part of the HRNs of its resources (`hrn:here:data::org:catalog`). */
  serviceIdAlias: string;
  name: string;
  /** `iam`: Gatehouse itself (no registered resources); `resources`: a HERE service whose resources Gatehouse registers. */
  kind: 'iam' | 'resources';
  resourceTypes: readonly ResourceTypeDefinition[];
}

/** A resource type of a HERE service, kept in projects. HERE: pipelines cannot be made linkable. */
function projectResourceType(resourceType: string, { linkable = true } = {}): ResourceTypeDefinition {
  return {
    resourceType,
    actions: {
      projectEnabled: RESOURCE_ACTIONS,
      projectLinkingEnabled: linkable ? PROJECT_LINKING_ENABLED_ACTIONS : [],
      projectReferenceEnabled: RESOURCE_ACTIONS,
      requiredToMakeLinkable: linkable ? RESOURCE_ACTIONS : [],
      sharingEnabled: RESOURCE_ACTIONS,
      projectResourceCreationEnabled: CREATION_ACTIONS,
    },
  };
}

const NONE = { projectEnabled: [], projectLinkingEnabled: [], projectReferenceEnabled: [] } as const;

export const serviceDefinitions: readonly ServiceDefinition[] = [
  {
    serviceId: 'SERVICE-250eb6f0-ecf1-44b5-9753-73e087f1f594',
    serviceIdAlias: 'account',
    name: 'HERE Account',
    kind: 'iam',
    resourceTypes: [
      {
        resourceType: 'app',
        actions: {
          ...NONE,
          requiredToMakeLinkable: [],
          sharingEnabled: APP_SHARING_ACTIONS,
          projectResourceCreationEnabled: [],
        },
      },
    ],
  },
  {
    serviceId: 'SERVICE-f0926cce-fda9-47b7-802a-f175c163afab',
    serviceIdAlias: 'authorization',
    name: 'HERE Authorization',
    kind: 'iam',
    resourceTypes: [],
  },
  {
    serviceId: 'SERVICE-22089bc3-6579-44ec-b20a-8d3cb63d76e6',
    serviceIdAlias: 'data',
    name: 'Data (catalogs)',
    kind: 'resources',
    resourceTypes: [projectResourceType('catalog')],
  },
  {
    serviceId: 'SERVICE-fb11f478-d280-4ff5-8dc2-1a1796f0396b',
    serviceIdAlias: 'schema',
    name: 'Schemas',
    kind: 'resources',
    resourceTypes: [projectResourceType('schema')],
  },
  {
    serviceId: 'SERVICE-ac4d7a75-100c-449e-bd18-5c8482181880',
    serviceIdAlias: 'pipeline',
    name: 'Pipelines',
    kind: 'resources',
    resourceTypes: [
      projectResourceType('pipeline', { linkable: false }),
      projectResourceType('pipeline-template', { linkable: false }),
    ],
  },
  {
    serviceId: 'SERVICE-36c5729e-8ae8-4446-9d03-9e34a0b05627',
    serviceIdAlias: 'artifact',
    name: 'Artifacts',
    kind: 'resources',
    resourceTypes: [projectResourceType('artifact')],
  },
  {
    serviceId: 'SERVICE-9cd91b59-8f05-4f02-ada0-ca62925460f2',
    serviceIdAlias: 'service',
    name: 'Marketplace services',
    kind: 'resources',
    resourceTypes: [projectResourceType('service')],
  },
  {
    serviceId: 'SERVICE-9590fcad-bf53-4409-afc4-4cb311efe322',
    serviceIdAlias: 'flow',
    name: 'Flows',
    kind: 'resources',
    resourceTypes: [projectResourceType('flow'), projectResourceType('flow-pattern')],
  },
];

/** HRN services of Gatehouse's own entities (`account`, `authorization`): they are not registered resources. */
export const IAM_SERVICE_ALIASES: ReadonlySet<string> = new Set(
  serviceDefinitions.filter((service) => service.kind === 'iam').map((service) => service.serviceIdAlias),
);

/** HRN services of the HERE services whose resources Gatehouse registers (`data`, `schema`, `pipeline`, …). */
export const RESOURCE_SERVICE_ALIASES: readonly string[] = serviceDefinitions
  .filter((service) => service.kind === 'resources')
  .map((service) => service.serviceIdAlias);

const typeDefinitions = new Map(
  serviceDefinitions.flatMap((service) => service.resourceTypes.map((type) => [type.resourceType, type] as const)),
);

/** The definition of a resource type, if Gatehouse knows it. */
export function resourceTypeDefinition(resourceType: string): ResourceTypeDefinition | undefined {
  return typeDefinitions.get(resourceType);
}

/**
 * Whether resources of the type may be made linkable: known types that offer project-linking enabled actions, and
 * types Gatehouse does not know (registered by services it has no definition for).
 */
export function canBeMadeLinkable(resourceType: string): boolean {
  const definition = typeDefinitions.get(resourceType);
  return definition === undefined || definition.actions.projectLinkingEnabled.length > 0;
}
