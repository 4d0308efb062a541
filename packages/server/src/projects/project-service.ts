import {
  type AttachedPolicies,
  type HrnFactory,
  limits,
  type PatchProject,
  type PatchProjectSettings,
  type PermissionWithSubresources,
  type ProjectMember,
  type ProjectPolicyRequest,
  type ProjectPolicyResponse,
  type ProjectPolicyUpdate,
  type ProjectRequest,
  type ProjectResponse,
  type ProjectSettings,
  parseHrn,
  referencedId,
  resourceTypeAndId,
} from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import { type Authorizer, forbidden, projectIdOf } from '../authz/authorizer.js';
import { decisionReasonText } from '../authz/engine.js';
import {
  DEFAULT_NEW_MEMBER_POLICIES,
  type ManagedProjectPolicyId,
  managedPolicyHrn,
  managedPolicyId,
  managedProjectPolicies,
} from '../authz/project-policies.js';
import { AppError, limitReached } from '../errors/app-error.js';
import { pageOf } from '../storage/in-memory-page.js';
import { decodePageToken, encodePageToken } from '../storage/pagination.js';
import type { Repositories, Storage } from '../storage/storage.js';
import type { CustomPolicyRecord, IdentityKind, ProjectMemberRecord, ProjectRecord } from './project-repository.js';

export interface ProjectServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  hrns: HrnFactory;
  clock: () => number;
}

/** A user, app or group of the caller's organization, named by its HRN. */
export interface Identity {
  id: string;
  kind: IdentityKind;
  hrn: string;
}

/** A project policy named in a path or body: HERE-managed, or custom to the project. */
type PolicyReference = { kind: 'managed'; id: ManagedProjectPolicyId } | { kind: 'custom'; id: string };

const PROJECT_ADMIN = 'ProjectAdmin';
const max = (name: keyof typeof limits) => limits[name].maximum;

/**
 * Projects (HERE Authorization v1.1 "Project Management" and "Project Access Management"): projects, their members
 * (users, apps, groups), project policies and settings.
 *
 * @remarks
 * Who may do what is decided by the authorization engine on the project's HRN with the caller's unscoped
 * permissions: ProjectAdmin (per project), OrgAdmin and ResourceManager (per organization) hold the management
 * actions. Members may read their project. A project-scoped token reaches only its own project.
 */
export class ProjectService {
  readonly #deps: ProjectServiceDependencies;

  constructor(deps: ProjectServiceDependencies) {
    this.#deps = deps;
  }

  async create(principal: Principal, request: ProjectRequest): Promise<ProjectResponse> {
    const { storage, authorizer, hrns, clock } = this.#deps;
    await authorizer.requireOnRealm(principal, ['createProject']);
    const creatorId = identityId(principal);
    const now = clock();
    const defaults = DEFAULT_NEW_MEMBER_POLICIES.map((id) => managedPolicyHrn(hrns.partition, id));
    const project: ProjectRecord = {
      realm: principal.realm,
      id: request.id,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      scopeAccess: 'thisProjectOnly',
      defaultMemberPolicies: defaults,
      creatorId,
      createdAt: now,
      updatedAt: now,
    };
    await storage.transaction(async (repositories) => {
      await repositories.locks.identity(creatorId);
      const count = await repositories.projects.countProjectsOf(creatorId);
      if (count >= max('MaxEntityProjects')) throw limitReached('MaxEntityProjects', count, max('MaxEntityProjects'));
      if (!(await repositories.projects.insert(project))) throw new AppError('project.already_exists');
      await repositories.projects.addMember(project.realm, project.id, creatorId, defaults, now);
      const role = await repositories.roles.ensure(project.realm, PROJECT_ADMIN, this.hrn(project), now);
      await repositories.roles.assign(role.id, creatorId, now);
    });
    return this.view(project);
  }

  /** Every project of the organization (`listAllProjects`: OrgAdmin, ResourceManager). */
  async listAll(
    principal: Principal,
    query: { q?: string | undefined; limit: number; pageToken?: string | undefined },
  ) {
    await this.#deps.authorizer.requireOnRealm(principal, ['listAllProjects']);
    return this.#page(principal.realm, { ...query });
  }

