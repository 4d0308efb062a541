import { parseHrn, resourceTypeAndId } from '@gatehouse/contracts';
import { type AccessFilterStatement, categoryEvaluated, narrowSubresources } from './access-filters.js';
import type { AuthzStore, IdentityFacts, ResourceFacts } from './authz-store.js';
import type { AuthzVersions } from './authz-versions.js';
import { WeightedLru } from './lru.js';
import { ALLOW, DENY, PermissionIndex, type PermissionStatement } from './permission-index.js';
import {
  managedPolicyId,
  managedProjectPolicies,
  ProjectGrant,
  type ProjectPolicyPermission,
} from './project-policies.js';
import { ResourcePlanIndex } from './resource-plan-grants.js';
import { memberBaseline, roleBundles } from './role-bundles.js';

/** Who asks: an identity of an organization, with the project of its token when the token is project-scoped. */
export interface AuthzSubject {
  identityId: string;
  realm: string;
  /** Project id of a project-scoped token. */
  projectId?: string | undefined;
}

export type DecisionReason =
  | 'allowed'
  | 'denied_by_permission'
  | 'no_matching_permission'
  | 'other_organization'
  | 'unknown_identity'
  | 'project_resource_needs_scoped_token'
  | 'resource_outside_token_project'
  | 'not_a_project_member'
  | 'no_matching_project_policy'
  | 'excluded_by_access_filter'
  | 'subresource_not_granted';

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  /** For an allow limited to parts of the resource: the subresources it is limited to. */
  subresources?: readonly string[];
}

/** HERE's wording of why a request was refused (the `cause` of a 403, spec §5.2). */
export const decisionReasonText: Record<DecisionReason, string> = {
  allowed: 'A permission allows it.',
  denied_by_permission: 'A permission denies the action to the identity, its groups or roles, or the realm.',
  no_matching_permission: 'No matching permissions found for the identity, its groups and roles, or the realm.',
  other_organization: 'The resource belongs to another organization.',
  unknown_identity: 'The identity does not exist.',
  project_resource_needs_scoped_token:
    'The resource lives in a project; only a token scoped to that project reaches it.',
  resource_outside_token_project: 'The token is scoped to a project the resource is not part of.',
  not_a_project_member: 'The identity is not a member of the project of its token.',
  no_matching_project_policy: 'No project policy of the identity allows the action on the resource.',
  excluded_by_access_filter: 'An access filter excludes these permissions from evaluation.',
  subresource_not_granted: 'The permissions that match are limited to other subresources of the resource.',
};

/** One question of a decision: an action on a resource, optionally on one subresource of it. */
interface Question {
  action: string;
  resourceHrn: string;
  subresource: string | undefined;
}

/** An identity's unscoped access, compiled once per version of its organization. */
interface CompiledIdentity {
  version: number;
  facts: IdentityFacts;
  unscoped: PermissionIndex;
  projectIds: ReadonlySet<string>;
  filters: AccessFilterStatement[];
  /** Resources of projects reached through resource plans. */
  resourcePlans: ResourcePlanIndex;
}

interface CompiledProject {
  version: number;
  scopeAccess: 'thisProjectOnly' | 'thisProjectOrNoProject';
  grant: ProjectGrant;
  filters: AccessFilterStatement[];
}

interface CachedResource {
  version: number;
  /** The account of the HRN as `parseHrn` reads it (`''` when it is not an HRN), parsed once per cached HRN. */
  account: string;
  facts: ResourceFacts | undefined;
}

export interface EngineOptions {
  store: AuthzStore;
  versions: AuthzVersions;
  partition: string;
  clock: () => number;
  /** How many permissions the identity cache may hold in all, e.g. ten identities with 100,000 each. */
  identityCacheBudget?: number;
  resourceCacheSize?: number;
}

/**
 * The authorization engine: one decision procedure for the decision API, our own management APIs, and the
 * authorization information APIs.
 *
 * @remarks
 * A decision for an identity with a token scoped to project P on resource R:
 * - R lives in P (created there or linked into it): the project policies that apply to the identity in P decide,
 *   within what a link allows;
 * - R lives in another project: refused;
 * - R lives outside projects: refused, unless P's `scopeAccess` is `thisProjectOrNoProject`, when it is decided like
 *   an unscoped request.
 * Without a project scope, R must live outside projects; the identity's unscoped permissions decide: its own and its
 * groups' grants, its roles, the policies and plans attached to it, its groups and its organization, and what every
 * member may do. A deny wins over any allow. Access filters may exclude a category of permissions from evaluation.
 * Nothing of another organization is reachable, whatever a permission pattern says.
 *
 * Compiled inputs are cached per identity, project and resource, tagged with their organization's version: a write
 * that bumps the version is visible to the next decision.
 */
