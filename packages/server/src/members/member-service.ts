import { createHash } from 'node:crypto';
import {
  type HrnFactory,
  type LimitName,
  limits,
  parseHrn,
  type RealmMember,
  referencedId,
  resourceTypeAndId,
} from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { AppError, fieldError, invalidData } from '../errors/app-error.js';
import { groupView } from '../groups/group-view.js';
import { roleView } from '../roles/role-view.js';
import { decodePageToken, encodePageToken } from '../storage/pagination.js';
import type { Storage } from '../storage/storage.js';
import type { MemberRef, MemberSearch } from './member-directory.js';

export interface MemberServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  hrns: HrnFactory;
}

interface PageRequest {
  pageToken?: string | undefined;
  count: number;
}

/**
 * The members of an organization (Authorization v1.1 `/realms/{realm}/members`, `/realms/{realm}/limits`): listing
 * and searching users and apps, what each holds, and the references to them that other APIs accept.
 */
export class MemberService {
  readonly #deps: MemberServiceDependencies;

  constructor(deps: MemberServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * The organization a `{realm}` path parameter names (orgId, realm HRN or `me`); it must be the caller's. Another
   * organization is HERE's 403 "Realm of the resource does not match the realm of the caller.", an unknown one 404.
   */
  async realmOf(principal: Principal, reference: string): Promise<string> {
    if (reference === 'me') return principal.realm;
    const id = referencedId(reference, 'account', ['realm']);
    if (id === undefined) throw new AppError('request.invalid_realm');
    if (id.toLowerCase() === principal.realm.toLowerCase()) return principal.realm;
    if (!(await this.#deps.storage.organizations.findById(id))) throw new AppError('realm.not_found');
    throw new AppError('realm.mismatch');
  }

  /**
   * The user or app a reference names: `me`, a user or app HRN, or an id. Unknown identities are 404; identities of
   * another organization are 404 for reads and HERE's 403 (entity realm mismatch) for writes.
   */
  async resolve(principal: Principal, reference: string, purpose: 'read' | 'write'): Promise<MemberRef> {
    if (reference === 'me') return { id: identityId(principal), kind: principal.kind };
    const id = referencedId(reference, 'account', ['user', 'app']);
    if (id === undefined) throw invalidData(fieldError('member', 'invalid'));
    const identity = await this.#deps.storage.members.identity(id);
    // A user HRN names no app, an app HRN no user.
    if (!identity || identity.kind === 'group' || referencedId(reference, 'account', [identity.kind]) === undefined) {
      throw new AppError('member.not_found');
    }
    if (identity.realm !== principal.realm) {
      if (purpose === 'read') throw new AppError('member.not_found');
      throw new AppError('realm.mismatch', { detail: 'Realm of the entity does not match the realm of the caller.' });
    }
    return { id: identity.id, kind: identity.kind };
  }

  hrnOf(realm: string, member: MemberRef): string {
    return member.kind === 'user' ? this.#deps.hrns.user(realm, member.id) : this.#deps.hrns.app(realm, member.id);
  }

  /** HERE's `RealmMember` of each reference, in the same order; references that vanished are left out. */
  async views(references: readonly MemberRef[]): Promise<RealmMember[]> {
    const { storage, hrns } = this.#deps;
    const ids = references.map((reference) => reference.id);
    const [users, apps, roles] = await Promise.all([
      storage.members.users(references.filter((reference) => reference.kind === 'user').map((r) => r.id)),
      storage.members.apps(references.filter((reference) => reference.kind === 'app').map((r) => r.id)),
      storage.roleDirectory.roleNamesOf(ids),
    ]);
    const views: RealmMember[] = [];
    for (const reference of references) {
      const roleNames = roles.get(reference.id) ?? [];
      const user = reference.kind === 'user' ? users.get(reference.id) : undefined;
      if (user) {
        const userHrn = hrns.user(user.realm, user.id);
        views.push({
          memberHrn: userHrn,
          entityType: 'user',
          info: {
            userId: user.id,
            userHrn,
            realm: user.realm,
            firstname: user.firstname,
            lastname: user.lastname,
            email: user.email,
            roles: roleNames,
            state: user.state,
            createdTime: user.createdAt,
          },
        });
      }
      const app = reference.kind === 'app' ? apps.get(reference.id) : undefined;
      if (app) {
        const clientHrn = hrns.app(app.realm, app.id);
        const owner = app.creatorId;
        views.push({
          memberHrn: clientHrn,
          entityType: 'app',
          info: {
            clientId: app.id,
            clientHrn,
            realm: app.realm,
            name: app.name,
            ...(app.description !== undefined ? { description: app.description } : {}),
            ...(owner !== undefined
              ? {
                  ownerId: owner,
                  ownerHrn: owner.startsWith('HERE-') ? hrns.user(app.realm, owner) : hrns.app(app.realm, owner),
                }
              : {}),
            ...(app.defaultScope !== undefined ? { defaultScope: app.defaultScope } : {}),
            isRestrictedScope: String(app.isRestrictedScope) as 'true' | 'false',
            appCreationEnabled: String(app.appCreationEnabled) as 'true' | 'false',
            alwaysProjectScope: String(app.alwaysProjectScope) as 'true' | 'false',
            status: app.status,
            roles: roleNames,
            state: app.status === 'active' ? 'enabled' : 'disabled',
            createdTime: app.createdAt,
          },
        });
      }
    }
    return views;
  }

  /** `GET /realms/{realm}/members`: readMembers on the organization. */
  async list(principal: Principal, realmReference: string, search: MemberSearch) {
    const realm = await this.realmOf(principal, realmReference);
    await this.#deps.authorizer.require(principal, ['readMembers'], this.#deps.hrns.realm(realm));
    const page = await this.#deps.storage.members.search(realm, search);
    const data = await this.views(page.items);
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  async get(principal: Principal, realmReference: string, memberReference: string): Promise<RealmMember> {
    const { member } = await this.#authorizedMember(principal, realmReference, memberReference, 'readMembers');
    const [view] = await this.views([member]);
    if (!view) throw new AppError('member.not_found');
    return view;
  }

  /** `GET /realms/{realm}/members/{member}/roles` (PageWithToken): the member, or readRoles on it. */
  async roles(principal: Principal, realmReference: string, memberReference: string, page: PageRequest) {
    const { member } = await this.#authorizedMember(principal, realmReference, memberReference, 'readRoles');
    const roles = await this.#deps.storage.roleDirectory.rolesOf(member.id, page);
    return {
      limit: page.count,
      total: roles.total,
      items: roles.items.map((role) => roleView(this.#deps.hrns, role)),
      ...(roles.nextPageToken !== undefined ? { pageToken: roles.nextPageToken } : {}),
    };
  }

  /** `GET /realms/{realm}/members/{member}/groups`: the member, or readGroups on it. */
  async groups(principal: Principal, realmReference: string, memberReference: string, page: PageRequest) {
    const { realm, member } = await this.#authorizedMember(principal, realmReference, memberReference, 'readGroups');
    return this.#groupPage(realm, { memberId: member.id, ...page });
  }

  /** `GET /realms/{realm}/members/{member}/managedGroups`: the groups whose GroupAdmin role the member holds. */
  async managedGroups(principal: Principal, realmReference: string, memberReference: string, page: PageRequest) {
    const { realm, member } = await this.#authorizedMember(principal, realmReference, memberReference, 'readGroups');
    const ids = (await this.#deps.storage.roles.rolesOf(member.id))
      .filter((role) => role.name === 'GroupAdmin' && role.realm === realm)
      .map((role) => resourceTypeAndId(parseHrn(role.resourceHrn)?.resource ?? '')?.id)
      .filter((id): id is string => id !== undefined);
    return this.#groupPage(realm, { ids, ...page });
  }

  /** `GET /realms/{realm}/limits` (readLimits: every member): HERE's limits as `RealmLimit` items. */
  async limits(
    principal: Principal,
    realmReference: string,
    options: { limitType?: string | undefined; pageToken?: string | undefined; limit: number },
  ) {
    const realm = await this.realmOf(principal, realmReference);
    await this.#deps.authorizer.require(principal, ['readLimits'], this.#deps.hrns.realm(realm));
    const all = (Object.keys(limits) as LimitName[])
      .filter((name) => options.limitType === undefined || name === options.limitType)
      .map((name) => ({
        hrn: `hrn:${this.#deps.hrns.partition}:authorization::HERE:limit/${limitId(name)}`,
        type: name,
        maximum: limits[name].maximum,
        description: limits[name].description,
      }));
    const start = options.pageToken === undefined ? 0 : (decodePageToken(options.pageToken, ['number'])[0] as number);
    const items = all.slice(start, start + options.limit);
    const next = start + options.limit;
    return {
      limit: options.limit,
      total: all.length,
      items,
      ...(next < all.length ? { pageToken: encodePageToken([next]) } : {}),
    };
  }

  async #groupPage(
    realm: string,
    options: { memberId?: string; ids?: string[]; pageToken?: string | undefined; count: number },
  ) {
    const page = await this.#deps.storage.groups.list(realm, options);
    const data = page.items.map((group) => groupView(this.#deps.hrns, group));
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  /** The member a path names, after checking that the caller is that member or may perform `action` on it. */
  async #authorizedMember(principal: Principal, realmReference: string, memberReference: string, action: string) {
    const realm = await this.realmOf(principal, realmReference);
    const member = await this.resolve(principal, memberReference, 'read');
    if (member.id !== identityId(principal)) {
      const target = action === 'readMembers' ? this.#deps.hrns.realm(realm) : this.hrnOf(realm, member);
      await this.#deps.authorizer.require(principal, [action], target);
    }
    return { realm, member };
  }
}

/** A stable `LIMIT-<uuid>` per limit name, so a limit's HRN never changes. */
function limitId(name: string): string {
  const hex = createHash('sha256').update(`limit:${name}`).digest('hex');
  return `LIMIT-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
