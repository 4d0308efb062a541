import type { ActivePermission, HrnFactory, Plan, Policy } from '@gatehouse/contracts';
import { formatHrn, parseHrn, referencedId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { AuthorizationInfoService } from '../authz/authorization-info-service.js';
import type { Authorizer } from '../authz/authorizer.js';
import { prefixedUuid } from '../crypto/random.js';
import { AppError, fieldError, invalidData } from '../errors/app-error.js';
import type { IdentityRef } from '../permissions/permission-repository.js';
import { pageOf } from '../storage/in-memory-page.js';
import type { Storage } from '../storage/storage.js';
import type { OrgPlan, OrgPolicy, PolicyPermission } from './policy-repository.js';

type PageQuery = { limit?: number | undefined; pageToken?: string | undefined };
/** Reading what is attached to a group: its GroupAdmins and OrgAdmins hold readPermissions on it. */
const GROUP_READ_ACTIONS = ['readPolicies', 'readPermissions'];
type PermissionInput = { action: string; resource: string; effect?: 'allow' | 'deny' | undefined };

export interface PolicyServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  info: AuthorizationInfoService;
  hrns: HrnFactory;
  clock: () => number;
}

/**
 * Organization policies and plans: read as HERE exposes them (`/realms/{realm}/policies|plans`, and those attached
 * to a member), managed by OrgAdmins through Gatehouse's extension. Reading needs `readPolicies`/`readPlans` on
 * the organization (a member may read what is attached to itself); managing needs `managePolicies`/`managePlans`.
 */
export class PolicyService {
  readonly #deps: PolicyServiceDependencies;

  constructor(deps: PolicyServiceDependencies) {
    this.#deps = deps;
  }

  policyHrn(realm: string, id: string): string {
    return this.#authorizationHrn(realm, `policy/${id}`);
  }

  planHrn(realm: string, id: string): string {
    return this.#authorizationHrn(realm, `plan/${id}`);
  }

  // --- Reading (HERE's API) ----------------------------------------------------------------------------------------

  async listPolicies(principal: Principal, realm: string, page: PageQuery) {
    await this.#requireOnRealm(principal, realm, 'readPolicies');
    return this.#page(
      (await this.#deps.storage.policies.listPolicies(principal.realm)).map((p) => this.policyView(p)),
      page,
    );
  }

  async policyPermissions(principal: Principal, realm: string, reference: string, page: PageQuery) {
    await this.#requireOnRealm(principal, realm, 'readPolicies');
    return this.#page(permissionsOf(await this.#policy(principal, reference)), page);
  }

  async listPlans(principal: Principal, realm: string, page: PageQuery) {
    await this.#requireOnRealm(principal, realm, 'readPlans');
    return this.#page(
      (await this.#deps.storage.policies.listPlans(principal.realm)).map((p) => this.planView(p)),
      page,
    );
  }

