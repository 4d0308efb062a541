import {
  type ExternalResource,
  type HrnFactory,
  limits,
  parseHrn,
  type RegisterResourceRequest,
  type ResourceRelation,
  type ResourceRelationList,
  type ResourceRelationResponse,
  type ResourceResponse,
} from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import { type Authorizer, forbidden, projectIdOf } from '../authz/authorizer.js';
import { decisionReasonText } from '../authz/engine.js';
import { IAM_SERVICE_ALIASES } from '../catalog/service-definitions.js';
import { AppError, fieldError, invalidData, limitReached } from '../errors/app-error.js';
import { pageOf } from '../storage/in-memory-page.js';
import { decodePageToken, encodePageToken } from '../storage/pagination.js';
import type { Repositories, Storage } from '../storage/storage.js';
import { actionsLinkableInto } from './linkable-service.js';
import type { ProjectRecord } from './project-repository.js';
import type { ProjectService } from './project-service.js';
import type { ResourceLinkRecord, ResourceListFilter, ResourceRecord } from './resource-repository.js';

export interface ResourceServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  projects: ProjectService;
  hrns: HrnFactory;
  clock: () => number;
}

/** What the creator of a resource outside projects receives on it, as for apps. */
const CREATOR_ACTIONS = ['read', 'write', 'manage', 'share'] as const;
/** Any of these lets an identity read a resource's registration. */
const READ_ACTIONS = ['read', 'readResource', 'manage'] as const;
const max = (name: keyof typeof limits) => limits[name].maximum;

/**
 * Resources registered by HERE services (catalogs, schemas, pipelines, …) and their place in projects: a home
 * project, and links (relation `reference`) into other projects with the actions each link allows.
 */
export class ResourceService {
  readonly #deps: ResourceServiceDependencies;

