import {
  type AttachedResourcePlan,
  errorCatalogue,
  formatHrn,
  type HrnFactory,
  limits,
  type PermissionWithSubresources,
  type ResourcePlan,
  type ResourcePolicy,
  type ResourcePolicyResource,
  type ResourcePolicyResourcesStatus,
  referencedId,
} from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { AuthorizationInfoService } from '../authz/authorization-info-service.js';
import { type Authorizer, forbidden, projectIdOf } from '../authz/authorizer.js';
import { decisionReasonText } from '../authz/engine.js';
import { PROJECT_LINKING_ENABLED_ACTIONS } from '../catalog/service-definitions.js';
import { prefixedUuid } from '../crypto/random.js';
import { AppError, fieldError, invalidData, limitReached } from '../errors/app-error.js';
import { pageOf } from '../storage/in-memory-page.js';
import type { Storage } from '../storage/storage.js';
import type {
  BatchItem,
  ResourcePlanAttachment,
  ResourcePlanRecord,
  ResourcePlanTarget,
  ResourcePolicyEntry,
  ResourcePolicyRecord,
} from './resource-policy-repository.js';

type PageQuery = { limit?: number | undefined; pageToken?: string | undefined };
type EntryInput = { allowedActions: string[]; subresources?: string[] | undefined };

/** What the creator of a resource policy receives on it (spec: "unscoped creator gets manageResourcePolicy"). */
const CREATOR_ACTIONS = ['manageResourcePolicy', 'addGrant:manageResourcePolicy'] as const;
const READ_ACTIONS = ['readResourcePolicies', 'manageResourcePolicy'] as const;
const LINKABLE = new Set<string>(PROJECT_LINKING_ENABLED_ACTIONS);
const MAX_RESOURCES = limits.MaxResourcePolicyResources.maximum;

export interface ResourcePolicyServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  info: AuthorizationInfoService;
  hrns: HrnFactory;
  clock: () => number;
  /** Base of absolute links in answers (the `href` of a batch status). */
  publicUrl: string;
}

/**
 * Resource policies (resources homed in projects, packaged with the actions they grant) and resource plans
 * (bundles of resource policies attached to identities or to the organization). Management decisions use the
 * caller's unscoped permissions, whatever its token's scope; a project-scoped token may create policies for a
 * project its holder manages.
 */
export class ResourcePolicyService {
  readonly #deps: ResourcePolicyServiceDependencies;

  constructor(deps: ResourcePolicyServiceDependencies) {
    this.#deps = deps;
  }

  policyHrn(realm: string, id: string): string {
    return this.#authorizationHrn(realm, `resourcePolicy/${id}`);
  }

  planHrn(realm: string, id: string): string {
    return this.#authorizationHrn(realm, `resourcePlan/${id}`);
  }

  // --- Resource policies -------------------------------------------------------------------------------------------

