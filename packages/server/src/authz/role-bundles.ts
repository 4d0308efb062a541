import { RESOURCE_SERVICE_ALIASES } from '../catalog/service-definitions.js';
import type { PermissionStatement } from './permission-index.js';

/** What a role's permissions are expanded against: its organization, the resource it is scoped to, itself. */
export interface RoleContext {
  partition: string;
  realm: string;
  /** The realm, group or project HRN the role is scoped to. */
  scopeHrn: string;
  /** The role's own HRN (admins of a group or project may hand their role on). */
  roleHrn: string;
}

const allow = (action: string, resource: string): PermissionStatement => ({ action, resource, effect: 'allow' });
const each = (actions: readonly string[], resource: string) => actions.map((action) => allow(action, resource));

/** HRN families of one organization. */
export function realmFamilies(partition: string, realm: string) {
  return {
    realm: `hrn:${partition}:account::${realm}:realm/${realm}`,
    users: `hrn:${partition}:account::${realm}:user/*`,
    apps: `hrn:${partition}:account::${realm}:app/*`,
    groups: `hrn:${partition}:authorization::${realm}:group/*`,
    projects: `hrn:${partition}:authorization::${realm}:project/*`,
    roles: `hrn:${partition}:authorization::${realm}:role/*`,
    policies: `hrn:${partition}:authorization::${realm}:policy/*`,
    plans: `hrn:${partition}:authorization::${realm}:plan/*`,
    filters: `hrn:${partition}:authorization::${realm}:filter/*`,
    resourcePolicies: `hrn:${partition}:authorization::${realm}:resourcePolicy/*`,
    /** Resources of HERE services in the organization: catalogs, schemas, pipelines, artifacts, … */
    serviceResources: RESOURCE_SERVICE_ALIASES.map((service) => `hrn:${partition}:${service}::${realm}:*`),
  };
}

const PROJECT_ADMIN_ACTIONS = [
  'read',
  'write',
  'manage',
  'readMembers',
  'manageMembers',
  'readPolicies',
  'managePolicies',
  'manageResourceHome',
  'manageResourceReferences',
  'readFilter',
];

const GROUP_ADMIN_ACTIONS = ['read', 'readMembers', 'manageMembers', 'updateGroup', 'deleteGroup', 'readPermissions'];

/**
 * The permissions each HERE role stands for (spec §7.1), expanded for one assignment. Management actions follow
 * HERE's names (`manageInvites`, `manageMembers`, `manageEntities`, …); resource actions are `read`, `write`,
 * `manage` and `share`.
 */
export const roleBundles: Record<string, (context: RoleContext) => PermissionStatement[]> = {
  OrgAdmin({ partition, realm }) {
    const f = realmFamilies(partition, realm);
    return [
      ...each(
        [
          'manageInvites',
          'readMembers',
          'manageMembers',
          'createGroup',
          'readGroups',
          'readRoles',
          'readEntities',
          'readPermissions',
          'readLimits',
          'createProject',
          'listAllProjects',
          'createApp',
          'readPolicies',
          'managePolicies',
          'readPlans',
          'managePlans',
          'readAccessFilters',
          'manageAccessFilters',
          'readFilter',
          'manageFilter',
          'readCrossRealmTrust',
          'manageCrossRealmTrust',
          'registerResource',
          'createResourcePolicy',
          'readResourcePolicies',
          'readResourcePlans',
          'manageResourcePlans',
          'listRealmResources',
        ],
        f.realm,
      ),
      ...each(
        ['read', 'manage', 'readRoles', 'readGroups', 'readPermissions', 'readFilters', 'manageFilters'],
        f.users,
      ),
      ...each(['readRoles', 'readGroups', 'readPermissions', 'readFilters', 'manageFilters'], f.apps),
      ...each(['read', ...GROUP_ADMIN_ACTIONS, 'readRoles'], f.groups),
      ...each(['read', 'write', 'manage', 'readMembers', 'manageMembers', 'readPolicies'], f.projects),
      ...each(['read', 'readEntities', 'manageEntities'], f.roles),
      ...each(['read', 'manage'], f.policies),
      ...each(['read', 'manage'], f.plans),
      ...each(['read', 'manage'], f.filters),
      ...each(['readResourcePolicies', 'manageResourcePolicy'], f.resourcePolicies),
    ];
  },
  OrgInviter({ partition, realm }) {
    const f = realmFamilies(partition, realm);
    return each(['manageInvites', 'readMembers'], f.realm);
  },
  ResourceManager({ partition, realm }) {
    const f = realmFamilies(partition, realm);
    return [
      ...each(['read', 'write', 'manage', 'share'], f.apps),
      ...each(PROJECT_ADMIN_ACTIONS, f.projects),
      ...f.serviceResources.map((resource) => allow('*', resource)),
      allow('listAllProjects', f.realm),
      allow('registerResource', f.realm),
      allow('listRealmResources', f.realm),
      ...each(['createResourcePolicy', 'readResourcePolicies'], f.realm),
      ...each(['readResourcePolicies', 'manageResourcePolicy'], f.resourcePolicies),
    ];
  },
  GroupAdmin({ scopeHrn, roleHrn }) {
    return [...each(GROUP_ADMIN_ACTIONS, scopeHrn), ...each(['readEntities', 'manageEntities'], roleHrn)];
  },
  ProjectAdmin({ scopeHrn, roleHrn }) {
    return [...each(PROJECT_ADMIN_ACTIONS, scopeHrn), ...each(['readEntities', 'manageEntities'], roleHrn)];
  },
  CrossRealmTrustManager({ partition, realm }) {
    return each(['readCrossRealmTrust', 'manageCrossRealmTrust'], realmFamilies(partition, realm).realm);
  },
  LicensingAdmin({ partition, realm }) {
    return realmFamilies(partition, realm).serviceResources.map((resource) => allow('manageLicenses', resource));
  },
  MonitoringDashboardEditor({ partition, realm }) {
    return [allow('editDashboards', `hrn:${partition}:monitoring::${realm}:*`)];
  },
  // Marketplace roles and RestrictedAccess concern HERE services outside IAM: they carry no IAM permissions.
  MarketplaceConsumer: () => [],
  MarketplaceProvider: () => [],
  RestrictedAccess: () => [],
};

/**
 * What every user of an organization may do without any role (HERE lets any member create apps and projects). Every
 * member, app or user, may read the service catalog (`readServices`): it names the actions project policies, links
 * and grants accept, which any member writing them needs, and holds nothing of the organization's.
 */
export function memberBaseline(partition: string, realm: string, kind: 'user' | 'app'): PermissionStatement[] {
  const f = realmFamilies(partition, realm);
  return kind === 'user'
    ? each(
        [
          'createApp',
          'createGroup',
          'createProject',
          'readRoles',
          'readMembers',
          'readGroups',
          'readLimits',
          'readServices',
        ],
        f.realm,
      )
    : each(['createProject', 'readRoles', 'readLimits', 'readServices'], f.realm);
}