  constructor(deps: ResourceServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * Registers a resource (a Gatehouse extension). With a project-scoped token the resource is created in the token's
   * project, which needs `create` on its type there through the caller's project policies; without a scope it needs
   * `registerResource` on the organization (OrgAdmin, ResourceManager). Resources outside projects give their creator
   * read, write, manage and share.
   */
  async register(principal: Principal, request: RegisterResourceRequest): Promise<ResourceResponse> {
    const { storage, authorizer, projects, hrns, clock } = this.#deps;
    const parsed = parseHrn(request.hrn);
    if (!parsed || IAM_SERVICE_ALIASES.has(parsed.service) || parsed.partition !== hrns.partition) {
      throw invalidData(fieldError('hrn', 'invalid'));
    }
    if (parsed.account.toLowerCase() !== principal.realm.toLowerCase()) {
      throw forbidden(principal, 'registerResource', request.hrn, decisionReasonText.other_organization);
    }
    const scopedProject = projectIdOf(principal.scope);
    let home: ProjectRecord | undefined;
    if (request.home !== undefined) home = await projects.find(principal, request.home);
    if (scopedProject !== undefined) {
      home ??= await projects.find(principal, scopedProject);
      if (!(await authorizer.engine.allowsCreation(authorizer.subject(principal), request.type))) {
        throw forbidden(principal, 'create', projects.hrn(home), decisionReasonText.no_matching_project_policy);
      }
    } else {
      await authorizer.requireOnRealm(principal, ['registerResource']);
    }
    const now = clock();
    const resource: ResourceRecord = {
      hrn: request.hrn,
      realm: principal.realm,
      type: request.type,
      ...(home ? { homeProjectId: home.id } : {}),
      referenceable: request.referenceable ?? false,
      creatorId: identityId(principal),
      createdAt: now,
    };
    await storage.transaction(async (repositories) => {
      if (home) {
        await repositories.projects.lock(home.realm, home.id);
        check('MaxProjectResources', await repositories.resources.countInProject(home.realm, home.id));
      }
      if (!(await repositories.resources.insert(resource))) throw new AppError('resource.already_exists');
      if (home) return;
      for (const action of CREATOR_ACTIONS) {
        await repositories.permissions.grant({
          realm: resource.realm,
          identityId: identityId(principal),
          action,
          resourceHrn: resource.hrn,
          effect: 'allow',
          createdAt: now,
        });
      }
    });
    return this.view(resource);
  }

  /**
   * Resources the caller can see. A project-scoped token sees those of its project. Without a scope: those of the
   * caller's projects and those outside projects it holds permissions on (everything for OrgAdmins and
   * ResourceManagers); `access=manage` keeps what it may manage, `readOutsideProject` what lives outside projects.
   */
  async list(
    principal: Principal,
    query: {
      type?: string | undefined;
      access: 'default' | 'manage' | 'readOutsideProject';
      referenceable?: boolean | undefined;
      linkable?: boolean | undefined;
      limit: number;
      pageToken?: string | undefined;
    },
  ) {
    const { storage, authorizer, projects, hrns } = this.#deps;
    const base = {
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(query.referenceable !== undefined ? { referenceable: query.referenceable } : {}),
    };
    const scopedProject = projectIdOf(principal.scope);
    let filter: ResourceListFilter;
    if (query.linkable) {
      // Resources that may be linked into the token's project, or into any project of the caller.
      const id = identityId(principal);
      const projectIds =
        scopedProject !== undefined
          ? [scopedProject]
          : await storage.projects.projectIdsOf(principal.realm, [id, ...(await authorizer.engine.groupIds(id))]);
      const targets = [
        hrns.realm(principal.realm),
        ...projectIds.map((projectId) => hrns.project(principal.realm, projectId)),
      ];
      filter = { ...base, linkableTo: targets };
    } else if (scopedProject !== undefined) {
      filter = { ...base, projectIds: [scopedProject] };
    } else if (await projects.unscopedCan(principal, ['registerResource'], hrns.realm(principal.realm))) {
      filter = query.access === 'readOutsideProject' ? { ...base, outside: true } : base;
    } else {
      const id = identityId(principal);
      const holders = [id, ...(await authorizer.engine.groupIds(id))];
      const wanted = query.access === 'manage' ? ['manage'] : [...READ_ACTIONS, 'write', 'share'];
      const candidates = new Set(
        (await storage.permissions.listFor(holders, `hrn:${hrns.partition}:`))
          .filter((permission) => permission.effect === 'allow' && wanted.includes(permission.action))
          .map((permission) => permission.resourceHrn),
      );
      const outside: string[] = [];
      for (const hrn of candidates) {
        if (await authorizer.firstAllowed(principal, wanted, hrn)) outside.push(hrn);
      }
      let projectIds: string[] = [];
      if (query.access !== 'readOutsideProject') {
        const groups = holders.slice(1);
        projectIds = await storage.projects.projectIdsOf(principal.realm, [id, ...groups]);
        if (query.access === 'manage') {
          const manageable: string[] = [];
          for (const projectId of projectIds) {
            const hrn = hrns.project(principal.realm, projectId);
            if (await projects.unscopedCan(principal, ['manageResourceHome'], hrn)) manageable.push(projectId);
          }
          projectIds = manageable;
        }
      }
      filter = { ...base, projectIds, hrns: outside };
    }
    const page = await storage.resources.list(principal.realm, filter, {
      limit: query.limit,
      ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
    });
    return {
      limit: query.limit,
      items: page.items.map((resource) => this.view(resource)),
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  /**
   * `GET /realm/resources?type`: every resource of the type in the caller's organization, in projects or outside
   * them. Only for project-scoped tokens (the route refuses others); needs `listRealmResources` on the organization
   * (OrgAdmin, ResourceManager), decided with the caller's unscoped permissions.
   */
  async listInRealm(principal: Principal, query: { type: string; limit: number; pageToken?: string | undefined }) {
    const { storage, authorizer, hrns } = this.#deps;
    await authorizer.requireUnscoped(principal, ['listRealmResources'], hrns.realm(principal.realm));
    const page = await storage.resources.list(
      principal.realm,
      { type: query.type },
      { limit: query.limit, ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}) },
    );
    return {
      limit: query.limit,
      items: page.items.map((resource) => this.view(resource)),
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  /**
   * `GET /realm/externalResources?resourceType&action`: resources of projects (other than the token's) that the
   * caller reaches through the resource plans attached to it, its groups or its organization. Each candidate is
   * decided by the engine (with `action`, or each action its plans grant), so the answer agrees with decisions:
   * access filters apply, and subresources are those the allows carry. `expiresAt` is when the last plan attachment
   * reaching the resource ends, absent when one does not.
   */
  async externalResources(
    principal: Principal,
    query: {
      resourceType?: string | undefined;
      action?: string | undefined;
      limit: number;
      pageToken?: string | undefined;
    },
  ) {
    const { storage, authorizer, clock } = this.#deps;
    const facts = await storage.authz.identity(identityId(principal), clock());
    const byResource = new Map<string, { actions: Set<string>; expiresAt: number | undefined; unending: boolean }>();
    for (const grant of facts?.resourcePlanGrants ?? []) {
      const entry = byResource.get(grant.resourceHrn) ?? { actions: new Set(), expiresAt: undefined, unending: false };
      for (const action of grant.actions) entry.actions.add(action);
      if (grant.expiresAt === undefined) entry.unending = true;
      else entry.expiresAt = Math.max(entry.expiresAt ?? 0, grant.expiresAt);
      byResource.set(grant.resourceHrn, entry);
    }
    const scopedProject = projectIdOf(principal.scope);
    const found: ExternalResource[] = [];
    for (const [hrn, entry] of [...byResource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const resource = await storage.resources.findByHrn(hrn);
      if (!resource || resource.realm !== principal.realm || resource.homeProjectId === scopedProject) continue;
      if (query.resourceType !== undefined && resource.type !== query.resourceType) continue;
      const actions =
        query.action !== undefined ? [query.action] : [...entry.actions].filter((action) => action !== '*');
      let whole = false;
      const subresources = new Set<string>();
      let allowed = false;
      for (const action of actions) {
        const decision = await authorizer.decide(principal, action, hrn);
        if (!decision.allowed) continue;
        allowed = true;
        if (decision.subresources === undefined) whole = true;
        else for (const subresource of decision.subresources) subresources.add(subresource);
      }
      if (!allowed) continue;
      found.push({
        hrn,
        type: resource.type,
        ...(whole ? {} : { subresources: [...subresources].sort() }),
        ...(!entry.unending && entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
      });
    }
    const page = pageOf(found, query.limit, query.pageToken);
    return {
      limit: query.limit,
      items: page.items,
      ...(page.pageToken !== undefined ? { pageToken: page.pageToken } : {}),
    };
  }

  /**
   * One resource, decided by the authorization engine like any access to it: a resource in a project needs a token
   * scoped to that project, one outside projects an unscoped token (or a project allowing it).
   */
  async get(principal: Principal, hrn: string): Promise<ResourceResponse> {
    const resource = await this.#find(principal, hrn);
    await this.#deps.authorizer.require(principal, READ_ACTIONS, resource.hrn);
    return this.view(resource);
  }

  /** The projects a resource is part of, among those the caller may see. */
  async projectsOf(principal: Principal, hrn: string, query: { limit: number; pageToken?: string | undefined }) {
    const { storage, authorizer, projects, hrns } = this.#deps;
    const resource = await this.#find(principal, hrn);
    const links = await storage.resources.linksOf(resource.hrn);
    const relations = new Map<string, { relation: ResourceRelation; allowedActions?: string[] }>();
    if (resource.homeProjectId !== undefined) relations.set(resource.homeProjectId, { relation: 'home' });
    for (const link of links) {
      if (relations.has(link.projectId)) continue;
      const allowedActions = [
        ...new Set(
          links.filter((other) => other.projectId === link.projectId).flatMap((other) => other.allowedActions),
        ),
      ];
      relations.set(link.projectId, { relation: 'reference', allowedActions });
    }
    let visible: string[];
    const scopedProject = projectIdOf(principal.scope);
    if (scopedProject !== undefined) {
      if (!relations.has(scopedProject)) {
        throw forbidden(principal, 'read', resource.hrn, decisionReasonText.resource_outside_token_project);
      }
      visible = [scopedProject];
    } else if (await projects.unscopedCan(principal, ['listAllProjects'], hrns.realm(principal.realm))) {
      visible = [...relations.keys()];
    } else {
      const id = identityId(principal);
      const mine = new Set(
        await storage.projects.projectIdsOf(principal.realm, [id, ...(await authorizer.engine.groupIds(id))]),
      );
      visible = [...relations.keys()].filter((projectId) => mine.has(projectId));
      if (visible.length === 0 && resource.homeProjectId === undefined) {
        await authorizer.require(principal, READ_ACTIONS, resource.hrn);
      } else if (visible.length === 0) {
        throw forbidden(principal, 'read', resource.hrn, decisionReasonText.project_resource_needs_scoped_token);
      }
    }
    const page = await storage.projects.list(principal.realm, {
      ids: visible,
      limit: query.limit,
      ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
    });
    return {
      limit: query.limit,
      items: page.items.flatMap((project) => {
        const relation = relations.get(project.id);
        return relation ? [{ ...projects.view(project), ...relation }] : [];
      }),
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  /** Resources homed in or linked into a project. */
  async listInProject(
    principal: Principal,
    reference: string,
    query: {
      relation?: ResourceRelation | undefined;
      type?: string | undefined;
      limit: number;
      pageToken?: string | undefined;
    },
  ) {
    const project = await this.#deps.projects.access(principal, reference, ['read'], { members: true });
    const all = (await this.#relationsIn(project)).filter(
      (item) =>
        (query.relation === undefined || item.relation === query.relation) &&
        (query.type === undefined || item.type === query.type),
    );
    const offset = query.pageToken !== undefined ? (decodePageToken(query.pageToken, ['number'])[0] as number) : 0;
    return {
      limit: query.limit,
      items: all.slice(offset, offset + query.limit),
      ...(offset + query.limit < all.length ? { pageToken: encodePageToken([offset + query.limit]) } : {}),
    };
  }

  async getInProject(
    principal: Principal,
    reference: string,
    hrn: string,
    query: { relation?: ResourceRelation | undefined; externalId?: string | undefined },
  ): Promise<ResourceRelationResponse> {
    const project = await this.#deps.projects.access(principal, reference, ['read'], { members: true });
    const found = (await this.#relationsIn(project, hrn)).find(
      (item) =>
        (query.relation === undefined || item.relation === query.relation) &&
        (query.externalId === undefined || item.externalId === query.externalId),
    );
    if (!found) throw new AppError('resource.not_found');
    return found;
  }

  /**
   * Homes resources in the project (`manageResourceHome` on the project and `share` on each resource; homing a
   * resource that already lives there changes nothing) or links them into it (`manageResourceReferences`, the caller
   * a member, the resource referenceable). All or nothing.
   */
  async addToProject(
    principal: Principal,
    reference: string,
    relation: ResourceRelation,
    body: ResourceRelationList,
    type: string | undefined,
  ): Promise<ResourceRelationResponse[]> {
    const { project, additions } = await this.#prepare(principal, reference, relation, body, type);
    return this.#deps.storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      const answers: ResourceRelationResponse[] = [];
      for (const addition of additions) answers.push(await this.#add(repositories, project, relation, addition, false));
      return answers;
    });
  }

  /** {@link addToProject} for one resource; 409 when it is already there with this relation (and external id). */
  async addOneToProject(
    principal: Principal,
    reference: string,
    relation: ResourceRelation,
    item: ResourceRelationList['items'][number],
    type: string | undefined,
  ): Promise<ResourceRelationResponse> {
    const { project, additions } = await this.#prepare(principal, reference, relation, { items: [item] }, type);
    return this.#deps.storage.transaction(async (repositories) => {
      await repositories.projects.lock(project.realm, project.id);
      let answer: ResourceRelationResponse | undefined;
      for (const addition of additions) answer = await this.#add(repositories, project, relation, addition, true);
      if (!answer) throw new AppError('resource.not_found');
      return answer;
    });
  }

  /** Checks the caller's rights and each resource before anything is written. */
  async #prepare(
    principal: Principal,
    reference: string,
    relation: ResourceRelation,
    body: ResourceRelationList,
    type: string | undefined,
  ): Promise<{ project: ProjectRecord; additions: Addition[] }> {
    const { authorizer, projects } = this.#deps;
    const action = relation === 'home' ? 'manageResourceHome' : 'manageResourceReferences';
    const project = await projects.access(principal, reference, [action]);
    if (relation === 'reference' && !(await authorizer.engine.isProjectMember(identityId(principal), project.id))) {
      throw forbidden(principal, action, projects.hrn(project), decisionReasonText.not_a_project_member);
    }
    const additions: Addition[] = [];
    for (const [index, item] of body.items.entries()) {
      const resource = await this.#find(principal, item.resource);
      const wantedType = item.type ?? type;
      if (wantedType !== undefined && wantedType !== resource.type) {
        throw invalidData(fieldError(`items[${index}].type`, 'invalid'));
      }
      if (relation === 'home') {
        // Homing it where it lives changes nothing (and `share` on it now needs a token scoped to the project).
        if (resource.homeProjectId !== project.id) await authorizer.require(principal, ['share'], resource.hrn);
      } else {
        // A resource that is not referenceable may still be linkable to this project or its organization: then
        // the link allows at most what the linkable resource offers.
        const linkable = resource.referenceable
          ? undefined
          : await actionsLinkableInto(this.#deps.storage, this.#deps.hrns, resource, project);
        if (!resource.referenceable && linkable === undefined) throw new AppError('resource.not_referenceable');
        if (resource.homeProjectId === project.id) throw new AppError('resource.already_exists');
        if (item.allowedActions === undefined)
          throw invalidData(fieldError(`items[${index}].allowedActions`, 'required'));
        if (linkable && !linkable.has('*') && item.allowedActions.some((action) => !linkable.has(action))) {
          throw invalidData(fieldError(`items[${index}].allowedActions`, 'invalid'));
        }
      }
      // Only a link can be limited to parts of the resource: a home is the whole of it.
      if (relation === 'home' && item.subresources !== undefined) {
        throw invalidData(fieldError(`items[${index}].subresources`, 'invalid'));
      }
      additions.push({
        resource,
        externalId: item.externalId ?? '',
        allowedActions: item.allowedActions ?? [],
        ...(item.subresources !== undefined ? { subresources: [...new Set(item.subresources)] } : {}),
      });
    }
    return { project, additions };
  }

  /** One addition, inside the transaction that holds the project lock. */
  async #add(
    repositories: Repositories,
    project: ProjectRecord,
    relation: ResourceRelation,
    { resource, externalId, allowedActions, subresources }: Addition,
    strict: boolean,
  ): Promise<ResourceRelationResponse> {
    const projectHrn = this.#deps.projects.hrn(project);
    const existing = await repositories.resources.linksIn(project.realm, project.id, resource.hrn);
    if (relation === 'home') {
      const current = await repositories.resources.findByHrn(resource.hrn);
      if (current?.homeProjectId === project.id) {
        if (strict) throw new AppError('resource.already_exists');
        return homeView(projectHrn, resource);
      }
      if (current?.homeProjectId !== undefined) throw new AppError('resource.home_elsewhere');
      if (existing.length === 0) {
        check('MaxProjectResources', await repositories.resources.countInProject(project.realm, project.id));
      }
      await repositories.resources.setHome(project.realm, resource.hrn, project.id);
      return homeView(projectHrn, resource);
    }
    if (existing.some((link) => link.externalId === externalId)) throw new AppError('resource.already_exists');
    check('MaxResourceLinksPerProject', existing.length);
    if (existing.length === 0) {
      check('MaxProjectResources', await repositories.resources.countInProject(project.realm, project.id));
    }
    const link: ResourceLinkRecord = {
      realm: project.realm,
      projectId: project.id,
      resourceHrn: resource.hrn,
      externalId,
      allowedActions,
      ...(subresources !== undefined ? { subresources } : {}),
      createdAt: this.#deps.clock(),
    };
    await repositories.resources.insertLink(link);
    return linkView(projectHrn, resource.type, link);
  }

  /** Removes a resource's home (it then lives outside projects) or its links (one external id, or all). */
  async removeFromProject(
    principal: Principal,
    reference: string,
    hrn: string,
    query: { relation?: ResourceRelation | undefined; externalId?: string | undefined },
  ): Promise<void> {
    const { storage, projects } = this.#deps;
    const resource = await this.#find(principal, hrn);
    const relation = query.relation ?? (resource.homeProjectId !== undefined ? 'home' : 'reference');
    const action = relation === 'home' ? 'manageResourceHome' : 'manageResourceReferences';
    const project = await projects.access(principal, reference, [action]);
    if (relation === 'home') {
      if (resource.homeProjectId !== project.id) throw new AppError('resource.not_found');
      await storage.transaction(async (repositories) => {
        // HERE: the home of a resource that is part of a resource policy cannot be removed.
        if (await repositories.resourcePolicies.inAnyPolicy(resource.hrn)) {
          throw new AppError('resource_policy.resource_in_policy');
        }
        await repositories.resources.setHome(project.realm, resource.hrn, null);
      });
      return;
    }
    const removed = await storage.transaction((repositories) =>
      repositories.resources.deleteLinks(project.realm, project.id, resource.hrn, query.externalId),
    );
    if (removed === 0) throw new AppError('resource.not_found');
  }

  view(resource: ResourceRecord): ResourceResponse {
    return {
      hrn: resource.hrn,
      type: resource.type,
      ...(resource.homeProjectId !== undefined
        ? { home: this.#deps.hrns.project(resource.realm, resource.homeProjectId) }
        : {}),
      referenceable: resource.referenceable,
    };
  }

  /** A registered resource of the caller's organization; 404 for anything else, other organizations included. */
  async #find(principal: Principal, hrn: string): Promise<ResourceRecord> {
    const resource = await this.#deps.storage.resources.findByHrn(hrn);
    if (!resource || resource.realm !== principal.realm) throw new AppError('resource.not_found');
    return resource;
  }

  async #relationsIn(project: ProjectRecord, hrn?: string): Promise<ResourceRelationResponse[]> {
    const { storage, projects } = this.#deps;
    const projectHrn = projects.hrn(project);
    const homed = (await storage.resources.homedIn(project.realm, project.id)).filter(
      (resource) => hrn === undefined || resource.hrn === hrn,
    );
    const links = await storage.resources.linksIn(project.realm, project.id, hrn);
    const types = new Map<string, string>();
    for (const link of links) {
      if (!types.has(link.resourceHrn)) {
        types.set(link.resourceHrn, (await storage.resources.findByHrn(link.resourceHrn))?.type ?? '');
      }
    }
    return [
      ...homed.map((resource) => homeView(projectHrn, resource)),
      ...links.map((link) => linkView(projectHrn, types.get(link.resourceHrn) ?? '', link)),
    ];
  }
}

/** A resource about to be homed in or linked into a project. */
interface Addition {
  resource: ResourceRecord;
  externalId: string;
  allowedActions: string[];
  subresources?: string[];
}

function homeView(projectHrn: string, resource: ResourceRecord): ResourceRelationResponse {
  return { resource: resource.hrn, project: projectHrn, type: resource.type, relation: 'home', active: true };
}

function linkView(projectHrn: string, type: string, link: ResourceLinkRecord): ResourceRelationResponse {
  return {
    resource: link.resourceHrn,
    project: projectHrn,
    type,
    relation: 'reference',
    ...(link.externalId !== '' ? { externalId: link.externalId } : {}),
    allowedActions: link.allowedActions,
    ...(link.subresources !== undefined ? { subresources: link.subresources } : {}),
    active: true,
  };
}

/** 422000 when `current` already reached the limit. */
function check(name: keyof typeof limits, current: number): void {
  if (current >= max(name)) throw limitReached(name, current, max(name));
}
