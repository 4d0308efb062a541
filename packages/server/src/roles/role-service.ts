import { createHash } from 'node:crypto';
import type { ActivePermission, HrnFactory, RoleEntity, Role as RoleView } from '@gatehouse/contracts';
import { parseHrn, referencedId, resourceTypeAndId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { roleBundles } from '../authz/role-bundles.js';
import { AppError } from '../errors/app-error.js';
import { assertBelow } from '../groups/group-service.js';
import type { MemberRef } from '../members/member-directory.js';
import type { MemberService } from '../members/member-service.js';
import { decodePageToken, encodePageToken } from '../storage/pagination.js';
import type { Storage } from '../storage/storage.js';
import type { Role } from './role-repository.js';
import { roleView } from './role-view.js';

export interface RoleServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  members: MemberService;
  hrns: HrnFactory;
  clock: () => number;
}

interface PageRequest {
  pageToken?: string | undefined;
  count: number;
}

/**
 * Roles (Authorization v1.1 `/roles`): HERE's role bundles instantiated per organization, group (GroupAdmin) or
 * project (ProjectAdmin), and who holds them. Giving or taking a role needs manageEntities on it: OrgAdmins on every
 * role, a GroupAdmin or ProjectAdmin on its own role.
 */
export class RoleService {
  readonly #deps: RoleServiceDependencies;

  constructor(deps: RoleServiceDependencies) {
    this.#deps = deps;
  }

