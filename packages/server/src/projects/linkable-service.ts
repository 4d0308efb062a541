import {
  type DetailedLinkableResource,
  type HrnFactory,
  type LinkableResource,
  parseHrn,
  type ResourceSetting,
  resourceTypeAndId,
} from '@gatehouse/contracts';
import type { Principal } from '../auth/principal.js';
import { type Authorizer, forbidden, projectIdOf } from '../authz/authorizer.js';
import { decisionReasonText } from '../authz/engine.js';
import { serviceCatalog } from '../catalog/service-catalog.js';
import { canBeMadeLinkable } from '../catalog/service-definitions.js';
import { AppError, fieldError, invalidData } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { LinkableRecord } from './linkable-repository.js';
import type { ProjectRecord } from './project-repository.js';
import type { ResourceRecord } from './resource-repository.js';
import type { ResourceSettingsRecord } from './resource-settings-repository.js';

export interface LinkableServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  hrns: HrnFactory;
  clock: () => number;
}

/** Making a resource linkable is managing it: either action, decided in its home project. */
const MANAGE_ACTIONS = ['manage', 'share'] as const;
const READ_ACTIONS = ['read', 'readResource', 'manage'] as const;

/**
 * Linkable resources (HERE "Resources" `…/linkable`): a resource homed in a project may be offered to another
 * project, or to every project of its organization, with the actions links into them may allow. A linkable resource
 * can then be linked (relation `reference`) into such a project although it is not referenceable. The resource's
 * settings (`…/settings`, HERE's `ResourceSetting`) may require more actions of whoever makes it linkable.
 */
export class LinkableService {
  readonly #deps: LinkableServiceDependencies;

  constructor(deps: LinkableServiceDependencies) {
    this.#deps = deps;
  }

  /** `GET /resources/{resource}/linkable`: whoever may read the resource. */
  async list(principal: Principal, hrn: string) {
    const resource = await this.#readable(principal, hrn);
    const records = await this.#deps.storage.linkables.list(resource.hrn);
    const items = await Promise.all(records.map((record) => this.#view(record)));
    return { limit: items.length, total: items.length, items };
  }

  async get(principal: Principal, hrn: string, target: string): Promise<DetailedLinkableResource> {
    const resource = await this.#readable(principal, hrn);
    return this.#view(await this.#existing(resource, target));
  }

  /** `POST /resources/{resource}/linkable`: `manage` or `share` on the resource, from its home project. 409 twice. */
  async create(principal: Principal, hrn: string, body: LinkableResource): Promise<DetailedLinkableResource> {
    const { storage, clock } = this.#deps;
    if (body.resource !== hrn) throw invalidData(fieldError('resource', 'invalid'));
    const resource = await this.#manageable(principal, hrn);
    await this.#requireSettingsActions(principal, resource);
    const target =
      body.projectHrn !== undefined
        ? await this.#projectTarget(principal, resource, body.projectHrn)
        : this.#realmTarget(principal, body.realmHrn ?? '');
    const now = clock();
    const record: LinkableRecord = {
      resourceHrn: resource.hrn,
      target: target.hrn,
      realm: resource.realm,
      ...(target.project ? { projectId: target.project.id } : {}),
      allowedActions: [...new Set(body.allowedActions)],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await storage.linkables.insert(record))) throw new AppError('resource.already_exists');
    return this.#view(record, target.project);
  }

  /** `PUT /resources/{resource}/linkable/{linkableToHrn}`: new allowed actions; links made before keep theirs. */
  async update(principal: Principal, hrn: string, target: string, allowedActions: readonly string[]) {
    const resource = await this.#manageable(principal, hrn);
    await this.#requireSettingsActions(principal, resource);
    const existing = await this.#existing(resource, target);
    const actions = [...new Set(allowedActions)];
    await this.#deps.storage.linkables.update(resource.hrn, existing.target, actions, this.#deps.clock());
    return this.#view({ ...existing, allowedActions: actions });
  }

  /** `DELETE /resources/{resource}/linkable/{linkableToHrn}`: no new links; links made before stay. */
  async delete(principal: Principal, hrn: string, target: string): Promise<void> {
    const resource = await this.#manageable(principal, hrn);
    const existing = await this.#existing(resource, target);
    await this.#deps.storage.linkables.delete(resource.hrn, existing.target);
  }

  /** `GET /resources/{resource}/settings`: whoever may read the resource; `realm` when none were set. */
  async settings(principal: Principal, hrn: string): Promise<ResourceSetting> {
    const resource = await this.#readable(principal, hrn);
    return settingView(await this.#deps.storage.resourceSettings.find(resource.hrn));
  }

  /**
   * `PUT /resources/{resource}/settings`: `manage` on the resource with a token scoped to its home project (so only
   * resources in a project have settings). The required actions must be the catalog's `requiredToMakeLinkable`
   * actions of the resource's type when Gatehouse knows the type.
   */
  async updateSettings(principal: Principal, hrn: string, body: ResourceSetting): Promise<ResourceSetting> {
    const { storage, authorizer, clock } = this.#deps;
    const resource = await this.#find(principal, hrn);
    if (resource.homeProjectId === undefined) throw invalidData(fieldError('resource', 'invalid'));
    const scopedProject = projectIdOf(principal.scope);
    if (scopedProject !== resource.homeProjectId) {
      const why =
        scopedProject === undefined
          ? decisionReasonText.project_resource_needs_scoped_token
          : decisionReasonText.resource_outside_token_project;
      throw forbidden(principal, 'manage', resource.hrn, why);
    }
    await authorizer.require(principal, ['manage'], resource.hrn);
    const { authorizedTo, allowedActions } = body.resourcePolicyAvailability;
    const allowed = serviceCatalog.actionsOf(resource.type, 'requiredToMakeLinkable');
    if (allowed && allowedActions.some((action) => !allowed.includes(action))) {
      throw invalidData(fieldError('resourcePolicyAvailability.allowedActions', 'invalid'));
    }
    const record: ResourceSettingsRecord = {
      resourceHrn: resource.hrn,
      realm: resource.realm,
      authorizedTo,
      requiredActions: [...new Set(allowedActions)],
      updatedAt: clock(),
    };
    await storage.resourceSettings.save(record);
    return settingView(record);
  }

  /** The resource's settings may require actions on it of whoever makes it linkable: all of them, or HERE's 403. */
  async #requireSettingsActions(principal: Principal, resource: ResourceRecord): Promise<void> {
    const settings = await this.#deps.storage.resourceSettings.find(resource.hrn);
    if (settings?.authorizedTo !== 'requiredToMakeLinkable') return;
    for (const action of settings.requiredActions) {
      if (!(await this.#deps.authorizer.can(principal, action, resource.hrn))) {
        throw forbidden(
          principal,
          action,
          resource.hrn,
          `The settings of the resource require ${settings.requiredActions.join(', ')} on it to make it linkable.`,
        );
      }
    }
  }

  async #find(principal: Principal, hrn: string): Promise<ResourceRecord> {
    const resource = await this.#deps.storage.resources.findByHrn(hrn);
    if (!resource || resource.realm !== principal.realm) throw new AppError('resource.not_found');
    return resource;
  }

  async #readable(principal: Principal, hrn: string): Promise<ResourceRecord> {
    const resource = await this.#find(principal, hrn);
    await this.#deps.authorizer.require(principal, READ_ACTIONS, resource.hrn);
    return resource;
  }