  /**
   * The caller's projects: by default those it is a member of (directly or through a group); `isMember=false` adds
   * those it administers; `canManage=true` keeps those it may manage.
   */
  async listMine(
    principal: Principal,
    query: { canManage?: boolean | undefined; isMember?: boolean | undefined; limit: number; pageToken?: string },
  ) {
    const { storage, hrns } = this.#deps;
    const id = identityId(principal);
    const memberOf = await this.#projectIdsOf(principal.realm, id);
    const managesAll = await this.#unscopedCan(principal, ['manage'], hrns.project(principal.realm, '*'));
    let ids: string[] | undefined = memberOf;
    if (query.isMember === false) {
      if (managesAll) ids = undefined;
      else {
        const administered = (await storage.roles.rolesOf(id))
          .filter((role) => role.name === PROJECT_ADMIN)
          .map((role) => projectIdOf(role.resourceHrn))
          .filter((projectId): projectId is string => projectId !== undefined);
        ids = [...new Set([...memberOf, ...administered])];
      }
    }
    if (query.canManage && ids !== undefined && !managesAll) {
      const manageable: string[] = [];
      for (const projectId of ids) {
        if (await this.#unscopedCan(principal, ['manage'], hrns.project(principal.realm, projectId))) {
          manageable.push(projectId);
        }
      }
      ids = manageable;
    }
    return this.#page(principal.realm, {
      ...(ids !== undefined ? { ids } : {}),
      limit: query.limit,
      ...pageTokenOf(query),
    });
  }

  /** Projects a user, app or group of the organization belongs to (`manage` on it, or the caller itself). */
  async listOfMember(
    principal: Principal,
    realm: string,
    memberHrn: string,
    query: { limit: number; pageToken?: string },
  ) {
    if (realm.toLowerCase() !== principal.realm.toLowerCase()) throw new AppError('realm.mismatch');
    const member = await this.resolveIdentity(principal, memberHrn);
    if (member.id !== identityId(principal)) {
      await this.#requireUnscoped(principal, ['manage', 'read'], member.hrn);
    }
    const ids = await this.#projectIdsOf(principal.realm, member.id);
    return this.#page(principal.realm, { ids, limit: query.limit, ...pageTokenOf(query) });
  }

  async get(principal: Principal, reference: string): Promise<ProjectResponse> {
    return this.view(await this.access(principal, reference, ['read'], { members: true }));
  }

  async update(principal: Principal, reference: string, changes: PatchProject): Promise<ProjectResponse> {
    const project = await this.access(principal, reference, ['write', 'manage']);
    await this.#deps.storage.projects.update(project.realm, project.id, changes, this.#deps.clock());
    return this.view(await this.#reload(project));
  }

  /** Deletes the project with its members, policies and links; resources homed there lose their home. */
  async delete(principal: Principal, reference: string): Promise<void> {
    const project = await this.access(principal, reference, ['manage']);
    await this.#deps.storage.transaction((repositories) =>
      repositories.projects.delete(project.realm, project.id, this.hrn(project)),
    );
  }

  // --- Members ---------------------------------------------------------------------------------------------------

  /** Adds a user, app or group; `created` is false when it was a member already. */
  async addMember(
    principal: Principal,
    reference: string,
    memberHrn: string,
  ): Promise<{ created: boolean; member: ProjectMember }> {
    const { storage, clock } = this.#deps;
    const project = await this.access(principal, reference, ['manageMembers']);
    const member = await this.resolveIdentity(principal, memberHrn);
    if (member.kind === 'app') {
      const app = await storage.apps.findById(member.id);
      if (app?.defaultScope?.alwaysProjectScope && app.defaultScope.scope !== this.hrn(project)) {
        throw new AppError('project.app_bound_to_default_project');
      }
    }
    const now = clock();
    const created = await storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      await repositories.locks.identity(member.id);
      if (await repositories.projects.findMember(project.realm, project.id, member.id)) return false;
      const counts = await repositories.projects.countMembers(project.realm, project.id);
      const projectsOfMember = await repositories.projects.countProjectsOf(member.id);
      if (member.kind === 'group') {
        check('MaxProjectGroups', counts.groups);
        check('MaxGroupProjects', projectsOfMember);
      } else {
        check('MaxProjectMembers', counts.identities);
        check('MaxEntityProjects', projectsOfMember);
      }
      const current = await repositories.projects.findById(project.realm, project.id);
      return repositories.projects.addMember(
        project.realm,
        project.id,
        member.id,
        current?.defaultMemberPolicies ?? project.defaultMemberPolicies,
        now,
      );
    });
    return { created, member: await this.#memberView(project, { memberId: member.id, kind: member.kind }) };
  }

  async getMember(principal: Principal, reference: string, memberHrn: string): Promise<ProjectMember> {
    const project = await this.access(principal, reference, ['readMembers'], { members: true });
    const member = await this.#directMember(principal, project, memberHrn);
    return this.#memberView(project, member);
  }

  async removeMember(principal: Principal, reference: string, memberHrn: string): Promise<void> {
    const project = await this.access(principal, reference, ['manageMembers']);
    const member = await this.resolveIdentity(principal, memberHrn);
    await this.#remove(project, member.id);
  }

  /** The caller leaves the project (and its ProjectAdmin role there). */
  async leave(principal: Principal, reference: string): Promise<void> {
    const project = await this.find(principal, reference);
    await this.#remove(project, identityId(principal));
  }

  /**
   * Direct members (users, apps, groups, with a total), or with `onlyIncludeIdentities` the users and apps that are
   * members directly or through a group, ProjectAdmins and ResourceManagers (without a total).
   */
  async listMembers(
    principal: Principal,
    reference: string,
    query: { onlyIncludeIdentities?: boolean | undefined; limit: number; pageToken?: string | undefined },
  ) {
    const project = await this.access(principal, reference, ['readMembers'], { members: true });
    const { storage } = this.#deps;
    if (query.onlyIncludeIdentities) {
      const all = await storage.projects.effectiveIdentities(project.realm, project.id, {
        projectHrn: this.hrn(project),
        realmHrn: this.#deps.hrns.realm(project.realm),
      });
      const after = query.pageToken !== undefined ? (decodePageToken(query.pageToken, ['string'])[0] as string) : '';
      const rest = all.filter((member) => member.memberId > after);
      const items = rest.slice(0, query.limit);
      const last = items.at(-1);
      return {
        limit: query.limit,
        items: await this.#memberViews(project, items),
        ...(rest.length > query.limit && last ? { pageToken: encodePageToken([last.memberId]) } : {}),
      };
    }
    const page = await storage.projects.listMembers(project.realm, project.id, {
      limit: query.limit,
      ...pageTokenOf(query),
    });
    return {
      limit: query.limit,
      total: page.total,
      items: await this.#memberViews(project, page.items),
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  // --- Policies --------------------------------------------------------------------------------------------------

  async createPolicy(principal: Principal, reference: string, request: ProjectPolicyRequest) {
    const project = await this.access(principal, reference, ['managePolicies']);
    checkPermissionCount(request.permissions.length);
    const now = this.#deps.clock();
    const policy: CustomPolicyRecord = {
      realm: project.realm,
      projectId: project.id,
      id: request.id,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      permissions: request.permissions,
      createdAt: now,
      updatedAt: now,
    };
    if (managedPolicyId(managedPolicyHrn(this.#deps.hrns.partition, request.id))) {
      throw new AppError('project.policy_already_exists');
    }
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      const count = (await repositories.projects.listPolicies(project.realm, project.id)).length;
      check('MaxProjectCustomPolicies', count);
      if (!(await repositories.projects.insertPolicy(policy))) throw new AppError('project.policy_already_exists');
    });
    return this.#customView(project, policy);
  }

  /** HERE-provided policies, then the project's custom ones. */
  async listPolicies(principal: Principal, reference: string, type: 'custom' | 'here-platform' | undefined) {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    const items: ProjectPolicyResponse[] = [];
    if (type !== 'custom') {
      for (const id of Object.keys(managedProjectPolicies) as ManagedProjectPolicyId[])
        items.push(this.#managedView(id));
    }
    if (type !== 'here-platform') {
      for (const policy of await this.#deps.storage.projects.listPolicies(project.realm, project.id)) {
        items.push(this.#customView(project, policy));
      }
    }
    return { limit: Math.max(items.length, 1), items };
  }

  async getPolicy(principal: Principal, reference: string, policyReference: string): Promise<ProjectPolicyResponse> {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    const policy = this.#policyReference(project, policyReference);
    if (policy.kind === 'managed') return this.#managedView(policy.id);
    return this.#customView(project, await this.#customPolicy(project, policy.id));
  }

  async updatePolicy(principal: Principal, reference: string, policyReference: string, request: ProjectPolicyUpdate) {
    const project = await this.access(principal, reference, ['managePolicies']);
    const policy = this.#policyReference(project, policyReference);
    if (policy.kind === 'managed') throw new AppError('project.policy_read_only');
    await this.#customPolicy(project, policy.id);
    checkPermissionCount(request.permissions.length);
    await this.#deps.storage.projects.updatePolicy(project.realm, project.id, policy.id, request, this.#deps.clock());
    return this.#customView(project, await this.#customPolicy(project, policy.id));
  }

  async deletePolicy(principal: Principal, reference: string, policyReference: string): Promise<void> {
    const project = await this.access(principal, reference, ['managePolicies']);
    const policy = this.#policyReference(project, policyReference);
    if (policy.kind === 'managed') throw new AppError('project.policy_read_only');
    await this.#customPolicy(project, policy.id);
    const hrn = this.customPolicyHrn(project, policy.id);
    if (project.defaultMemberPolicies.includes(hrn)) throw new AppError('project.policy_in_use');
    await this.#deps.storage.transaction((repositories) =>
      repositories.projects.deletePolicy(project.realm, project.id, policy.id, hrn),
    );
  }

  /** Direct members that hold the policy themselves. */
  async policyMembers(principal: Principal, reference: string, policyReference: string) {
    const project = await this.access(principal, reference, ['readPolicies', 'readMembers'], { members: true });
    const hrn = await this.#attachableHrn(project, policyReference);
    const members = await this.#deps.storage.projects.membersWithPolicy(project.realm, project.id, hrn);
    return {
      limit: Math.max(members.length, 1),
      total: members.length,
      items: await this.#memberViews(project, members),
    };
  }

  async attachedPolicies(principal: Principal, reference: string): Promise<AttachedPolicies> {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    return policyList(await this.#deps.storage.projects.attachedPolicies(project.realm, project.id));
  }

  /** Replaces the project-level policies (at most 5). */
  async setAttachedPolicies(
    principal: Principal,
    reference: string,
    body: AttachedPolicies,
  ): Promise<AttachedPolicies> {
    const project = await this.access(principal, reference, ['managePolicies']);
    const hrns = await this.#attachableHrns(
      project,
      body.policies.map((entry) => entry.policy),
    );
    if (hrns.length > max('MaxProjectPolicies')) {
      throw limitReached('MaxProjectPolicies', hrns.length, max('MaxProjectPolicies'));
    }
    await this.#deps.storage.transaction((repositories) =>
      repositories.projects.setAttachedPolicies(project.realm, project.id, hrns, this.#deps.clock()),
    );
    return policyList(hrns);
  }

  async getAttachedPolicy(principal: Principal, reference: string, policyReference: string) {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    const hrn = await this.#attachableHrn(project, policyReference);
    const attached = await this.#deps.storage.projects.attachedPolicies(project.realm, project.id);
    if (!attached.includes(hrn)) throw new AppError('project.policy_not_found');
    return { policy: hrn };
  }

  async attachPolicy(principal: Principal, reference: string, policyReference: string): Promise<void> {
    const project = await this.access(principal, reference, ['managePolicies']);
    const hrn = await this.#attachableHrn(project, policyReference);
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      const attached = await repositories.projects.attachedPolicies(project.realm, project.id);
      if (attached.includes(hrn)) return;
      check('MaxProjectPolicies', attached.length);
      await repositories.projects.attachPolicy(project.realm, project.id, hrn, this.#deps.clock());
    });
  }

  async detachPolicy(principal: Principal, reference: string, policyReference: string): Promise<void> {
    const project = await this.access(principal, reference, ['managePolicies']);
    const hrn = await this.#attachableHrn(project, policyReference);
    if (!(await this.#deps.storage.projects.detachPolicy(project.realm, project.id, hrn))) {
      throw new AppError('project.policy_not_found');
    }
  }

  async memberPolicies(principal: Principal, reference: string, memberHrn: string): Promise<AttachedPolicies> {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    const member = await this.#directMember(principal, project, memberHrn);
    return policyList(await this.#deps.storage.projects.memberPolicies(project.realm, project.id, member.memberId));
  }

  /** Replaces the policies of a member (at most 5). */
  async setMemberPolicies(principal: Principal, reference: string, memberHrn: string, body: AttachedPolicies) {
    const project = await this.access(principal, reference, ['managePolicies']);
    const member = await this.#directMember(principal, project, memberHrn);
    const hrns = await this.#attachableHrns(
      project,
      body.policies.map((entry) => entry.policy),
    );
    if (hrns.length > max('MaxMemberProjectPolicies')) {
      throw limitReached('MaxMemberProjectPolicies', hrns.length, max('MaxMemberProjectPolicies'));
    }
    await this.#deps.storage.transaction((repositories) =>
      repositories.projects.setMemberPolicies(project.realm, project.id, member.memberId, hrns, this.#deps.clock()),
    );
    return policyList(hrns);
  }

  async getMemberPolicy(principal: Principal, reference: string, memberHrn: string, policyReference: string) {
    const project = await this.access(principal, reference, ['readPolicies'], { members: true });
    const member = await this.#directMember(principal, project, memberHrn);
    const hrn = await this.#attachableHrn(project, policyReference);
    const held = await this.#deps.storage.projects.memberPolicies(project.realm, project.id, member.memberId);
    if (!held.includes(hrn)) throw new AppError('project.policy_not_found');
    return { policy: hrn };
  }

  async attachMemberPolicy(principal: Principal, reference: string, memberHrn: string, policyReference: string) {
    const project = await this.access(principal, reference, ['managePolicies']);
    const member = await this.#directMember(principal, project, memberHrn);
    const hrn = await this.#attachableHrn(project, policyReference);
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      const held = await repositories.projects.memberPolicies(project.realm, project.id, member.memberId);
      if (held.includes(hrn)) return;
      check('MaxMemberProjectPolicies', held.length);
      await repositories.projects.attachMemberPolicy(
        project.realm,
        project.id,
        member.memberId,
        hrn,
        this.#deps.clock(),
      );
    });
  }

  async detachMemberPolicy(principal: Principal, reference: string, memberHrn: string, policyReference: string) {
    const project = await this.access(principal, reference, ['managePolicies']);
    const member = await this.#directMember(principal, project, memberHrn);
    const hrn = await this.#attachableHrn(project, policyReference);
    if (!(await this.#deps.storage.projects.detachMemberPolicy(project.realm, project.id, member.memberId, hrn))) {
      throw new AppError('project.policy_not_found');
    }
  }

  /**
   * What a member (a user or app, directly or through a group; or a group) may do in the project: the permissions
   * of the policies that apply to it, as the authorization engine compiles them.
   */
  async memberPermissions(
    principal: Principal,
    reference: string,
    memberHrn: string,
    query: { limit: number; pageToken?: string | undefined },
  ) {
    const project = await this.find(principal, reference);
    const member = await this.resolveIdentity(principal, memberHrn);
    if (member.id !== identityId(principal)) await this.#requireUnscoped(principal, ['readMembers'], this.hrn(project));
    const policies = await this.#deps.authorizer.engine.projectPolicies(member.id, project.id);
    if (!policies) throw new AppError('project.member_not_found');
    const all = policies.flatMap(({ policyHrn, permissions }) =>
      permissions.flatMap((permission) =>
        permission.allowedActions.map((action) => ({
          action,
          effect: 'allow' as const,
          ...(permission.resource !== undefined ? { resource: permission.resource } : {}),
          ...(permission.resourceType !== undefined ? { resourceType: permission.resourceType } : {}),
          policy: policyHrn,
        })),
      ),
    );
    const offset = query.pageToken !== undefined ? (decodePageToken(query.pageToken, ['number'])[0] as number) : 0;
    const items = all.slice(offset, offset + query.limit);
    return {
      limit: query.limit,
      items,
      ...(offset + query.limit < all.length ? { pageToken: encodePageToken([offset + query.limit]) } : {}),
    };
  }

  /**
   * `GET /projects/{project}/members/{member}/linkable/permissions?resourceType`: what the member may do, with a
   * token scoped to the project, on the resources linked into it. Each action a link allows is asked of the engine,
   * so the answer is what `POST /decision/authorize` would say: the member's project policies within the links'
   * actions, access filters, and the subresources a limited link reaches. Resources reached through resource plans
   * are listed with the member's resource plans instead.
   */
  async memberLinkablePermissions(
    principal: Principal,
    reference: string,
    memberHrn: string,
    query: { limit: number; pageToken?: string | undefined; resourceType?: string | undefined },
  ) {
    const project = await this.find(principal, reference);
    const member = await this.resolveIdentity(principal, memberHrn);
    if (member.id !== identityId(principal)) await this.#requireUnscoped(principal, ['readMembers'], this.hrn(project));
    const { engine } = this.#deps.authorizer;
    if (!(await engine.isProjectMember(member.id, project.id))) throw new AppError('project.member_not_found');
    const actionsByResource = new Map<string, Set<string>>();
    for (const link of await this.#deps.storage.resources.linksIn(project.realm, project.id)) {
      const actions = actionsByResource.get(link.resourceHrn) ?? new Set<string>();
      for (const action of link.allowedActions) actions.add(action);
      actionsByResource.set(link.resourceHrn, actions);
    }
    const subject = { identityId: member.id, realm: project.realm, projectId: project.id };
    const permissions: PermissionWithSubresources[] = [];
    for (const [resource, actions] of actionsByResource) {
      if (query.resourceType !== undefined) {
        const type = (await this.#deps.storage.resources.findByHrn(resource))?.type;
        if (type !== query.resourceType) continue;
      }
      for (const action of actions) {
        const decision = await engine.decide(subject, action, resource);
        if (!decision.allowed) continue;
        permissions.push({
          action,
          resource,
          effect: 'allow',
          ...(decision.subresources !== undefined ? { subresources: [...decision.subresources] } : {}),
        });
      }
    }
    const page = pageOf(permissions, query.limit, query.pageToken);
    return {
      limit: query.limit,
      total: page.total,
      items: page.items,
      ...(page.pageToken !== undefined ? { pageToken: page.pageToken } : {}),
    };
  }

  // --- Settings --------------------------------------------------------------------------------------------------

  async settings(principal: Principal, reference: string): Promise<ProjectSettings> {
    return settingsView(await this.access(principal, reference, ['read'], { members: true }));
  }

  async updateSettings(principal: Principal, reference: string, changes: PatchProjectSettings) {
    const project = await this.access(principal, reference, ['manage']);
    const defaults =
      changes.defaultNewMemberProjectPolicies !== undefined
        ? await this.#attachableHrns(project, changes.defaultNewMemberProjectPolicies)
        : undefined;
    await this.#deps.storage.projects.update(
      project.realm,
      project.id,
      {
        ...(changes.scopeAccess !== undefined ? { scopeAccess: changes.scopeAccess } : {}),
        ...(defaults !== undefined ? { defaultMemberPolicies: defaults } : {}),
      },
      this.#deps.clock(),
    );
    return settingsView(await this.#reload(project));
  }

  // --- Shared with the resource service ---------------------------------------------------------------------------

  hrn(project: Pick<ProjectRecord, 'realm' | 'id'>): string {
    return this.#deps.hrns.project(project.realm, project.id);
  }

  customPolicyHrn(project: Pick<ProjectRecord, 'realm' | 'id'>, policyId: string): string {
    return `${this.hrn(project)}:policy/${policyId}`;
  }

  view(project: ProjectRecord): ProjectResponse {
    return {
      id: project.id,
      hrn: this.hrn(project),
      name: project.name,
      ...(project.description !== undefined ? { description: project.description } : {}),
    };
  }

  /**
   * Resolves a project id or HRN to a project of the caller's organization on which the caller may perform one of
   * `actions` (decided on the project HRN with its unscoped permissions), or, with `members`, is a member. A
   * project-scoped token reaches only its own project.
   */
  async access(
    principal: Principal,
    reference: string,
    actions: readonly string[],
    options: { members?: boolean } = {},
  ): Promise<ProjectRecord> {
    const project = await this.find(principal, reference);
    const hrn = this.hrn(project);
    if (options.members && (await this.#deps.authorizer.engine.isProjectMember(identityId(principal), project.id))) {
      return project;
    }
    await this.#requireUnscoped(principal, actions, hrn);
    return project;
  }

  /** Whether the caller may perform one of `actions` on a resource with its unscoped permissions. */
  async unscopedCan(principal: Principal, actions: readonly string[], resourceHrn: string): Promise<boolean> {
    return this.#unscopedCan(principal, actions, resourceHrn);
  }

  /** A user, app or group of the caller's organization by HRN; 404 for anything else, other organizations included. */
  async resolveIdentity(principal: Principal, memberHrn: string): Promise<Identity> {
    const parsed = parseHrn(memberHrn);
    const resource = parsed && resourceTypeAndId(parsed.resource);
    const expected: Record<string, { service: string; kind: IdentityKind }> = {
      user: { service: 'account', kind: 'user' },
      app: { service: 'account', kind: 'app' },
      group: { service: 'authorization', kind: 'group' },
    };
    const wanted = resource && Object.hasOwn(expected, resource.type) ? expected[resource.type] : undefined;
    if (
      !parsed ||
      !resource ||
      !wanted ||
      parsed.service !== wanted.service ||
      parsed.partition !== this.#deps.hrns.partition ||
      parsed.account.toLowerCase() !== principal.realm.toLowerCase()
    ) {
      throw new AppError('project.identity_not_found');
    }
    const identity = await this.#deps.storage.projects.identity(resource.id);
    if (!identity || identity.kind !== wanted.kind || identity.realm !== principal.realm) {
      throw new AppError('project.identity_not_found');
    }
    const { hrns } = this.#deps;
    const hrn =
      wanted.kind === 'user'
        ? hrns.user(principal.realm, resource.id)
        : wanted.kind === 'app'
          ? hrns.app(principal.realm, resource.id)
          : hrns.group(principal.realm, resource.id);
    return { id: resource.id, kind: wanted.kind, hrn };
  }

  /** A project of the caller's organization by id or HRN; a scoped token reaches only its own project. */
  async find(principal: Principal, reference: string): Promise<ProjectRecord> {
    const id = referencedId(reference, 'authorization', ['project'], {
      partition: this.#deps.hrns.partition,
      organization: principal.realm,
    });
    if (id === undefined || !/^[a-z0-9-]{1,64}$/.test(id)) throw new AppError('project.not_found');
    const project = await this.#deps.storage.projects.findById(principal.realm, id);
    if (!project) throw new AppError('project.not_found');
    const scoped = projectIdOf(principal.scope);
    if (principal.scope !== undefined && scoped !== project.id) {
      throw forbidden(principal, 'read', this.hrn(project), decisionReasonText.resource_outside_token_project);
    }
    return project;
  }

  async #reload(project: ProjectRecord): Promise<ProjectRecord> {
    const current = await this.#deps.storage.projects.findById(project.realm, project.id);
    if (!current) throw new AppError('project.not_found');
    return current;
  }

  #page(
    realm: string,
    options: { ids?: string[]; q?: string | undefined; limit: number; pageToken?: string | undefined },
  ) {
    return this.#deps.storage.projects
      .list(realm, {
        limit: options.limit,
        ...(options.ids !== undefined ? { ids: options.ids } : {}),
        ...(options.q !== undefined ? { q: options.q } : {}),
        ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
      })
      .then((page) => ({
        limit: options.limit,
        total: page.total,
        items: page.items.map((project) => this.view(project)),
        ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
      }));
  }

  /** Projects the identity is a member of, directly or through its groups. */
  async #projectIdsOf(realm: string, id: string): Promise<string[]> {
    const groups = await this.#deps.authorizer.engine.groupIds(id);
    return this.#deps.storage.projects.projectIdsOf(realm, [id, ...groups]);
  }

  /** Management checks use the caller's unscoped permissions, whatever the scope of its token. */
  async #unscopedCan(principal: Principal, actions: readonly string[], resourceHrn: string): Promise<boolean> {
    const { authorizer } = this.#deps;
    const subject = { ...authorizer.subject(principal), projectId: undefined };
    for (const action of actions) {
      if ((await authorizer.engine.decide(subject, action, resourceHrn)).allowed) return true;
    }
    return false;
  }

  #requireUnscoped(principal: Principal, actions: readonly string[], resourceHrn: string): Promise<void> {
    return this.#deps.authorizer.requireUnscoped(principal, actions, resourceHrn);
  }

  async #directMember(principal: Principal, project: ProjectRecord, memberHrn: string): Promise<ProjectMemberRecord> {
    const identity = await this.resolveIdentity(principal, memberHrn);
    const member = await this.#deps.storage.projects.findMember(project.realm, project.id, identity.id);
    if (!member) throw new AppError('project.member_not_found');
    return member;
  }

  async #remove(project: ProjectRecord, memberId: string): Promise<void> {
    await this.#deps.storage.transaction(async (repositories: Repositories) => {
      if (!(await repositories.projects.removeMember(project.realm, project.id, memberId))) {
        throw new AppError('project.member_not_found');
      }
      const role = await repositories.roles.findByName(project.realm, PROJECT_ADMIN, this.hrn(project));
      if (role) await repositories.roles.unassign(role.id, memberId);
    });
  }

  async #memberViews(
    project: ProjectRecord,
    members: readonly Pick<ProjectMemberRecord, 'memberId' | 'kind'>[],
  ): Promise<ProjectMember[]> {
    const views: ProjectMember[] = [];
    for (const member of members) views.push(await this.#memberView(project, member));
    return views;
  }

  /** HERE's `ProjectMember`, with the user, app or group described in `info`. */
  async #memberView(
    project: ProjectRecord,
    { memberId, kind }: Pick<ProjectMemberRecord, 'memberId' | 'kind'>,
  ): Promise<ProjectMember> {
    const { storage, hrns } = this.#deps;
    const base = { project: this.hrn(project), identityType: kind };
    if (kind === 'user') {
      const user = await storage.users.findById(memberId);
      const hrn = hrns.user(project.realm, memberId);
      return {
        ...base,
        member: hrn,
        info: {
          userId: memberId,
          userHrn: hrn,
          realm: project.realm,
          ...(user ? { firstname: user.firstname, lastname: user.lastname, email: user.email, state: user.state } : {}),
        },
      };
    }
    if (kind === 'app') {
      const app = await storage.apps.findById(memberId);
      const hrn = hrns.app(project.realm, memberId);
      return {
        ...base,
        member: hrn,
        info: {
          clientId: memberId,
          clientHrn: hrn,
          realm: project.realm,
          ...(app ? { name: app.name, ...(app.creatorId !== undefined ? { ownerId: app.creatorId } : {}) } : {}),
        },
      };
    }
    const hrn = hrns.group(project.realm, memberId);
    const names = await storage.projects.groupNames([memberId]);
    return { ...base, member: hrn, info: { groupId: memberId, groupHrn: hrn, name: names.get(memberId) ?? '' } };
  }

  /** A policy named by its HRN or id: HERE-managed ones by their id, others as custom policies of the project. */
  #policyReference(project: ProjectRecord, reference: string): PolicyReference {
    if (reference.startsWith('hrn:')) {
      const managed = managedPolicyId(reference);
      if (managed) return { kind: 'managed', id: managed };
      const prefix = `${this.hrn(project)}:policy/`;
      if (reference.startsWith(prefix)) return { kind: 'custom', id: reference.slice(prefix.length) };
      throw new AppError('project.policy_not_found');
    }
    if (Object.hasOwn(managedProjectPolicies, reference)) {
      return { kind: 'managed', id: reference as ManagedProjectPolicyId };
    }
    return { kind: 'custom', id: reference };
  }

  async #customPolicy(project: ProjectRecord, policyId: string): Promise<CustomPolicyRecord> {
    const policy = await this.#deps.storage.projects.findPolicy(project.realm, project.id, policyId);
    if (!policy) throw new AppError('project.policy_not_found');
    return policy;
  }

  /** The canonical HRN of a policy that can be attached in the project: managed, or an existing custom one. */
  async #attachableHrn(project: ProjectRecord, reference: string): Promise<string> {
    const policy = this.#policyReference(project, reference);
    if (policy.kind === 'managed') return managedPolicyHrn(this.#deps.hrns.partition, policy.id);
    await this.#customPolicy(project, policy.id);
    return this.customPolicyHrn(project, policy.id);
  }

  async #attachableHrns(project: ProjectRecord, references: readonly string[]): Promise<string[]> {
    const hrns: string[] = [];
    for (const reference of references) hrns.push(await this.#attachableHrn(project, reference));
    return [...new Set(hrns)];
  }

  #managedView(id: ManagedProjectPolicyId): ProjectPolicyResponse {
    const policy = managedProjectPolicies[id];
    return {
      id,
      hrn: managedPolicyHrn(this.#deps.hrns.partition, id),
      name: policy.name,
      description: policy.description,
      type: 'here-platform',
      permissions: policy.permissions.map((permission) => ({
        ...permission,
        allowedActions: [...permission.allowedActions],
      })),
    };
  }

  #customView(project: ProjectRecord, policy: CustomPolicyRecord): ProjectPolicyResponse {
    return {
      id: policy.id,
      hrn: this.customPolicyHrn(project, policy.id),
      name: policy.name,
      ...(policy.description !== undefined ? { description: policy.description } : {}),
      type: 'custom',
      permissions: policy.permissions,
    };
  }
}

/** 422000 when `current` already reached the limit. */
function check(name: keyof typeof limits, current: number): void {
  if (current >= max(name)) throw limitReached(name, current, max(name));
}

function checkPermissionCount(count: number): void {
  if (count > max('MaxPolicyPermissions'))
    throw limitReached('MaxPolicyPermissions', count, max('MaxPolicyPermissions'));
}

const policyList = (hrns: readonly string[]): AttachedPolicies => ({ policies: hrns.map((policy) => ({ policy })) });

/** The page token of a query, when it has one. */
const pageTokenOf = (query: { pageToken?: string | undefined }) =>
  query.pageToken !== undefined ? { pageToken: query.pageToken } : {};

function settingsView(project: ProjectRecord): ProjectSettings {
  return { scopeAccess: project.scopeAccess, defaultNewMemberProjectPolicies: project.defaultMemberPolicies };
}
