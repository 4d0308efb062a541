import type { AccessFilterRequest, AccessFilter as AccessFilterView, HrnFactory } from '@gatehouse/contracts';
import { formatHrn, limits, referencedId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { AccessFilterStatement } from '../authz/access-filters.js';
import type { AuthorizationInfoService } from '../authz/authorization-info-service.js';
import type { Authorizer } from '../authz/authorizer.js';
import { prefixedUuid } from '../crypto/random.js';
import { AppError, limitReached } from '../errors/app-error.js';
import type { ProjectService } from '../projects/project-service.js';
import type { RoleService } from '../roles/role-service.js';
import { pageOf } from '../storage/in-memory-page.js';
import type { Storage } from '../storage/storage.js';
import type { AccessFilter, FilterAttachment } from './filter-repository.js';

/** The name HERE gives the filter a project gets with `scopeAccess: thisProjectOrNoProject`. */
const PROJECT_EVAL_UNSCOPED = 'project-eval-unscoped';

type PageQuery = { limit?: number | undefined; pageToken?: string | undefined };

export interface FilterServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  info: AuthorizationInfoService;
  roles: RoleService;
  projects: ProjectService;
  hrns: HrnFactory;
  clock: () => number;
}

/**
 * Custom access filters (spec §7.3): permission boundaries attached to members (at most MaxEntityAccessFilters
 * each), to the organization (one), to roles or projects. An organization has at most MaxRealmAccessFilters.
 * Reading needs `readAccessFilters` on the organization, managing `manageAccessFilters`; attaching to a member
 * needs `manageFilters` on the member, reading a member's `readFilters` (or being the member); the organization's
 * filter needs `readFilter`/`manageFilter` on the organization.
 */
export class FilterService {
  readonly #deps: FilterServiceDependencies;

  constructor(deps: FilterServiceDependencies) {
    this.#deps = deps;
  }

  filterHrn(realm: string, id: string): string {
    return formatHrn({
      partition: this.#deps.hrns.partition,
      service: 'authorization',
      region: '',
      account: realm,
      resource: `filter/${id}`,
    });
  }