  async create(
    principal: Principal,
    request: { id: string; name: string; description?: string | undefined },
  ): Promise<ResourcePolicy> {
    const { storage, clock, authorizer, hrns } = this.#deps;
    const projectId = projectIdOf(principal.scope);
    const realmHrn = hrns.realm(principal.realm);
    const allowed =
      (await this.#unscopedCan(principal, 'createResourcePolicy', realmHrn)) ||
      (projectId !== undefined &&
        (await authorizer.engine.isProjectMember(identityId(principal), projectId)) &&
        (await this.#unscopedCan(principal, 'manage', hrns.project(principal.realm, projectId))));
    if (!allowed)
      throw forbidden(principal, 'createResourcePolicy', realmHrn, decisionReasonText.no_matching_permission);
    const now = clock();
    const policy: ResourcePolicyRecord = {
      realm: principal.realm,
      id: request.id,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const hrn = this.policyHrn(policy.realm, policy.id);
    await storage.transaction(async (repositories) => {
      if (!(await repositories.resourcePolicies.insertPolicy(policy))) {
        throw new AppError('resource_policy.already_exists');
      }
      // A policy id may be reused after a deletion: nobody keeps rights on the earlier one.
      await repositories.permissions.revokeAllOn(hrn);
      for (const action of CREATOR_ACTIONS) {
        await repositories.permissions.grant({
          realm: policy.realm,
          identityId: identityId(principal),
          action,
          resourceHrn: hrn,
          effect: 'allow',
          createdAt: now,
        });
      }
    });
    return this.policyView(policy);
  }

  /** The organization's resource policies the caller may read; `resource` keeps those that hold it. */
  async list(principal: Principal, query: PageQuery & { resource?: string | undefined }) {
    const policies = await this.#deps.storage.resourcePolicies.listPolicies(principal.realm, query.resource);
    const readsAll = await this.#unscopedCan(principal, 'readResourcePolicies', this.#deps.hrns.realm(principal.realm));
    const readable: ResourcePolicyRecord[] = [];
    for (const policy of policies) {
      if (readsAll || (await this.#firstUnscoped(principal, READ_ACTIONS, this.policyHrn(policy.realm, policy.id)))) {
        readable.push(policy);
      }
    }
    return this.#page(
      readable.map((policy) => this.policyView(policy)),
      query,
    );
  }

  async get(principal: Principal, reference: string): Promise<ResourcePolicy> {
    return this.policyView(await this.#policy(principal, reference, READ_ACTIONS));
  }

  async update(
    principal: Principal,
    reference: string,
    changes: { name?: string | undefined; description?: string | undefined },
  ): Promise<ResourcePolicy> {
    const policy = await this.#policy(principal, reference, ['manageResourcePolicy']);
    await this.#deps.storage.resourcePolicies.updatePolicy(
      policy.realm,
      policy.id,
      {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      },
      this.#deps.clock(),
    );
    return this.get(principal, policy.id);
  }

  /** Deletes the policy, its resources, its place in plans and every permission on it. */
  async delete(principal: Principal, reference: string): Promise<void> {
    const policy = await this.#policy(principal, reference, ['manageResourcePolicy']);
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.resourcePolicies.deletePolicy(policy.realm, policy.id);
      await repositories.permissions.revokeAllOn(this.policyHrn(policy.realm, policy.id));
    });
  }

  /**
   * Adds resources as a batch (HERE answers 202 with a status to poll). Gatehouse processes the batch at once:
   * each resource succeeds or fails on its own, and the status says which. More resources than the policy may hold
   * refuse the whole batch (422000).
   */
  async addResources(principal: Principal, reference: string, resources: readonly ResourcePolicyResource[]) {
    const { storage, clock, publicUrl } = this.#deps;
    const policy = await this.#policy(principal, reference, ['manageResourcePolicy']);
    const statusId = prefixedUuid('STATUS');
    // The checks ask the engine, which reads outside any transaction: they run first (on SQLite a transaction
    // holds the only connection).
    const items: BatchItem[] = [];
    const accepted: ResourcePolicyEntry[] = [];
    for (const item of resources) {
      try {
        accepted.push(await this.#checkedEntry(principal, policy, item.resource, item));
        items.push({ resource: item.resource, status: 'success' });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        items.push({ resource: item.resource, status: 'failure', code: String(errorCatalogue[error.code].errorCode) });
      }
    }
    const status = accepted.length === items.length ? 'success' : accepted.length === 0 ? 'failure' : 'partialSuccess';
    await storage.transaction(async (repositories) => {
      const present = new Set(
        (await repositories.resourcePolicies.entries(policy.realm, policy.id)).map((entry) => entry.resourceHrn),
      );
      const added = new Set(resources.map((item) => item.resource).filter((hrn) => !present.has(hrn)));
      if (present.size + added.size > MAX_RESOURCES) {
        throw limitReached('MaxResourcePolicyResources', present.size, MAX_RESOURCES);
      }
      for (const entry of accepted)
        await repositories.resourcePolicies.putEntry(policy.realm, policy.id, entry, clock());
      await repositories.resourcePolicies.insertBatch(
        { id: statusId, realm: policy.realm, policyId: policy.id, status, items },
        clock(),
      );
    });
    const path = `/authorization/v1.1/resourcePolicies/${this.policyHrn(policy.realm, policy.id).replaceAll('/', '%2F')}`;
    return { statusId, href: `${publicUrl}${path}/resources/status/${statusId}` };
  }

  async batchStatus(principal: Principal, reference: string, statusId: string): Promise<ResourcePolicyResourcesStatus> {
    const policy = await this.#policy(principal, reference, READ_ACTIONS);
    const batch = await this.#deps.storage.resourcePolicies.findBatch(policy.realm, policy.id, statusId);
    if (!batch) throw new AppError('resource_policy.status_not_found');
    return { statusId: batch.id, status: batch.status, items: batch.items };
  }

  async listResources(principal: Principal, reference: string, query: PageQuery & { type?: string | undefined }) {
    const policy = await this.#policy(principal, reference, READ_ACTIONS);
    let entries = await this.#deps.storage.resourcePolicies.entries(policy.realm, policy.id);
    if (query.type !== undefined) {
      const kept: ResourcePolicyEntry[] = [];
      for (const entry of entries) {
        if ((await this.#deps.storage.resources.findByHrn(entry.resourceHrn))?.type === query.type) kept.push(entry);
      }
      entries = kept;
    }
    return this.#page(entries.map(entryView), query);
  }

  async getResource(principal: Principal, reference: string, resourceHrn: string): Promise<ResourcePolicyResource> {
    const policy = await this.#policy(principal, reference, READ_ACTIONS);
    const entries = await this.#deps.storage.resourcePolicies.entries(policy.realm, policy.id);
    const entry = entries.find((candidate) => candidate.resourceHrn === resourceHrn);
    if (!entry) throw new AppError('resource.not_found');
    return entryView(entry);
  }

  /** Adds or replaces one resource of the policy. */
  async putResource(
    principal: Principal,
    reference: string,
    resourceHrn: string,
    input: EntryInput,
  ): Promise<ResourcePolicyResource> {
    const policy = await this.#policy(principal, reference, ['manageResourcePolicy']);
    const entry = await this.#checkedEntry(principal, policy, resourceHrn, input);
    await this.#deps.storage.transaction(async (repositories) => {
      const entries = await repositories.resourcePolicies.entries(policy.realm, policy.id);
      if (!entries.some((candidate) => candidate.resourceHrn === resourceHrn) && entries.length >= MAX_RESOURCES) {
        throw limitReached('MaxResourcePolicyResources', entries.length, MAX_RESOURCES);
      }
      await repositories.resourcePolicies.putEntry(policy.realm, policy.id, entry, this.#deps.clock());
    });
    return this.getResource(principal, policy.id, resourceHrn);
  }

  /** Removes resources (one, or a comma-separated list); 404 when one of them is not in the policy. */
  async removeResources(principal: Principal, reference: string, resourceList: string): Promise<void> {
    const policy = await this.#policy(principal, reference, ['manageResourcePolicy']);
    const wanted = [...new Set(resourceList.split(',').map((hrn) => hrn.trim()))].filter((hrn) => hrn !== '');
    await this.#deps.storage.transaction(async (repositories) => {
      const present = new Set(
        (await repositories.resourcePolicies.entries(policy.realm, policy.id)).map((entry) => entry.resourceHrn),
      );
      if (wanted.length === 0 || wanted.some((hrn) => !present.has(hrn))) throw new AppError('resource.not_found');
      await repositories.resourcePolicies.deleteEntries(policy.realm, policy.id, wanted);
    });
  }

  /**
   * A resource may join a policy when it is registered in the caller's organization, homed in a project the
   * caller manages (`manageResourceHome`), with project-linking enabled actions only.
   */
  async #checkedEntry(
    principal: Principal,
    policy: ResourcePolicyRecord,
    resourceHrn: string,
    input: EntryInput,
  ): Promise<ResourcePolicyEntry> {
    const notLinkable = input.allowedActions.filter((action) => !LINKABLE.has(action));
    if (notLinkable.length > 0) {
      throw new AppError('resource_policy.action_not_linkable', {
        params: { actions: PROJECT_LINKING_ENABLED_ACTIONS.join(', ') },
      });
    }
    const resource = await this.#deps.storage.resources.findByHrn(resourceHrn);
    if (!resource || resource.realm !== policy.realm) throw new AppError('resource.not_found');
    if (resource.homeProjectId === undefined) throw new AppError('resource_policy.resource_not_homed');
    const projectHrn = this.#deps.hrns.project(resource.realm, resource.homeProjectId);
    if (!(await this.#unscopedCan(principal, 'manageResourceHome', projectHrn))) {
      throw forbidden(principal, 'manageResourceHome', projectHrn, decisionReasonText.no_matching_permission);
    }
    return {
      resourceHrn,
      allowedActions: [...new Set(input.allowedActions)],
      ...(input.subresources !== undefined ? { subresources: [...new Set(input.subresources)] } : {}),
    };
  }

  policyView(policy: ResourcePolicyRecord): ResourcePolicy {
    return {
      hrn: this.policyHrn(policy.realm, policy.id),
      id: policy.id,
      name: policy.name,
      ...(policy.description !== undefined ? { description: policy.description } : {}),
    };
  }

  // --- Resource plans (management: Gatehouse extension) ------------------------------------------------------------

  async createPlan(
    principal: Principal,
    request: { name: string; description?: string | undefined; resourcePolicies: string[] },
  ): Promise<ResourcePlan> {
    await this.#requireOnRealm(principal, 'manageResourcePlans');
    const now = this.#deps.clock();
    const plan: ResourcePlanRecord = {
      realm: principal.realm,
      id: prefixedUuid('RESOURCEPLAN'),
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      policyIds: await this.#policyIds(principal, request.resourcePolicies),
      createdAt: now,
      updatedAt: now,
    };
    await this.#deps.storage.resourcePolicies.insertPlan(plan);
    return this.planView(plan);
  }

  async listPlans(principal: Principal, query: PageQuery) {
    await this.#requireOnRealm(principal, 'readResourcePlans');
    const plans = await this.#deps.storage.resourcePolicies.listPlans(principal.realm);
    return this.#page(
      plans.map((plan) => this.planView(plan)),
      query,
    );
  }

  async getPlan(principal: Principal, reference: string): Promise<ResourcePlan> {
    await this.#requireOnRealm(principal, 'readResourcePlans');
    return this.planView(await this.#plan(principal, reference));
  }

  async updatePlan(
    principal: Principal,
    reference: string,
    changes: { name?: string | undefined; description?: string | undefined; resourcePolicies?: string[] | undefined },
  ): Promise<ResourcePlan> {
    await this.#requireOnRealm(principal, 'manageResourcePlans');
    const plan = await this.#plan(principal, reference);
    await this.#deps.storage.resourcePolicies.updatePlan(
      plan.realm,
      plan.id,
      {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.resourcePolicies !== undefined
          ? { policyIds: await this.#policyIds(principal, changes.resourcePolicies) }
          : {}),
      },
      this.#deps.clock(),
    );
    return this.planView(await this.#plan(principal, plan.id));
  }

  async deletePlan(principal: Principal, reference: string): Promise<void> {
    await this.#requireOnRealm(principal, 'manageResourcePlans');
    const plan = await this.#plan(principal, reference);
    await this.#deps.storage.transaction((repositories) =>
      repositories.resourcePolicies.deletePlan(plan.realm, plan.id),
    );
  }

  /**
   * Attaches a plan to the organization (`member` undefined) or to one of its users or apps, replacing how it was
   * attached; `subresources` are keyed by resource policies of the plan (HRN or id).
   */
  async attach(
    principal: Principal,
    realm: string,
    member: string | undefined,
    planReference: string,
    request: {
      externalId?: string | undefined;
      subresources?: Record<string, string[]> | undefined;
      expiresAt?: number | undefined;
    },
  ): Promise<AttachedResourcePlan> {
    const target = await this.#target(principal, realm, member);
    await this.#requireOnRealm(principal, 'manageResourcePlans');
    const plan = await this.#plan(principal, planReference);
    let subresources: Record<string, string[]> | undefined;
    if (request.subresources !== undefined) {
      subresources = {};
      for (const [reference, values] of Object.entries(request.subresources)) {
        const id = ownId(principal, reference, 'resourcePolicy');
        if (id === undefined || !plan.policyIds.includes(id)) {
          throw invalidData(fieldError(`subresources.${reference}`, 'invalid'));
        }
        subresources[id] = [...new Set(values)];
      }
    }
    const attachment: ResourcePlanAttachment = {
      planId: plan.id,
      target,
      ...(request.externalId !== undefined ? { externalId: request.externalId } : {}),
      ...(subresources !== undefined ? { subresources } : {}),
      ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
    };
    await this.#deps.storage.resourcePolicies.attach(principal.realm, attachment, this.#deps.clock());
    return this.attachmentView(principal.realm, attachment);
  }

  async detach(principal: Principal, realm: string, member: string | undefined, planReference: string): Promise<void> {
    const target = await this.#target(principal, realm, member);
    await this.#requireOnRealm(principal, 'manageResourcePlans');
    const plan = await this.#plan(principal, planReference);
    if (!(await this.#deps.storage.resourcePolicies.detach(principal.realm, plan.id, target))) {
      throw new AppError('resource_plan.not_found');
    }
  }

  // --- Resource plans (HERE's reads) -------------------------------------------------------------------------------

  /** Plans attached to the organization (`member` undefined) or to one member, unexpired. */
  async attachedPlans(principal: Principal, realm: string, member: string | undefined, query: PageQuery) {
    const attachments = await this.#readableAttachments(principal, realm, member);
    return this.#page(
      attachments.map((attachment) => this.attachmentView(principal.realm, attachment)),
      query,
    );
  }

  async attachedPlanPolicies(
    principal: Principal,
    realm: string,
    planReference: string,
    query: PageQuery & { externalId?: string | undefined },
  ) {
    const { plan } = await this.#attachedPlan(principal, realm, planReference, query.externalId);
    return this.#page(
      plan.policyIds.map((id) => ({ hrn: this.policyHrn(plan.realm, id) })),
      query,
    );
  }