export class AuthorizationEngine {
  readonly #store: AuthzStore;
  readonly #versions: AuthzVersions;
  readonly #partition: string;
  readonly #clock: () => number;
  readonly #identities: WeightedLru<string, CompiledIdentity>;
  readonly #projects: WeightedLru<string, CompiledProject>;
  readonly #resources: WeightedLru<string, CachedResource>;

  constructor(options: EngineOptions) {
    this.#store = options.store;
    this.#versions = options.versions;
    this.#partition = options.partition;
    this.#clock = options.clock;
    this.#identities = new WeightedLru(options.identityCacheBudget ?? 1_000_000, (entry) => entry.unscoped.size + 64);
    this.#projects = new WeightedLru(10_000);
    this.#resources = new WeightedLru(options.resourceCacheSize ?? 100_000);
  }

  /**
   * Decides one question. With `subresource` (a part of the resource, such as a region), permissions limited to
   * subresources count only when they list it; an allow that is limited carries its subresources.
   */
  async decide(subject: AuthzSubject, action: string, resourceHrn: string, subresource?: string): Promise<Decision> {
    const identity = await this.#identity(subject.identityId);
    if (!identity || identity.facts.realm !== subject.realm) return deny('unknown_identity');
    const { facts: resource, account } = await this.#resource(resourceHrn);
    const question: Question = { action, resourceHrn, subresource };

    if (subject.projectId !== undefined) {
      const projectId = subject.projectId;
      const inProject =
        resource !== undefined && (resource.homeProjectId === projectId || resource.links.has(projectId));
      if (inProject) {
        if (!identity.projectIds.has(projectId)) return deny('not_a_project_member');
        const project = await this.#project(identity, projectId);
        if (!project) return deny('not_a_project_member');
        const scopeHrn = this.projectHrn(subject.realm, projectId);
        const category = resource.homeProjectId === projectId ? 'scoped' : 'linkable';
        const filters = [...identity.filters, ...project.filters];
        if (!categoryEvaluated(filters, category, action, resourceHrn, scopeHrn)) {
          return deny('excluded_by_access_filter');
        }
        const link = resource.homeProjectId === projectId ? undefined : resource.links.get(projectId);
        if (project.grant.allows(action, { hrn: resourceHrn, type: resource.type, linkActions: link?.actions })) {
          if (link?.subresources === undefined) return ALLOWED;
          // A link limited to subresources; a resource plan may still reach further.
          const limited = this.#limitedAllow(link.subresources, filters, question, scopeHrn);
          if (limited.allowed) return limited;
          const plan = this.#resourcePlan(identity, question, resource, scopeHrn);
          return plan?.allowed ? plan : limited;
        }
        return this.#resourcePlan(identity, question, resource, scopeHrn) ?? deny('no_matching_project_policy');
      }
      if (resource?.homeProjectId !== undefined) {
        const scopeHrn = this.projectHrn(subject.realm, projectId);
        return this.#resourcePlan(identity, question, resource, scopeHrn) ?? deny('resource_outside_token_project');
      }
      const project = identity.projectIds.has(projectId) ? await this.#project(identity, projectId) : undefined;
      if (project?.scopeAccess !== 'thisProjectOrNoProject') return deny('resource_outside_token_project');
      return this.#unscoped(
        identity,
        action,
        resourceHrn,
        account,
        resource,
        this.projectHrn(subject.realm, projectId),
        project.filters,
      );
    }