  async list(principal: Principal, query: PageQuery & { realm?: string | undefined; type?: string | undefined }) {
    if (query.realm !== undefined && query.realm.toLowerCase() !== principal.realm.toLowerCase()) {
      throw new AppError('realm.not_found');
    }
    await this.#deps.authorizer.requireOnRealm(principal, ['readAccessFilters']);
    const filters =
      query.type === undefined || query.type === 'custom'
        ? await this.#deps.storage.accessFilters.list(principal.realm)
        : [];
    return this.#page(
      filters.map((filter) => this.view(filter)),
      query,
    );
  }

  async create(principal: Principal, request: AccessFilterRequest): Promise<AccessFilterView> {
    await this.#deps.authorizer.requireOnRealm(principal, ['manageAccessFilters']);
    const now = this.#deps.clock();
    const filter: AccessFilter = {
      id: prefixedUuid('FILTER'),
      realm: principal.realm,
      name: request.name,
      statements: request.statements.map(statement),
      createdAt: now,
      updatedAt: now,
    };
    const { maximum } = limits.MaxRealmAccessFilters;
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.locks.identity(identityId(principal));
      const current = await repositories.accessFilters.count(principal.realm);
      if (current >= maximum) throw limitReached('MaxRealmAccessFilters', current, maximum);
      await repositories.accessFilters.insert(filter);
    });
    return this.view(filter);
  }

  async get(principal: Principal, reference: string): Promise<AccessFilterView> {
    await this.#deps.authorizer.requireOnRealm(principal, ['readAccessFilters']);
    return this.view(await this.#filter(principal, reference));
  }

  async update(principal: Principal, reference: string, request: AccessFilterRequest): Promise<AccessFilterView> {
    await this.#deps.authorizer.requireOnRealm(principal, ['manageAccessFilters']);
    const filter = await this.#filter(principal, reference);
    const updated = {
      ...filter,
      name: request.name,
      statements: request.statements.map(statement),
      updatedAt: this.#deps.clock(),
    };
    await this.#deps.storage.accessFilters.update(updated);
    return this.view(updated);
  }

  async delete(principal: Principal, reference: string): Promise<void> {
    await this.#deps.authorizer.requireOnRealm(principal, ['manageAccessFilters']);
    const filter = await this.#filter(principal, reference);
    await this.#deps.storage.transaction((repositories) => repositories.accessFilters.delete(filter));
  }

  /** Who the filter is attached to (expired attachments included until they are removed). */
  async members(principal: Principal, reference: string, query: PageQuery) {
    await this.#deps.authorizer.requireOnRealm(principal, ['readAccessFilters']);
    const filter = await this.#filter(principal, reference);
    const attachments = await this.#deps.storage.accessFilters.attachmentsOfFilter(filter.id);
    const members = [];
    for (const attachment of attachments) members.push(await this.#member(attachment));
    return this.#page(members, query);
  }

  async memberFilters(principal: Principal, realm: string, memberReference: string, query: PageQuery) {
    const member = await this.#deps.info.resolveMember(principal, realm, memberReference);
    if (member.id !== identityId(principal))
      await this.#deps.authorizer.require(principal, ['readFilters'], this.#memberHrn(member));
    const attachments = await this.#deps.storage.accessFilters.attachmentsOf('identity', member.id);
    return this.#page(
      attachments.map((attachment) => this.#attachmentView(attachment)),
      query,
    );
  }

  async memberFilter(principal: Principal, realm: string, memberReference: string, filterReference: string) {
    const member = await this.#deps.info.resolveMember(principal, realm, memberReference);
    if (member.id !== identityId(principal))
      await this.#deps.authorizer.require(principal, ['readFilters'], this.#memberHrn(member));
    const filter = await this.#filter(principal, filterReference);
    const attachment = (await this.#deps.storage.accessFilters.attachmentsOf('identity', member.id)).find(
      (candidate) => candidate.filterId === filter.id,
    );
    if (!attachment) throw new AppError('filter.not_found');
    return this.#attachmentView(attachment);
  }

  /** Attaches a filter to a member, or renews the expiry of its attachment. At most MaxEntityAccessFilters. */
  async attachToMember(
    principal: Principal,
    realm: string,
    memberReference: string,
    filterReference: string,
    expiresAt: number | undefined,
  ) {
    const member = await this.#deps.info.resolveMember(principal, realm, memberReference);
    await this.#deps.authorizer.require(principal, ['manageFilters'], this.#memberHrn(member));
    const filter = await this.#filter(principal, filterReference);
    const attachment: FilterAttachment = {
      filterId: filter.id,
      realm: member.realm,
      targetKind: 'identity',
      targetId: member.id,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      createdAt: this.#deps.clock(),
    };
    const { maximum } = limits.MaxEntityAccessFilters;
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.locks.identity(member.id);
      const existing = await repositories.accessFilters.attachmentsOf('identity', member.id);
      if (!existing.some((candidate) => candidate.filterId === filter.id) && existing.length >= maximum) {
        throw limitReached('MaxEntityAccessFilters', existing.length, maximum);
      }
      await repositories.accessFilters.attach(attachment);
    });
    return this.#attachmentView(attachment);
  }

  async detachFromMember(principal: Principal, realm: string, memberReference: string, filterReference: string) {
    const member = await this.#deps.info.resolveMember(principal, realm, memberReference);
    await this.#deps.authorizer.require(principal, ['manageFilters'], this.#memberHrn(member));
    const filter = await this.#filter(principal, filterReference);
    if (!(await this.#deps.storage.accessFilters.detach(filter.id, 'identity', member.id))) {
      throw new AppError('filter.not_found');
    }
  }

  async realmFilter(principal: Principal, realm: string): Promise<AccessFilterView> {
    this.#sameRealm(principal, realm);
    await this.#deps.authorizer.requireOnRealm(principal, ['readFilter']);
    const [attachment] = await this.#deps.storage.accessFilters.attachmentsOf('realm', principal.realm);
    const filter = attachment && (await this.#deps.storage.accessFilters.find(attachment.filterId));
    if (!filter) throw new AppError('filter.not_found');
    return this.view(filter);
  }

  async setRealmFilter(principal: Principal, realm: string, reference: string): Promise<AccessFilterView> {
    this.#sameRealm(principal, realm);
    await this.#deps.authorizer.requireOnRealm(principal, ['manageFilter']);
    const filter = await this.#filter(principal, reference);
    await this.#deps.storage.transaction((repositories) =>
      repositories.accessFilters.replaceRealmFilter(principal.realm, filter.id, this.#deps.clock()),
    );
    return this.view(filter);
  }

  /**
   * `GET /roles/{role}/filter`: the filter attached to a role (it applies to every holder of the role). Needs
   * `readFilter` on the role or `readAccessFilters` on the organization, which reads the filter itself anyway.
   */
  async roleFilter(principal: Principal, roleReference: string): Promise<AccessFilterView> {
    const role = await this.#deps.roles.find(principal, roleReference);
    await this.#requireFilterRead(principal, this.#deps.hrns.role(role.realm, role.id));
    return this.#attachedFilter('role', role.id);
  }

  /**
   * `GET /projects/{project}/filter`: the filter attached to a project (it applies to requests scoped to it).
   * Gatehouse keeps `scopeAccess` as a project setting rather than as a stored filter; HERE shows
   * `thisProjectOrNoProject` as its `project-eval-unscoped` filter attached to the project, so a project with that
   * setting and no filter of its own answers that filter: one statement letting unscoped permissions be evaluated
   * for requests scoped to the project, at the lowest priority, which is what the engine does. Needs `readFilter`
   * on the project (its ProjectAdmins) or `readAccessFilters` on the organization.
   */
  async projectFilter(principal: Principal, projectReference: string): Promise<AccessFilterView> {
    const project = await this.#deps.projects.find(principal, projectReference);
    const projectHrn = this.#deps.projects.hrn(project);
    await this.#requireFilterRead(principal, projectHrn);
    const [attachment] = await this.#deps.storage.accessFilters.attachmentsOf('project', project.id);
    if (attachment === undefined && project.scopeAccess === 'thisProjectOrNoProject') {
      return this.#projectEvalUnscoped(projectHrn);
    }
    return this.#attachedFilter('project', project.id);
  }

  view(filter: AccessFilter): AccessFilterView {
    return {
      hrn: this.filterHrn(filter.realm, filter.id),
      type: 'custom',
      name: filter.name,
      statements: filter.statements.map((entry) => ({
        ...(entry.description !== undefined ? { description: entry.description } : {}),
        permissions: entry.permissions,
        ...(entry.actions !== undefined ? { actions: [...entry.actions] } : {}),
        ...(entry.resource !== undefined ? { resource: entry.resource } : {}),
        ...(entry.scope !== undefined ? { scope: entry.scope } : {}),
        ...(entry.subresources !== undefined ? { subresources: [...entry.subresources] } : {}),
        evaluate: entry.evaluate,
        priority: entry.priority,
      })),
    };
  }

  /** The filter attached to a role or project (one each); 404 when there is none. */
  async #attachedFilter(targetKind: 'role' | 'project', targetId: string): Promise<AccessFilterView> {
    const [attachment] = await this.#deps.storage.accessFilters.attachmentsOf(targetKind, targetId);
    const filter = attachment && (await this.#deps.storage.accessFilters.find(attachment.filterId));
    if (!filter) throw new AppError('filter.not_found');
    return this.view(filter);
  }

  /** HERE's `here-platform` filter for `scopeAccess: thisProjectOrNoProject`, as it applies to one project. */
  #projectEvalUnscoped(projectHrn: string): AccessFilterView {
    return {
      hrn: formatHrn({
        partition: this.#deps.hrns.partition,
        service: 'authorization',
        region: '',
        account: 'HERE',
        resource: `filter/${PROJECT_EVAL_UNSCOPED}`,
      }),
      type: 'here-platform',
      name: PROJECT_EVAL_UNSCOPED,
      statements: [
        {
          description: 'Evaluate unscoped permissions for requests scoped to this project.',
          permissions: 'unscoped',
          scope: projectHrn,
          evaluate: true,
          priority: 0,
        },
      ],
    };
  }

  /** Reading the filter of a role or project: `readFilter` on it, or `readAccessFilters` on the organization. */
  async #requireFilterRead(principal: Principal, targetHrn: string): Promise<void> {
    if (await this.#deps.authorizer.can(principal, 'readFilter', targetHrn)) return;
    await this.#deps.authorizer.requireOnRealm(principal, ['readAccessFilters']);
  }

  /** A filter of the caller's organization by HRN or id; anything else is not found. */
  async #filter(principal: Principal, reference: string): Promise<AccessFilter> {
    const id = referencedId(reference, 'authorization', ['filter']);
    const filter = id === undefined ? undefined : await this.#deps.storage.accessFilters.find(id);
    if (!filter || filter.realm !== principal.realm) throw new AppError('filter.not_found');
    return filter;
  }

  #sameRealm(principal: Principal, realm: string): void {
    if (realm.toLowerCase() !== principal.realm.toLowerCase()) throw new AppError('realm.not_found');
  }

  #memberHrn(member: { id: string; realm: string; kind: string }): string {
    return member.kind === 'user'
      ? this.#deps.hrns.user(member.realm, member.id)
      : this.#deps.hrns.app(member.realm, member.id);
  }

  async #member(attachment: FilterAttachment) {
    const { realm, targetId } = attachment;
    switch (attachment.targetKind) {
      case 'realm':
        return { memberHrn: this.#deps.hrns.realm(realm), entityType: 'realm' as const };
      case 'role':
        return { memberHrn: this.#deps.hrns.role(realm, targetId), entityType: 'role' as const };
      case 'project':
        return { memberHrn: this.#deps.hrns.project(realm, targetId), entityType: 'project' as const };
      case 'identity': {
        const kind = (await this.#deps.storage.permissions.findIdentity(targetId))?.kind ?? 'user';
        const memberHrn =
          kind === 'user'
            ? this.#deps.hrns.user(realm, targetId)
            : kind === 'app'
              ? this.#deps.hrns.app(realm, targetId)
              : this.#deps.hrns.group(realm, targetId);
        return { memberHrn, entityType: kind };
      }
    }
  }

  #attachmentView(attachment: FilterAttachment) {
    return {
      hrn: this.filterHrn(attachment.realm, attachment.filterId),
      ...(attachment.expiresAt !== undefined ? { expiresAt: attachment.expiresAt } : {}),
    };
  }

  #page<T>(items: readonly T[], query: PageQuery) {
    const limit = query.limit ?? 100;
    return { limit, ...pageOf(items, limit, query.pageToken) };
  }
}

function statement(input: AccessFilterRequest['statements'][number]): AccessFilterStatement {
  return {
    ...(input.description !== undefined ? { description: input.description } : {}),
    permissions: input.permissions,
    ...(input.actions !== undefined && input.actions.length > 0 ? { actions: input.actions } : {}),
    ...(input.resource !== undefined ? { resource: input.resource } : {}),
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
    ...(input.subresources !== undefined ? { subresources: [...new Set(input.subresources)] } : {}),
    evaluate: input.evaluate,
    priority: input.priority,
  };
}
