import { type Kysely, sql } from 'kysely';
import { decodePageToken, encodePageToken, type Page } from '../storage/pagination.js';
import type { Database } from '../storage/tables.js';
import { containsIgnoringCase } from '../storage/text-search.js';

export type MemberKind = 'user' | 'app';

export interface MemberRef {
  id: string;
  kind: MemberKind;
}

/** What realm member listings show of a user. */
export interface UserSummary {
  id: string;
  realm: string;
  email: string;
  firstname: string;
  lastname: string;
  state: 'enabled' | 'disabled';
  createdAt: number;
}

/** What realm member listings show of an app. */
export interface AppSummary {
  id: string;
  realm: string;
  name: string;
  description?: string;
  status: 'active' | 'deactivated';
  creatorId?: string;
  defaultScope?: string;
  isRestrictedScope: boolean;
  alwaysProjectScope: boolean;
  appCreationEnabled: boolean;
  createdAt: number;
}

export interface MemberSearch {
  kind?: MemberKind | undefined;
  /** Matches user ids, names and email addresses, app ids and names, and the names of roles held. */
  q?: string | undefined;
  state?: 'enabled' | 'disabled' | undefined;
  pageToken?: string | undefined;
  count: number;
}

/**
 * The users and apps of an organization, searched and paged in the database: keyset pages over the
 * `(realm_id, created_at, id)` indexes of users and apps, so a page costs the same with 10 or 10,000 members.
 */
export interface MemberDirectory {
  /** Any identity (user, app or group) by id, with its organization. */
  identity(id: string): Promise<{ id: string; kind: MemberKind | 'group'; realm: string } | undefined>;
  /** Members in creation order. Page tokens are opaque. */
  search(realm: string, options: MemberSearch): Promise<Page<MemberRef>>;
  users(ids: readonly string[]): Promise<Map<string, UserSummary>>;
  apps(ids: readonly string[]): Promise<Map<string, AppSummary>>;
}

export function createMemberDirectory(db: Kysely<Database>): MemberDirectory {
  function members(realm: string, { kind, q, state }: MemberSearch) {
    const contains = q !== undefined && q !== '' ? containsIgnoringCase(q) : undefined;
    /** `q` in one of the columns, or in the name of a role the identity holds (few roles; assignment key). */
    const matches = (
      search: NonNullable<typeof contains>,
      idColumn: 'users.id' | 'apps.id',
      columns: readonly string[],
    ) => {
      const roleHolders = sql<boolean>`${sql.ref(idColumn)} IN (SELECT ra.identity_id FROM role_assignments ra
        WHERE ra.role_id IN (SELECT r.id FROM roles r WHERE r.realm_id = ${realm} AND ${search('r.name')}))`;
      return sql<boolean>`(${sql.join([...columns.map(search), roleHolders], sql` OR `)})`;
    };
    let users = db
      .selectFrom('users')
      .select(['users.id', 'users.created_at', sql<MemberKind>`'user'`.as('kind')])
      .where('users.realm_id', '=', realm);
    let apps = db
      .selectFrom('apps')
      .select(['apps.id', 'apps.created_at', sql<MemberKind>`'app'`.as('kind')])
      .where('apps.realm_id', '=', realm);
    if (state !== undefined) {
      users = users.where('users.state', '=', state);
      apps = apps.where('apps.status', state === 'enabled' ? '=' : '<>', 'active');
    }
    if (contains) {
      users = users.where(
        matches(contains, 'users.id', ['users.id', 'users.firstname', 'users.lastname', 'users.email']),
      );
      apps = apps.where(matches(contains, 'apps.id', ['apps.id', 'apps.name']));
    }
    if (kind === 'user') return users;
    if (kind === 'app') return apps;
    return users.unionAll(apps);
  }

  return {
    async identity(id) {
      const row = await db
        .selectFrom('identities')
        .select(['id', 'kind', 'realm_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { id: row.id, kind: row.kind, realm: row.realm_id };
    },
    async search(realm, options) {
      const { pageToken, count } = options;
      const all = db.selectFrom(members(realm, options).as('members'));
      const total = await all.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = all
        .select(['members.id', 'members.created_at', 'members.kind'])
        .orderBy('members.created_at')
        .orderBy('members.id')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('members.created_at', '>', createdAt),
            eb.and([eb('members.created_at', '=', createdAt), eb('members.id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const kept = rows.slice(0, count);
      const last = kept.at(-1);
      return {
        items: kept.map((row) => ({ id: row.id, kind: row.kind })),
        total: Number(total.count),
        ...(rows.length > count && last ? { nextPageToken: encodePageToken([Number(last.created_at), last.id]) } : {}),
      };
    },
    async users(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('users')
        .select(['id', 'realm_id', 'email', 'firstname', 'lastname', 'state', 'created_at'])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(
        rows.map((row) => [
          row.id,
          {
            id: row.id,
            realm: row.realm_id,
            email: row.email,
            firstname: row.firstname,
            lastname: row.lastname,
            state: row.state,
            createdAt: Number(row.created_at),
          },
        ]),
      );
    },
    async apps(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('apps')
        .select([
          'id',
          'realm_id',
          'name',
          'description',
          'status',
          'creator_id',
          'default_scope',
          'is_restricted_scope',
          'always_project_scope',
          'app_creation_enabled',
          'created_at',
        ])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(
        rows.map((row) => [
          row.id,
          {
            id: row.id,
            realm: row.realm_id,
            name: row.name,
            ...(row.description !== null ? { description: row.description } : {}),
            status: row.status,
            ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
            ...(row.default_scope !== null ? { defaultScope: row.default_scope } : {}),
            isRestrictedScope: row.is_restricted_scope === 1,
            alwaysProjectScope: row.always_project_scope === 1,
            appCreationEnabled: row.app_creation_enabled === 1,
            createdAt: Number(row.created_at),
          },
        ]),
      );
    },
  };
}