  async #manageable(principal: Principal, hrn: string): Promise<ResourceRecord> {
    const resource = await this.#find(principal, hrn);
    if (resource.homeProjectId === undefined) throw invalidData(fieldError('resource', 'invalid'));
    if (!canBeMadeLinkable(resource.type)) throw invalidData(fieldError('resource', 'invalid'));
    await this.#deps.authorizer.require(principal, MANAGE_ACTIONS, resource.hrn);
    return resource;
  }

  async #projectTarget(principal: Principal, resource: ResourceRecord, projectHrn: string) {
    const parsed = parseHrn(projectHrn);
    const reference = parsed && resourceTypeAndId(parsed.resource);
    if (parsed?.service !== 'authorization' || reference?.type !== 'project') {
      throw invalidData(fieldError('projectHrn', 'invalid'));
    }
    const project =
      parsed.account.toLowerCase() === principal.realm.toLowerCase()
        ? await this.#deps.storage.projects.findById(resource.realm, reference.id)
        : undefined;
    if (!project) throw new AppError('project.not_found');
    if (project.id === resource.homeProjectId) throw invalidData(fieldError('projectHrn', 'invalid'));
    return { hrn: this.#deps.hrns.project(project.realm, project.id), project };
  }

  #realmTarget(principal: Principal, realmHrn: string) {
    const own = this.#deps.hrns.realm(principal.realm);
    if (realmHrn.toLowerCase() !== own.toLowerCase()) throw invalidData(fieldError('realmHrn', 'invalid'));
    return { hrn: own, project: undefined };
  }

  async #existing(resource: ResourceRecord, target: string): Promise<LinkableRecord> {
    const [found] = (await this.#deps.storage.linkables.list(resource.hrn)).filter(
      (record) => record.target.toLowerCase() === target.toLowerCase(),
    );
    if (!found) throw new AppError('resource.not_found');
    return found;
  }

  async #view(record: LinkableRecord, known?: ProjectRecord): Promise<DetailedLinkableResource> {
    if (record.projectId === undefined) {
      return { resource: record.resourceHrn, realmHrn: record.target, allowedActions: record.allowedActions };
    }
    const project = known ?? (await this.#deps.storage.projects.findById(record.realm, record.projectId));
    return {
      resource: record.resourceHrn,
      projectHrn: record.target,
      allowedActions: record.allowedActions,
      projectId: record.projectId,
      ...(project ? { projectName: project.name } : {}),
      ...(project?.description !== undefined ? { projectDescription: project.description } : {}),
    };
  }
}

function settingView(record: ResourceSettingsRecord | undefined): ResourceSetting {
  return {
    resourcePolicyAvailability: {
      authorizedTo: record?.authorizedTo ?? 'realm',
      allowedActions: record?.requiredActions ?? [],
    },
  };
}

/**
 * The actions links of a resource into a project may allow because it is linkable to that project or to the
 * project's organization (the union of both); undefined when it is linkable to neither.
 */
export async function actionsLinkableInto(
  storage: Storage,
  hrns: HrnFactory,
  resource: ResourceRecord,
  project: ProjectRecord,
): Promise<Set<string> | undefined> {
  // Only a resource that lives in a project is offered; one whose home was taken back is not linkable any more.
  if (resource.homeProjectId === undefined) return undefined;
  const records = await storage.linkables.forProject(resource.hrn, [
    hrns.project(project.realm, project.id),
    hrns.realm(project.realm),
  ]);
  if (records.length === 0) return undefined;
  return new Set(records.flatMap((record) => record.allowedActions));
}
