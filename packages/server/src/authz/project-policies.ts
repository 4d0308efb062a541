import { ALLOW, PermissionIndex, type PermissionStatement } from './permission-index.js';

/** A permission of a project policy: actions on resources matching an HRN pattern, or on a resource type. */
export interface ProjectPolicyPermission {
  resource?: string | undefined;
  resourceType?: string | undefined;
  allowedActions: string[];
}

/**
 * HERE-managed project policies (spec §7.2): new members get the first two by default (project settings
 * `defaultNewMemberProjectPolicies`).
 */
export const managedProjectPolicies = {
  'all-access-all-project-resources': {
    name: 'All access to all project resources',
    description: 'Every action on every resource created in or linked into the project.',
    permissions: [{ resource: '*', allowedActions: ['*'] }],
  },
  'resource-creation-access-all-project-resources': {
    name: 'Resource creation in the project',
    description: 'Create resources of any type in the project.',
    permissions: [{ resourceType: '*', allowedActions: ['create'] }],
  },
  'read-only-access-to-all-catalogs': {
    name: 'Read-only access to all catalogs',
    description: 'Read every catalog created in or linked into the project.',
    permissions: [{ resourceType: 'catalog', allowedActions: ['read', 'readResource'] }],
  },
} as const satisfies Record<string, { name: string; description: string; permissions: ProjectPolicyPermission[] }>;

export type ManagedProjectPolicyId = keyof typeof managedProjectPolicies;

export const DEFAULT_NEW_MEMBER_POLICIES: readonly ManagedProjectPolicyId[] = [
  'all-access-all-project-resources',
  'resource-creation-access-all-project-resources',
];

/** HRN of a HERE-managed project policy (spec §4): `hrn:<partition>:authorization::HERE:platform:policy/<id>`. */
export const managedPolicyHrn = (partition: string, id: string) =>
  `hrn:${partition}:authorization::HERE:platform:policy/${id}`;

/** The managed policy an HRN names, if any (any partition, as HERE's examples vary). */
export function managedPolicyId(hrn: string): ManagedProjectPolicyId | undefined {
  const match = /^hrn:[^:]+:authorization::[^:]*:(?:here-)?platform:policy\/([a-z0-9-]+)$/.exec(hrn);
  const id = match?.[1];
  return id !== undefined && Object.hasOwn(managedProjectPolicies, id) ? (id as ManagedProjectPolicyId) : undefined;
}

/** What a resource is to a project: its home, or linked into it with some actions. */
export interface ResourceInProject {
  hrn: string;
  type: string;
  /** Actions a link allows; undefined for the resource's home project (all actions). */
  linkActions: ReadonlySet<string> | undefined;
}

/**
 * The project policies that apply to one identity in one project, compiled: permissions by resource pattern in a
 * {@link PermissionIndex}, by resource type in a map (`*` for every type).
 */
export class ProjectGrant {
  readonly #byResource: PermissionIndex;
  readonly #byType = new Map<string, Set<string>>();

  constructor(permissions: Iterable<ProjectPolicyPermission>) {
    const statements: PermissionStatement[] = [];
    for (const permission of permissions) {
      if (permission.resource !== undefined) {
        for (const action of permission.allowedActions) {
          statements.push({ action, resource: permission.resource, effect: 'allow' });
        }
      }
      if (permission.resourceType !== undefined) {
        const actions = this.#byType.get(permission.resourceType) ?? new Set<string>();
        for (const action of permission.allowedActions) actions.add(action);
        this.#byType.set(permission.resourceType, actions);
      }
    }
    this.#byResource = new PermissionIndex(statements);
  }

  /** Whether the policies allow `action` on a resource of the project, within what a link allows. */
  allows(action: string, resource: ResourceInProject): boolean {
    if (resource.linkActions !== undefined && !resource.linkActions.has(action) && !resource.linkActions.has('*')) {
      return false;
    }
    if (this.#byResource.check(action, resource.hrn) & ALLOW) return true;
    for (const type of [resource.type, '*']) {
      const actions = this.#byType.get(type);
      if (actions && (actions.has(action) || actions.has('*'))) return true;
    }
    return false;
  }

  /** Whether the policies allow creating resources (of `type`, or of any type) in the project. */
  allowsCreation(type: string | undefined): boolean {
    for (const candidate of type === undefined ? ['*'] : [type, '*']) {
      const actions = this.#byType.get(candidate);
      if (actions && (actions.has('create') || actions.has('*'))) return true;
    }
    return false;
  }
}