  /** `GET /roles`: readRoles on the caller's organization; filtered by name and by the resource a role is scoped to. */
  async list(
    principal: Principal,
    options: PageRequest & { roleName?: string | undefined; resourceHrn?: string | undefined },
  ) {
    await this.#deps.authorizer.requireOnRealm(principal, ['readRoles']);
    const page = await this.#deps.storage.roleDirectory.list(principal.realm, {
      pageToken: options.pageToken,
      count: options.count,
      name: options.roleName,
      resourceHrn: options.resourceHrn,
    });
    return this.#rolePage(page);
  }

  /** `GET /roles/me`: the roles the caller holds. */
  async mine(principal: Principal, page: PageRequest) {
    return this.#rolePage(await this.#deps.storage.roleDirectory.rolesOf(identityId(principal), page));
  }

  async get(principal: Principal, reference: string): Promise<RoleView> {
    await this.#deps.authorizer.requireOnRealm(principal, ['readRoles']);
    return roleView(this.#deps.hrns, await this.find(principal, reference));
  }

  /**
   * `GET /roles/{role}/permissions`: the permissions the role's bundle gives, expanded for this role. Bundles are
   * HERE-defined and alike in every organization, so readRoles suffices to read them.
   */
  async permissions(principal: Principal, reference: string, page: PageRequest) {
    await this.#deps.authorizer.requireOnRealm(principal, ['readRoles']);
    const all = this.#permissionsOf(await this.find(principal, reference));
    const start = page.pageToken === undefined ? 0 : (decodePageToken(page.pageToken, ['number'])[0] as number);
    const data = all.slice(start, start + page.count);
    const next = start + page.count;
    return {
      total: all.length,
      count: data.length,
      data,
      ...(next < all.length ? { pageToken: encodePageToken([next]) } : {}),
    };
  }

  /** `GET /roles/{role}/permissions/{permission}`: one of them, by the `PERM-…` id the listing gives it. */
  async permission(principal: Principal, reference: string, permissionReference: string): Promise<ActivePermission> {
    await this.#deps.authorizer.requireOnRealm(principal, ['readRoles']);
    const found = this.#permissionsOf(await this.find(principal, reference)).find(
      (permission) => permission.id === permissionReference,
    );
    if (!found) throw new AppError('role.permission_not_found');
    return found;
  }

  /** `GET /roles/{role}/entities`: readEntities on the role. */
  async entities(principal: Principal, reference: string, page: PageRequest) {
    const role = await this.#authorized(principal, reference, 'readEntities');
    const holders = await this.#deps.storage.roleDirectory.holders(role.id, page);
    const data = await this.#entityViews(holders.items.map((holder) => ({ id: holder.identityId, kind: holder.kind })));
    return {
      total: holders.total,
      count: data.length,
      data,
      ...(holders.nextPageToken !== undefined ? { pageToken: holders.nextPageToken } : {}),
    };
  }

  /** `GET /roles/{role}/entities/{entity}`: the entity itself, or readEntities on the role. */
  async entity(principal: Principal, reference: string, entityReference: string): Promise<RoleEntity> {
    const role = await this.find(principal, reference);
    const entity = await this.#deps.members.resolve(principal, entityReference, 'read');
    if (entity.id !== identityId(principal)) {
      await this.#deps.authorizer.require(principal, ['readEntities'], this.#deps.hrns.role(role.realm, role.id));
    }
    if (!(await this.#deps.storage.roleDirectory.holds(role.id, entity.id)))
      throw new AppError('role.entity_not_found');
    const [view] = await this.#entityViews([entity]);
    if (!view) throw new AppError('role.entity_not_found');
    return view;
  }

  /**
   * `POST /roles/{role}/entities/{entity}`: manageEntities on the role. A role scoped to a group goes only to members
   * of the group; an identity holds at most MaxEntityRoles roles. Idempotent.
   */
  async assign(principal: Principal, reference: string, entityReference: string): Promise<void> {
    const role = await this.#authorized(principal, reference, 'manageEntities');
    const entity = await this.#deps.members.resolve(principal, entityReference, 'write');
    const groupId = scopedGroupId(role);
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.locks.identity(entity.id);
      if (groupId !== undefined && !(await repositories.groups.isMember(groupId, entity.id))) {
        throw new AppError('role.requires_group_membership');
      }
      if (await repositories.roleDirectory.holds(role.id, entity.id)) return;
      assertBelow('MaxEntityRoles', await repositories.roleDirectory.countRolesOf(entity.id));
      await repositories.roles.assign(role.id, entity.id, this.#deps.clock());
    });
  }

  /** `DELETE /roles/{role}/entities/{entity}`: manageEntities on the role; the last enabled OrgAdmin stays one. */
  async unassign(principal: Principal, reference: string, entityReference: string): Promise<void> {
    const role = await this.#authorized(principal, reference, 'manageEntities');
    const entity = await this.#deps.members.resolve(principal, entityReference, 'read');
    const guardsLastAdmin = role.name === 'OrgAdmin' && role.resourceHrn === this.#deps.hrns.realm(role.realm);
    const removed = await this.#deps.storage.transaction(async (repositories) => {
      if (guardsLastAdmin && entity.kind === 'user') {
        await repositories.locks.identity(entity.id);
        const user = await repositories.users.findById(entity.id);
        const holds = await repositories.roleDirectory.holds(role.id, entity.id);
        if (holds && user?.state === 'enabled' && (await repositories.roles.countEnabledUsers(role.id)) <= 1) {
          throw new AppError('user.last_org_admin');
        }
      }
      return repositories.roles.unassign(role.id, entity.id);
    });
    if (!removed) throw new AppError('role.entity_not_found');
  }

  /** The role a reference names (`ROLE-…` id or role HRN) in the caller's organization; others are not found. */
  async find(principal: Principal, reference: string): Promise<Role> {
    const id = referencedId(reference, 'authorization', ['role']);
    if (id === undefined) throw new AppError('role.not_found');
    const role = await this.#deps.storage.roles.findById(id);
    if (!role || role.realm !== principal.realm) throw new AppError('role.not_found');
    return role;
  }

  async #authorized(principal: Principal, reference: string, action: string): Promise<Role> {
    const role = await this.find(principal, reference);
    await this.#deps.authorizer.require(principal, [action], this.#deps.hrns.role(role.realm, role.id));
    return role;
  }

  /** The permissions of a role's bundle, each once, with ids stable across listings. */
  #permissionsOf(role: Role): ActivePermission[] {
    const statements =
      roleBundles[role.name]?.({
        partition: this.#deps.hrns.partition,
        realm: role.realm,
        scopeHrn: role.resourceHrn,
        roleHrn: this.#deps.hrns.role(role.realm, role.id),
      }) ?? [];
    // A bundle may name a permission twice (an action both in a family and in a shared list): list it once.
    const byId = new Map<string, ActivePermission>();
    for (const statement of statements) {
      const id = permissionId(role.id, statement.action, statement.resource);
      byId.set(id, { id, action: statement.action, effect: statement.effect, resource: statement.resource });
    }
    return [...byId.values()];
  }

  async #entityViews(references: readonly MemberRef[]): Promise<RoleEntity[]> {
    return (await this.#deps.members.views(references)).map((member) =>
      member.entityType === 'user'
        ? { entityHrn: member.memberHrn, entityType: 'user', info: member.info }
        : { entityHrn: member.memberHrn, entityType: 'app', info: member.info },
    );
  }

  #rolePage(page: { items: Role[]; total: number; nextPageToken?: string }) {
    const data = page.items.map((role) => roleView(this.#deps.hrns, role));
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }
}

/** The group a role is scoped to (GroupAdmin), if it is scoped to a group. */
function scopedGroupId(role: Role): string | undefined {
  const parsed = parseHrn(role.resourceHrn);
  const resource = parsed && resourceTypeAndId(parsed.resource);
  return parsed?.service === 'authorization' && resource?.type === 'group' ? resource.id : undefined;
}

/** A stable `PERM-<uuid>` for one permission of one role, so listings page and compare consistently. */
function permissionId(roleId: string, action: string, resource: string): string {
  const hex = createHash('sha256').update(`${roleId}\u0000${action}\u0000${resource}`).digest('hex');
  return `PERM-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
