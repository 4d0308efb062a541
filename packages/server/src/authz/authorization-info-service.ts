import type {
  ActivePermission,
  AppAuthorizationResponse,
  AuthorizationResponse,
  GroupPermissions,
  HrnFactory,
  PermissionsResponse,
} from '@gatehouse/contracts';
import { referencedId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';
import type { IdentityRef, Permission } from '../permissions/permission-repository.js';
import type { Role } from '../roles/role-repository.js';
import { pageOf } from '../storage/in-memory-page.js';
import type { Storage } from '../storage/storage.js';
import type { Authorizer } from './authorizer.js';
import type { PermissionStatement } from './permission-index.js';
import { memberBaseline, roleBundles } from './role-bundles.js';

const toResponse = (permission: Permission): PermissionsResponse => ({
  id: permission.id,
  effect: permission.effect,
  action: permission.action,
  resource: permission.resourceHrn,
});

/**
 * What an identity may do, as HERE's authorization information APIs show it: Account v1 `/user/me/authorization`,
 * `/app/me/authorization` and the answers of sharing; Authorization v1.1 `…/members/{member}/permissions`.
 * {@link unscopedPermissions} is the one computation of "the permissions of X" for members, groups and roles.
 */
export class AuthorizationInfoService {
  readonly #storage: Storage;
  readonly #authorizer: Authorizer;
  readonly #hrns: HrnFactory;

  constructor(deps: { storage: Storage; authorizer: Authorizer; hrns: HrnFactory }) {
    this.#storage = deps.storage;
    this.#authorizer = deps.authorizer;
    this.#hrns = deps.hrns;
  }

  /** Account v1 `AuthorizationResponse` of a user: its roles and permissions (with its groups' unless `direct`). */
  async userAuthorization(userId: string, includeGroups = true): Promise<AuthorizationResponse> {
    const user = await this.#storage.users.findById(userId);
    if (!user) throw new AppError('authorization.record_not_found');
    const roles = await this.#storage.roles.rolesOf(userId);
    return {
      user: {
        userId: user.id,
        realm: user.realm,
        email: user.email,
        firstname: user.firstname,
        lastname: user.lastname,
        hrn: this.#hrns.user(user.realm, user.id),
      },
      roles: roles.map((role) => ({ id: role.id, name: role.name, value: role.resourceHrn })),
      permissions: (await this.#heldPermissions(userId, includeGroups)).map(toResponse),
      status: user.state === 'enabled' ? 'active' : 'inactive',
      createdTime: Math.floor(user.createdAt / 1000),
      updatedTime: Math.floor(user.updatedAt / 1000),
    };
  }

  /** Account v1 `AppAuthorizationResponse`: the app's permissions and the policies and plans attached to it. */
  async appAuthorization(appId: string, includeGroups = true): Promise<AppAuthorizationResponse> {
    const app = await this.#storage.apps.findById(appId);
    if (!app) throw new AppError('app.not_found');
    const attached = await this.#storage.policies.attachedTo(app.realm, [{ kind: 'identity', id: app.id }]);
    const plans = await this.#storage.policies.findPlans(attached.planIds);
    return {
      app: {
        clientId: app.id,
        name: app.name,
        ...(app.description !== undefined ? { description: app.description } : {}),
        status: app.status,
        hrn: this.#hrns.app(app.realm, app.id),
        realm: app.realm,
      },
      permissions: (await this.#heldPermissions(appId, includeGroups)).map(toResponse),
      policies: attached.policyIds.map((policyId) => ({ id: `POLICYLINK-${policyId}`, policyId, allowUpdates: false })),
      plans: plans.map((plan) => ({
        id: `PLANLINK-${plan.id}`,
        planId: plan.id,
        policies: plan.policyIds.map((policyId) => ({ policyId })),
        allowUpdates: false,
      })),
    };
  }

  /** Account v1 `GroupPermissions`. */
  async groupPermissions(groupId: string): Promise<GroupPermissions> {
    const group = await this.#storage.permissions.groupInfo(groupId);
    if (!group) throw new AppError('group.not_found');
    const attached = await this.#storage.policies.attachedTo(group.realm, [{ kind: 'identity', id: group.id }]);
    return {
      id: group.id,
      name: group.name,
      ...(group.description !== undefined ? { description: group.description } : {}),
      scope: 'customer',
      permissions: (await this.#storage.permissions.listFor([group.id])).map(toResponse),
      policies: attached.policyIds.map((policyId) => ({ id: `POLICYLINK-${policyId}`, policyId, allowUpdates: false })),
    };
  }

  /**
   * Account v1 `/…/me/authorization/permissions`: the permissions granted directly to the identity, a page at a
   * time. HERE's checks: `count` an integer of 0 or more (400001), `pageToken` not empty (400202) and well formed
   * (400203).
   */
  async directPermissionsPage(id: string, query: { count?: string | undefined; pageToken?: string | undefined }) {
    if (query.count !== undefined && !/^\d{1,9}$/.test(query.count)) throw new AppError('request.invalid_count');
    if (query.pageToken === '') throw new AppError('request.empty_page_token');
    const count = Math.min(query.count === undefined ? 100 : Number(query.count), 100);
    const held = (await this.#storage.permissions.listFor([id])).map(toResponse);
    const page = pageOf(held, count, query.pageToken);
    return { total: page.total, count: page.items.length, data: page.items, ...pickToken(page) };
  }

  /**
   * The unscoped permissions of an identity (user, app or group): granted to it and its groups, from its roles, from
   * the policies and plans attached to it, its groups and its organization, and what every member may do. Those
   * granted directly carry their permission id; the others have an empty id.
   */
  async unscopedPermissions(identity: IdentityRef): Promise<ActivePermission[]> {
    const statements = (await this.#authorizer.engine.unscopedStatements(identity.id)) ?? [];
    const groupIds = identity.kind === 'group' ? [] : await this.#authorizer.engine.groupIds(identity.id);
    const granted = await this.#storage.permissions.listFor([identity.id, ...groupIds]);
    const ids = new Map(granted.map((p) => [statementKey({ ...p, resource: p.resourceHrn }), p.id]));
    return distinctPermissions(statements, (key) => ids.get(key) ?? '');
  }

  /** The permissions a role stands for, expanded for its organization and scope (`GET /roles/{role}/permissions`). */
  rolePermissions(role: Role): ActivePermission[] {
    const bundle = roleBundles[role.name];
    if (!bundle) return [];
    const context = {
      partition: this.#hrns.partition,
      realm: role.realm,
      scopeHrn: role.resourceHrn,
      roleHrn: this.#hrns.role(role.realm, role.id),
    };
    return bundle(context).map((statement) => ({
      id: '',
      action: statement.action,
      effect: statement.effect,
      resource: statement.resource,
    }));
  }

  /**
   * `GET /realms/{realm}/members/{member}/permissions`: a member's unscoped permissions. Needs `readPermissions`
   * on the member, unless the member is the caller.
   */
  async memberPermissions(
    principal: Principal,
    realm: string,
    memberReference: string,
    page: { limit?: number | undefined; pageToken?: string | undefined },
  ) {
    const member = await this.resolveMember(principal, realm, memberReference);
    const memberHrn =
      member.kind === 'user' ? this.#hrns.user(member.realm, member.id) : this.#hrns.app(member.realm, member.id);
    if (member.id !== identityId(principal)) await this.#authorizer.require(principal, ['readPermissions'], memberHrn);
    const limit = page.limit ?? 100;
    const result = pageOf(await this.unscopedPermissions(member), limit, page.pageToken);
    return { limit, total: result.total, items: result.items, ...pickToken(result) };
  }

  /**
   * `GET /authorization/v1.1/groups/{groupId}/permissions`: a group's unscoped permissions (granted to it, from the
   * policies attached to it). Needs `readPermissions` on the group (its GroupAdmins, OrgAdmins); a group of another
   * organization is not found.
   */
  async groupPermissionsPage(
    principal: Principal,
    groupReference: string,
    page: { limit?: number | undefined; pageToken?: string | undefined },
  ) {
    const group = await this.resolveGroup(principal, groupReference, ['readPermissions']);
    const limit = page.limit ?? 100;
    const permissions = await this.unscopedPermissions(group);
    const result = pageOf(permissions, limit, page.pageToken);
    return { limit, total: result.total, items: result.items, ...pickToken(result) };
  }

  /**
   * `GET /realms/{realm}/permissions` (deprecated in HERE): what every member has through the organization, from the
   * policies and plans attached to it and the member baseline, as the engine counts them for each member. Needs
   * `readPermissions` on the organization; another organization is not found, as on the other realm paths.
   */
  async realmPermissions(
    principal: Principal,
    realm: string,
    page: { count: number; pageToken?: string | undefined },
  ): Promise<{ total: number; count: number; data: ActivePermission[]; pageToken?: string }> {
    if (realm.toLowerCase() !== principal.realm.toLowerCase()) throw new AppError('realm.not_found');
    await this.#authorizer.requireOnRealm(principal, ['readPermissions']);
    const { policies } = this.#storage;
    const attached = await policies.attachedTo(principal.realm, [{ kind: 'realm', id: principal.realm }]);
    const plans = await policies.findPlans(attached.planIds);
    const policyIds = new Set([...attached.policyIds, ...plans.flatMap((plan) => plan.policyIds)]);
    const statements = [
      ...(await policies.findPolicies([...policyIds])).flatMap((policy) => policy.permissions),
      ...memberBaseline(this.#hrns.partition, principal.realm, 'user'),
    ];
    const result = pageOf(
      distinctPermissions(statements, () => ''),
      page.count,
      page.pageToken,
    );
    return { total: result.total, count: result.items.length, data: result.items, ...pickToken(result) };
  }

  /**
   * A group of the caller's organization named by HRN or id, on which the caller may perform one of `actions`.
   * A group of another organization is not found, like one that does not exist (HERE's 404780).
   */
  async resolveGroup(principal: Principal, reference: string, actions: readonly string[]): Promise<IdentityRef> {
    const id = referencedId(reference, 'authorization', ['group']);
    const group = id === undefined ? undefined : await this.#storage.permissions.groupInfo(id);
    if (!group || group.realm !== principal.realm) throw new AppError('group.not_found');
    await this.#authorizer.require(principal, actions, this.#hrns.group(group.realm, group.id));
    return { id: group.id, realm: group.realm, kind: 'group' };
  }

  /**
   * A user or app of the caller's organization named by HRN or id, in `/realms/{realm}/members/{member}/…` paths.
   * Anything else, or anything of another organization, is not found.
   */
  async resolveMember(principal: Principal, realm: string, reference: string): Promise<IdentityRef> {
    if (realm.toLowerCase() !== principal.realm.toLowerCase()) throw new AppError('realm.not_found');
    const id = referencedId(reference, 'account', ['user', 'app']);
    if (id === undefined) throw new AppError('request.not_found');
    const identity = await this.#storage.permissions.findIdentity(id);
    if (!identity || identity.kind === 'group' || identity.realm !== principal.realm) {
      throw new AppError('request.not_found');
    }
    return identity;
  }

  async #heldPermissions(id: string, includeGroups: boolean): Promise<Permission[]> {
    const groupIds = includeGroups ? await this.#authorizer.engine.groupIds(id) : [];
    return this.#storage.permissions.listFor([id, ...groupIds]);
  }
}

function pickToken(page: { pageToken?: string }): { pageToken?: string } {
  return page.pageToken !== undefined ? { pageToken: page.pageToken } : {};
}

/** What tells statements apart: their action, resource and effect. */
const statementKey = (statement: PermissionStatement) =>
  `${statement.action}\u0000${statement.resource}\u0000${statement.effect}`;

/** Statements as HERE's `ActivePermission` items, each action, resource and effect once; `idOf` names their grant. */
function distinctPermissions(
  statements: readonly PermissionStatement[],
  idOf: (key: string) => string,
): ActivePermission[] {
  const seen = new Set<string>();
  const permissions: ActivePermission[] = [];
  for (const statement of statements) {
    const key = statementKey(statement);
    if (seen.has(key)) continue;
    seen.add(key);
    permissions.push({
      id: idOf(key),
      action: statement.action,
      effect: statement.effect,
      resource: statement.resource,
    });
  }
  return permissions;
}