    if (resource?.homeProjectId !== undefined) {
      return this.#resourcePlan(identity, question, resource, undefined) ?? deny('project_resource_needs_scoped_token');
    }
    return this.#unscoped(identity, action, resourceHrn, account, resource, undefined, []);
  }

  /**
   * The unscoped permissions of an identity as statements (direct, groups, roles, policies and plans, member
   * baseline), for the authorization information APIs.
   */
  async unscopedStatements(identityId: string): Promise<PermissionStatement[] | undefined> {
    const facts = await this.#store.identity(identityId, this.#clock());
    return facts && this.#statements(facts);
  }

  /** The groups an identity is a direct member of. */
  async groupIds(identityId: string): Promise<string[]> {
    return (await this.#identity(identityId))?.facts.groupIds ?? [];
  }

  /** Whether an identity is a member of a project, directly or through a group. */
  async isProjectMember(identityId: string, projectId: string): Promise<boolean> {
    return (await this.#identity(identityId))?.projectIds.has(projectId) ?? false;
  }

  /**
   * The project policies that apply to an identity in a project (its own, its groups' and the project-level ones),
   * each with its permissions; undefined when the identity is not a member.
   */
  async projectPolicies(
    identityId: string,
    projectId: string,
  ): Promise<{ policyHrn: string; permissions: ProjectPolicyPermission[] }[] | undefined> {
    const identity = await this.#identity(identityId);
    if (!identity?.projectIds.has(projectId)) return undefined;
    const facts = await this.#store.project(
      identity.facts.realm,
      projectId,
      [identity.facts.id, ...identity.facts.groupIds],
      this.#clock(),
    );
    return facts?.policyHrns.map((policyHrn) => ({
      policyHrn,
      permissions: policyPermissions(policyHrn, projectId, facts.customPolicies),
    }));
  }

  /** Whether a subject with a project-scoped token may create resources (of `type`) in its project. */
  async allowsCreation(subject: AuthzSubject, type: string): Promise<boolean> {
    if (subject.projectId === undefined) return false;
    const identity = await this.#identity(subject.identityId);
    if (!identity || identity.facts.realm !== subject.realm || !identity.projectIds.has(subject.projectId)) {
      return false;
    }
    const project = await this.#project(identity, subject.projectId);
    return project?.grant.allowsCreation(type) ?? false;
  }

  projectHrn(realm: string, projectId: string): string {
    return `hrn:${this.#partition}:authorization::${realm}:project/${projectId}`;
  }

  /** Forgets everything cached (tests, administrative repairs); normal writes bump versions instead. */
  clear(): void {
    this.#identities.clear();
    this.#projects.clear();
    this.#resources.clear();
  }

  /**
   * A resource of a project reached through a resource plan held by the identity (spec "Resource Policies"): the
   * plan's policy allows the action on it, whatever project the token is scoped to, unless an access filter stops
   * `linkable` permissions. Undefined when no plan reaches the resource, so that the caller's own refusal stands.
   * Policies may limit a resource to subresources: the allow then carries them, narrowed by the access filters, and
   * a question about one subresource is allowed only when they list it.
   */
  #resourcePlan(
    identity: CompiledIdentity,
    question: Question,
    resource: ResourceFacts,
    requestScope: string | undefined,
  ): Decision | undefined {
    const { action, resourceHrn } = question;
    if (resource.realm.toLowerCase() !== identity.facts.realm.toLowerCase()) return undefined;
    const access = identity.resourcePlans.access(action, resourceHrn, this.#clock());
    if (!access) return undefined;
    if (!categoryEvaluated(identity.filters, 'linkable', action, resourceHrn, requestScope)) {
      return deny('excluded_by_access_filter');
    }
    if (access.subresources === undefined) return ALLOWED;
    return this.#limitedAllow(access.subresources, identity.filters, question, requestScope);
  }

  /**
   * An allow limited to subresources (listed in code-point order): narrowed by the access filters' `linkable`
   * statements, refused when nothing is left or when the question names a subresource outside them.
   */
  #limitedAllow(
    subresources: Iterable<string>,
    filters: readonly AccessFilterStatement[],
    question: Question,
    requestScope: string | undefined,
  ): Decision {
    const { action, resourceHrn, subresource } = question;
    const sorted = [...subresources].sort();
    const narrowed = narrowSubresources(filters, 'linkable', action, resourceHrn, requestScope, sorted);
    if (narrowed.length === 0 || (subresource !== undefined && !narrowed.includes(subresource))) {
      return deny('subresource_not_granted');
    }
    return { allowed: true, reason: 'allowed', subresources: narrowed };
  }

  #unscoped(
    identity: CompiledIdentity,
    action: string,
    resourceHrn: string,
    account: string,
    resource: ResourceFacts | undefined,
    requestScope: string | undefined,
    projectFilters: readonly AccessFilterStatement[],
  ): Decision {
    if (!this.#sameOrganization(identity.facts.realm, account, resource)) return deny('other_organization');
    const filters = projectFilters.length > 0 ? [...identity.filters, ...projectFilters] : identity.filters;
    if (filters.length > 0 && !categoryEvaluated(filters, 'unscoped', action, resourceHrn, requestScope)) {
      return deny('excluded_by_access_filter');
    }
    const bits = identity.unscoped.check(action, resourceHrn);
    if (bits & DENY) return deny('denied_by_permission');
    return bits & ALLOW ? ALLOWED : deny('no_matching_permission');
  }

  /**
   * Whether a resource belongs to the identity's organization: registered resources by their owner, others by the
   * account of their HRN. HERE-wide HRNs (empty account, or `HERE`) belong to everyone.
   */
  #sameOrganization(realm: string, account: string, resource: ResourceFacts | undefined): boolean {
    if (resource) return resource.realm.toLowerCase() === realm.toLowerCase();
    return account === '' || account === 'HERE' || account.toLowerCase() === realm.toLowerCase();
  }

  async #identity(identityId: string): Promise<CompiledIdentity | undefined> {
    const cached = this.#identities.get(identityId);
    if (cached && cached.version === this.#versions.current(cached.facts.realm)) return cached;
    const epoch = this.#versions.epoch;
    const facts = await this.#store.identity(identityId, this.#clock());
    if (!facts) return undefined;
    const compiled: CompiledIdentity = {
      version: this.#versions.current(facts.realm),
      facts,
      unscoped: new PermissionIndex(this.#statements(facts)),
      projectIds: new Set(facts.projectIds),
      filters: facts.filterStatements,
      resourcePlans: new ResourcePlanIndex(facts.resourcePlanGrants),
    };
    // A write committed while the facts were read may be half in them: use them once, do not keep them.
    if (this.#versions.epoch === epoch) this.#identities.set(identityId, compiled);
    return compiled;
  }

  #statements(facts: IdentityFacts): PermissionStatement[] {
    const statements: PermissionStatement[] = [...facts.permissions, ...facts.policyPermissions];
    if (facts.kind !== 'group') statements.push(...memberBaseline(this.#partition, facts.realm, facts.kind));
    for (const role of facts.roles) {
      const bundle = roleBundles[role.name];
      if (!bundle) continue;
      statements.push(
        ...bundle({
          partition: this.#partition,
          realm: facts.realm,
          scopeHrn: role.resourceHrn,
          roleHrn: `hrn:${this.#partition}:authorization::${facts.realm}:role/${role.id}`,
        }),
      );
    }
    return statements;
  }

  async #project(identity: CompiledIdentity, projectId: string): Promise<CompiledProject | undefined> {
    const key = `${identity.facts.id}\u0000${projectId}`;
    const version = this.#versions.current(identity.facts.realm);
    const cached = this.#projects.get(key);
    if (cached && cached.version === version) return cached;
    const epoch = this.#versions.epoch;
    const facts = await this.#store.project(
      identity.facts.realm,
      projectId,
      [identity.facts.id, ...identity.facts.groupIds],
      this.#clock(),
    );
    if (!facts) return undefined;
    const permissions = facts.policyHrns.flatMap((hrn) => policyPermissions(hrn, projectId, facts.customPolicies));
    const compiled: CompiledProject = {
      version,
      scopeAccess: facts.scopeAccess,
      grant: new ProjectGrant(permissions),
      filters: facts.filterStatements,
    };
    if (this.#versions.epoch === epoch) this.#projects.set(key, compiled);
    return compiled;
  }

  /** What is registered about a resource, with its HRN's account; both cached under the account's version. */
  async #resource(hrn: string): Promise<CachedResource> {
    const cached = this.#resources.get(hrn);
    if (cached && cached.version === this.#versions.current(cached.account)) return cached;
    const account = parseHrn(hrn)?.account ?? '';
    const version = this.#versions.current(account);
    const epoch = this.#versions.epoch;
    const entry: CachedResource = { version, account, facts: await this.#store.resource(hrn) };
    if (this.#versions.epoch === epoch) this.#resources.set(hrn, entry);
    return entry;
  }
}

const ALLOWED: Decision = Object.freeze({ allowed: true, reason: 'allowed' });
const deny = (reason: DecisionReason): Decision => ({ allowed: false, reason });

/** The permissions of a managed policy, or of a custom policy of the project; none for any other HRN. */
function policyPermissions(
  hrn: string,
  projectId: string,
  customPolicies: ReadonlyMap<string, ProjectPolicyPermission[]>,
): ProjectPolicyPermission[] {
  const managed = managedPolicyId(hrn);
  if (managed) return [...managedProjectPolicies[managed].permissions];
  const custom = customPolicyId(hrn, projectId);
  return custom === undefined ? [] : (customPolicies.get(custom) ?? []);
}

/** The id of a custom project policy named by `hrn:…:project/<projectId>:policy/<id>`. */
function customPolicyId(hrn: string, projectId: string): string | undefined {
  const parsed = parseHrn(hrn);
  if (!parsed) return undefined;
  const [projectPart, policyPart] = parsed.resource.split(':');
  const project = projectPart ? resourceTypeAndId(projectPart) : undefined;
  const policy = policyPart ? resourceTypeAndId(policyPart) : undefined;
  return project?.type === 'project' && project.id === projectId && policy?.type === 'policy' ? policy.id : undefined;
}