  async planPolicies(principal: Principal, realm: string, planReference: string, page: PageQuery) {
    await this.#requireOnRealm(principal, realm, 'readPlans');
    const plan = await this.#plan(principal, planReference);
    const policies = await this.#deps.storage.policies.findPolicies(plan.policyIds);
    return this.#page(
      policies.map((p) => this.policyView(p)),
      page,
    );
  }

  async planPolicyPermissions(
    principal: Principal,
    realm: string,
    planReference: string,
    policyReference: string,
    page: PageQuery,
  ) {
    await this.#requireOnRealm(principal, realm, 'readPlans');
    const plan = await this.#plan(principal, planReference);
    const policy = await this.#policy(principal, policyReference);
    if (!plan.policyIds.includes(policy.id)) throw new AppError('policy.not_found');
    return this.#page(permissionsOf(policy), page);
  }

  /** Policies attached directly to a member (user or app). */
  async memberPolicies(principal: Principal, realm: string, memberReference: string, page: PageQuery) {
    const member = await this.#readableMember(principal, realm, memberReference, 'readPolicies');
    const { policyIds } = await this.#deps.storage.policies.attachedTo(member.realm, [
      { kind: 'identity', id: member.id },
    ]);
    const policies = await this.#deps.storage.policies.findPolicies(policyIds);
    return this.#page(
      policies.map((p) => this.policyView(p)),
      page,
    );
  }

  async memberPolicyPermissions(
    principal: Principal,
    realm: string,
    memberReference: string,
    policyReference: string,
    page: PageQuery,
  ) {
    const member = await this.#readableMember(principal, realm, memberReference, 'readPolicies');
    const policy = await this.#policy(principal, policyReference);
    const { policyIds } = await this.#deps.storage.policies.attachedTo(member.realm, [
      { kind: 'identity', id: member.id },
    ]);
    if (!policyIds.includes(policy.id)) throw new AppError('policy.not_found');
    return this.#page(permissionsOf(policy), page);
  }

  /** Plans attached directly to a member (user or app). */
  async memberPlans(principal: Principal, realm: string, memberReference: string, page: PageQuery) {
    const member = await this.#readableMember(principal, realm, memberReference, 'readPlans');
    const { planIds } = await this.#deps.storage.policies.attachedTo(member.realm, [
      { kind: 'identity', id: member.id },
    ]);
    const plans = await this.#deps.storage.policies.findPlans(planIds);
    return this.#page(
      plans.map((p) => this.planView(p)),
      page,
    );
  }

  /**
   * `GET /groups/{groupId}/policies`: the policies attached directly to a group, like those of a member. Needs
   * `readPolicies` or `readPermissions` on the group, as its permissions do: its GroupAdmins and OrgAdmins.
   */
  async groupPolicies(principal: Principal, groupReference: string, page: PageQuery) {
    const group = await this.#deps.info.resolveGroup(principal, groupReference, GROUP_READ_ACTIONS);
    const { policyIds } = await this.#deps.storage.policies.attachedTo(group.realm, [
      { kind: 'identity', id: group.id },
    ]);
    const policies = await this.#deps.storage.policies.findPolicies(policyIds);
    return this.#page(
      policies.map((p) => this.policyView(p)),
      page,
    );
  }

  /** `GET /groups/{groupId}/policies/{policy}/permissions`: a policy attached to the group; others are not found. */
  async groupPolicyPermissions(principal: Principal, groupReference: string, policyReference: string, page: PageQuery) {
    const group = await this.#deps.info.resolveGroup(principal, groupReference, GROUP_READ_ACTIONS);
    const policy = await this.#policy(principal, policyReference);
    const { policyIds } = await this.#deps.storage.policies.attachedTo(group.realm, [
      { kind: 'identity', id: group.id },
    ]);
    if (!policyIds.includes(policy.id)) throw new AppError('policy.not_found');
    return this.#page(permissionsOf(policy), page);
  }

  // --- Managing (Gatehouse extension) ------------------------------------------------------------------------------

  async createPolicy(
    principal: Principal,
    request: { name: string; description?: string | undefined; permissions: PermissionInput[] },
  ): Promise<Policy> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePolicies']);
    const now = this.#deps.clock();
    const policy: OrgPolicy = {
      id: prefixedUuid('POLICY'),
      realm: principal.realm,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      permissions: this.#permissions(principal, request.permissions),
      createdAt: now,
      updatedAt: now,
    };
    await this.#deps.storage.policies.insertPolicy(policy);
    return this.policyView(policy);
  }

  async updatePolicy(
    principal: Principal,
    reference: string,
    changes: {
      name?: string | undefined;
      description?: string | null | undefined;
      permissions?: PermissionInput[] | undefined;
    },
  ): Promise<Policy> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePolicies']);
    const policy = await this.#policy(principal, reference);
    await this.#deps.storage.policies.updatePolicy(
      policy.id,
      {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description ?? undefined } : {}),
        ...(changes.permissions !== undefined
          ? { permissions: this.#permissions(principal, changes.permissions) }
          : {}),
      },
      this.#deps.clock(),
    );
    return this.policyView(await this.#policy(principal, policy.id));
  }

  async deletePolicy(principal: Principal, reference: string): Promise<void> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePolicies']);
    const policy = await this.#policy(principal, reference);
    await this.#deps.storage.transaction((repositories) => repositories.policies.deletePolicy(policy));
  }

  async createPlan(
    principal: Principal,
    request: { name: string; description?: string | undefined; policies: string[] },
  ): Promise<Plan> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePlans']);
    const now = this.#deps.clock();
    const plan: OrgPlan = {
      id: prefixedUuid('PLAN'),
      realm: principal.realm,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      policyIds: await this.#policyIds(principal, request.policies),
      createdAt: now,
      updatedAt: now,
    };
    await this.#deps.storage.policies.insertPlan(plan);
    return this.planView(plan);
  }

  async updatePlan(
    principal: Principal,
    reference: string,
    changes: { name?: string | undefined; description?: string | null | undefined; policies?: string[] | undefined },
  ): Promise<Plan> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePlans']);
    const plan = await this.#plan(principal, reference);
    await this.#deps.storage.policies.updatePlan(
      plan.id,
      {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description ?? undefined } : {}),
        ...(changes.policies !== undefined ? { policyIds: await this.#policyIds(principal, changes.policies) } : {}),
      },
      this.#deps.clock(),
    );
    return this.planView(await this.#plan(principal, plan.id));
  }

  async deletePlan(principal: Principal, reference: string): Promise<void> {
    await this.#deps.authorizer.requireOnRealm(principal, ['managePlans']);
    const plan = await this.#plan(principal, reference);
    await this.#deps.storage.transaction((repositories) => repositories.policies.deletePlan(plan));
  }

  /** Attaches (or detaches) a policy or plan to a user or app of the organization. Idempotent. */
  async setAttachment(
    principal: Principal,
    realm: string,
    memberReference: string,
    kind: 'policy' | 'plan',
    reference: string,
    attached: boolean,
  ): Promise<void> {
    const member = await this.#deps.info.resolveMember(principal, realm, memberReference);
    await this.#deps.authorizer.requireOnRealm(principal, [kind === 'policy' ? 'managePolicies' : 'managePlans']);
    const source =
      kind === 'policy' ? await this.#policy(principal, reference) : await this.#plan(principal, reference);
    const target = { kind: 'identity' as const, id: member.id };
    if (attached)
      await this.#deps.storage.policies.attach(member.realm, { kind, id: source.id }, target, this.#deps.clock());
    else await this.#deps.storage.policies.detach(member.realm, { kind, id: source.id }, target);
  }

  policyView(policy: OrgPolicy): Policy {
    return {
      id: policy.id,
      hrn: this.policyHrn(policy.realm, policy.id),
      name: policy.name,
      ...(policy.description !== undefined ? { description: policy.description } : {}),
      permissionCount: policy.permissions.length,
      createdTime: policy.createdAt,
      updatedTime: policy.updatedAt,
    };
  }

  planView(plan: OrgPlan): Plan {
    return {
      id: plan.id,
      hrn: this.planHrn(plan.realm, plan.id),
      name: plan.name,
      ...(plan.description !== undefined ? { description: plan.description } : {}),
      policies: plan.policyIds.map((id) => this.policyHrn(plan.realm, id)),
      createdTime: plan.createdAt,
      updatedTime: plan.updatedAt,
    };
  }

  #authorizationHrn(realm: string, resource: string): string {
    return formatHrn({
      partition: this.#deps.hrns.partition,
      service: 'authorization',
      region: '',
      account: realm,
      resource,
    });
  }

  /** Policy permissions may name resources of the organization or HERE-wide ones, never another organization's. */
  #permissions(principal: Principal, permissions: readonly PermissionInput[]): PolicyPermission[] {
    return permissions.map((permission, index) => {
      const account = parseHrn(permission.resource)?.account ?? '';
      if (account !== '' && account !== 'HERE' && account.toLowerCase() !== principal.realm.toLowerCase()) {
        throw invalidData(fieldError(`permissions[${index}].resource`, 'invalidHrn'));
      }
      return { action: permission.action, resource: permission.resource, effect: permission.effect ?? 'allow' };
    });
  }

  async #policyIds(principal: Principal, references: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const reference of references) ids.push((await this.#policy(principal, reference)).id);
    return [...new Set(ids)];
  }

  /** A policy of the caller's organization by id or HRN; anything else is not found. */
  async #policy(principal: Principal, reference: string): Promise<OrgPolicy> {
    const id = referencedId(reference, 'authorization', ['policy']);
    const policy = id === undefined ? undefined : await this.#deps.storage.policies.findPolicy(id);
    if (!policy || policy.realm !== principal.realm) throw new AppError('policy.not_found');
    return policy;
  }

  async #plan(principal: Principal, reference: string): Promise<OrgPlan> {
    const id = referencedId(reference, 'authorization', ['plan']);
    const plan = id === undefined ? undefined : await this.#deps.storage.policies.findPlan(id);
    if (!plan || plan.realm !== principal.realm) throw new AppError('plan.not_found');
    return plan;
  }

  async #requireOnRealm(principal: Principal, realm: string, action: string): Promise<void> {
    if (realm.toLowerCase() !== principal.realm.toLowerCase()) throw new AppError('realm.not_found');
    await this.#deps.authorizer.requireOnRealm(principal, [action]);
  }

  /** A member whose attachments the caller may read: itself, or anyone with `action` on the organization. */
  async #readableMember(principal: Principal, realm: string, reference: string, action: string): Promise<IdentityRef> {
    const member = await this.#deps.info.resolveMember(principal, realm, reference);
    if (member.id !== identityId(principal)) await this.#deps.authorizer.requireOnRealm(principal, [action]);
    return member;
  }

  #page<T>(items: readonly T[], query: PageQuery) {
    const limit = query.limit ?? 100;
    const page = pageOf(items, limit, query.pageToken);
    return { limit, ...page };
  }
}

/** A policy's permissions as HERE lists them; they have no permission ids of their own. */
function permissionsOf(policy: OrgPolicy): ActivePermission[] {
  return policy.permissions.map((permission) => ({
    id: '',
    action: permission.action,
    effect: permission.effect,
    resource: permission.resource,
  }));
}