  /** The permissions a plan attached to the organization gives through one of its policies, with subresources. */
  async attachedPlanPolicyPermissions(
    principal: Principal,
    realm: string,
    planReference: string,
    policyReference: string,
    query: PageQuery,
  ) {
    const { plan, attachment } = await this.#attachedPlan(principal, realm, planReference, undefined);
    const policyId = ownId(principal, policyReference, 'resourcePolicy');
    if (policyId === undefined || !plan.policyIds.includes(policyId)) throw new AppError('resource_policy.not_found');
    return this.#page(await this.#permissionsThrough(plan.realm, policyId, attachment), query);
  }

  /**
   * `GET /realms/{realm}/linkable/permissions?resourceType`: the linkable permissions every member of the
   * organization has, those of the unexpired resource plans attached to it: each permission of each of their
   * resource policies, narrowed to the attachment's subresources. The engine allows exactly these to any member
   * (unless an access filter stops `linkable` permissions). Needs `readPermissions` on the organization.
   */
  async realmLinkablePermissions(
    principal: Principal,
    realm: string,
    query: PageQuery & { resourceType?: string | undefined },
  ) {
    const target = await this.#target(principal, realm, undefined);
    await this.#requireOnRealm(principal, 'readPermissions');
    const { storage, clock } = this.#deps;
    const now = clock();
    const attachments = (await storage.resourcePolicies.attachmentsOf(principal.realm, [target])).filter(
      (attachment) => attachment.expiresAt === undefined || attachment.expiresAt > now,
    );
    const permissions: PermissionWithSubresources[] = [];
    for (const attachment of attachments) {
      const plan = await storage.resourcePolicies.findPlan(principal.realm, attachment.planId);
      for (const policyId of plan?.policyIds ?? []) {
        permissions.push(...(await this.#permissionsThrough(principal.realm, policyId, attachment)));
      }
    }
    if (query.resourceType === undefined) return this.#page(permissions, query);
    const types = new Map<string, string | undefined>();
    for (const { resource } of permissions) {
      if (!types.has(resource)) types.set(resource, (await storage.resources.findByHrn(resource))?.type);
    }
    return this.#page(
      permissions.filter((permission) => types.get(permission.resource) === query.resourceType),
      query,
    );
  }

  planView(plan: ResourcePlanRecord): ResourcePlan {
    return {
      hrn: this.planHrn(plan.realm, plan.id),
      id: plan.id,
      name: plan.name,
      ...(plan.description !== undefined ? { description: plan.description } : {}),
      resourcePolicies: plan.policyIds.map((id) => this.policyHrn(plan.realm, id)),
    };
  }

  attachmentView(realm: string, attachment: ResourcePlanAttachment): AttachedResourcePlan {
    return {
      hrn: this.planHrn(realm, attachment.planId),
      ...(attachment.externalId !== undefined ? { externalId: attachment.externalId } : {}),
      ...(attachment.subresources !== undefined
        ? {
            subresources: Object.fromEntries(
              Object.entries(attachment.subresources).map(([id, values]) => [this.policyHrn(realm, id), values]),
            ),
          }
        : {}),
      ...(attachment.expiresAt !== undefined ? { expiresAt: attachment.expiresAt } : {}),
    };
  }

  async #attachedPlan(principal: Principal, realm: string, planReference: string, externalId: string | undefined) {
    const attachments = await this.#readableAttachments(principal, realm, undefined);
    const plan = await this.#plan(principal, planReference);
    const attachment = attachments.find(
      (candidate) => candidate.planId === plan.id && (externalId === undefined || candidate.externalId === externalId),
    );
    if (!attachment) throw new AppError('resource_plan.not_found');
    return { plan, attachment };
  }

  /** Unexpired attachments to the organization (OrgAdmins read them) or to a member (itself, or OrgAdmins). */
  async #readableAttachments(principal: Principal, realm: string, member: string | undefined) {
    const target = await this.#target(principal, realm, member);
    if (!(target.kind === 'identity' && target.id === identityId(principal))) {
      await this.#requireOnRealm(principal, 'readResourcePlans');
    }
    const now = this.#deps.clock();
    return (await this.#deps.storage.resourcePolicies.attachmentsOf(principal.realm, [target])).filter(
      (attachment) => attachment.expiresAt === undefined || attachment.expiresAt > now,
    );
  }

  async #target(principal: Principal, realm: string, member: string | undefined): Promise<ResourcePlanTarget> {
    const organization = realm === 'me' ? principal.realm : referencedId(realm, 'account', ['realm']);
    if (organization === undefined || organization.toLowerCase() !== principal.realm.toLowerCase()) {
      throw new AppError('realm.not_found');
    }
    if (member === undefined) return { kind: 'realm', id: principal.realm };
    const identity = await this.#deps.info.resolveMember(principal, principal.realm, member);
    return { kind: 'identity', id: identity.id };
  }

  // --- Helpers -----------------------------------------------------------------------------------------------------

  /** The permissions one resource policy of an attached plan gives, narrowed to the attachment's subresources. */
  async #permissionsThrough(
    realm: string,
    policyId: string,
    attachment: ResourcePlanAttachment,
  ): Promise<PermissionWithSubresources[]> {
    const narrowing = attachment.subresources?.[policyId];
    const entries = await this.#deps.storage.resourcePolicies.entries(realm, policyId);
    return entries.flatMap((entry) => {
      const subresources =
        entry.subresources === undefined
          ? narrowing
          : narrowing === undefined
            ? entry.subresources
            : entry.subresources.filter((value) => narrowing.includes(value));
      return entry.allowedActions.map((action) => ({
        action,
        resource: entry.resourceHrn,
        effect: 'allow' as const,
        ...(subresources !== undefined ? { subresources } : {}),
      }));
    });
  }

  /** A resource policy of the caller's organization the caller may act on; 404 for anything else. */
  async #policy(principal: Principal, reference: string, actions: readonly string[]): Promise<ResourcePolicyRecord> {
    const id = ownId(principal, reference, 'resourcePolicy');
    const policy =
      id === undefined ? undefined : await this.#deps.storage.resourcePolicies.findPolicy(principal.realm, id);
    if (!policy) throw new AppError('resource_policy.not_found');
    const hrn = this.policyHrn(policy.realm, policy.id);
    if (!(await this.#firstUnscoped(principal, actions, hrn))) {
      throw forbidden(principal, actions.join('|'), hrn, decisionReasonText.no_matching_permission);
    }
    return policy;
  }

  async #plan(principal: Principal, reference: string): Promise<ResourcePlanRecord> {
    const id = ownId(principal, reference, 'resourcePlan');
    const plan = id === undefined ? undefined : await this.#deps.storage.resourcePolicies.findPlan(principal.realm, id);
    if (!plan) throw new AppError('resource_plan.not_found');
    return plan;
  }

  async #policyIds(principal: Principal, references: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const reference of references) {
      const id = ownId(principal, reference, 'resourcePolicy');
      const policy =
        id === undefined ? undefined : await this.#deps.storage.resourcePolicies.findPolicy(principal.realm, id);
      if (!policy) throw new AppError('resource_policy.not_found');
      ids.push(policy.id);
    }
    return [...new Set(ids)];
  }

  async #requireOnRealm(principal: Principal, action: string): Promise<void> {
    const realmHrn = this.#deps.hrns.realm(principal.realm);
    if (!(await this.#unscopedCan(principal, action, realmHrn))) {
      throw forbidden(principal, action, realmHrn, decisionReasonText.no_matching_permission);
    }
  }

  async #firstUnscoped(principal: Principal, actions: readonly string[], hrn: string): Promise<boolean> {
    for (const action of actions) if (await this.#unscopedCan(principal, action, hrn)) return true;
    return false;
  }

  /** Management checks use the caller's unscoped permissions, whatever the scope of its token. */
  async #unscopedCan(principal: Principal, action: string, hrn: string): Promise<boolean> {
    const { authorizer } = this.#deps;
    const subject = { ...authorizer.subject(principal), projectId: undefined };
    return (await authorizer.engine.decide(subject, action, hrn)).allowed;
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

  #page<T>(items: readonly T[], query: PageQuery) {
    const limit = query.limit ?? 100;
    return { limit, ...pageOf(items, limit, query.pageToken) };
  }
}

const entryView = (entry: ResourcePolicyEntry): ResourcePolicyResource => ({
  resource: entry.resourceHrn,
  allowedActions: entry.allowedActions,
  ...(entry.subresources !== undefined ? { subresources: entry.subresources } : {}),
});

/** The id of a resource policy or plan a path names, by id or by an HRN of the caller's organization. */
function ownId(principal: Principal, reference: string, type: 'resourcePolicy' | 'resourcePlan'): string | undefined {
  return referencedId(reference, 'authorization', [type], { organization: principal.realm });
}
