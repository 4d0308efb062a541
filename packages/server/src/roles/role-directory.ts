import type { Kysely } from 'kysely';
import { decodePageToken, encodePageToken, type Page, pageInCreationOrder } from '../storage/pagination.js';
import type { Database, RoleRow } from '../storage/tables.js';
import type { Role } from './role-repository.js';

/** An identity that holds a role. */
export interface RoleHolder {
  identityId: string;
  kind: 'user' | 'app';
}

export interface PageOptions {
  pageToken?: string | undefined;
  count: number;
}

/**
 * Paged reads of roles and of who holds them, for the Roles, Groups and realm member APIs. Writes stay in
 * {@link RoleRepository}, which reports them to the authorization engine.
 */
export interface RoleDirectory {
  /** Roles of an organization in creation order, optionally by name, by scope, or only those in `ids`. */
  list(
    realm: string,
    options: PageOptions & { name?: string | undefined; resourceHrn?: string | undefined; ids?: readonly string[] },
  ): Promise<Page<Role>>;
  /** The roles an identity holds, in order of assignment. */
  rolesOf(identityId: string, options: PageOptions): Promise<Page<Role>>;
  /** The users and apps that hold a role, in order of assignment. */
  holders(roleId: string, options: PageOptions): Promise<Page<RoleHolder>>;
  holds(roleId: string, identityId: string): Promise<boolean>;
  /** How many roles an identity holds (MaxEntityRoles). */
  countRolesOf(identityId: string): Promise<number>;
  /** Role names held by each of `identityIds` (realm member `info.roles`), each name once. */
  roleNamesOf(identityIds: readonly string[]): Promise<Map<string, string[]>>;
}

export function createRoleDirectory(db: Kysely<Database>): RoleDirectory {
  return {
    async list(realm, { name, resourceHrn, ids, pageToken, count }) {
      if (ids !== undefined && ids.length === 0) return { items: [], total: 0 };
      let query = db.selectFrom('roles').where('realm_id', '=', realm);
      if (name !== undefined) query = query.where('name', '=', name);
      if (resourceHrn !== undefined) query = query.where('resource_hrn', '=', resourceHrn);
      if (ids !== undefined) query = query.where('id', 'in', [...ids]);
      return pageInCreationOrder(query, { pageToken, limit: count }, toRole);
    },
    async rolesOf(identityId, { pageToken, count }) {
      const query = db
        .selectFrom('role_assignments')
        .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
        .where('role_assignments.identity_id', '=', identityId);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = query
        .selectAll('roles')
        .select('role_assignments.created_at as assigned_at')
        .orderBy('role_assignments.created_at')
        .orderBy('roles.id')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [assignedAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('role_assignments.created_at', '>', assignedAt),
            eb.and([eb('role_assignments.created_at', '=', assignedAt), eb('roles.id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const kept = rows.slice(0, count);
      const last = kept.at(-1);
      return {
        items: kept.map(toRole),
        total: Number(total.count),
        ...(rows.length > count && last ? { nextPageToken: encodePageToken([Number(last.assigned_at), last.id]) } : {}),
      };
    },
    async holders(roleId, { pageToken, count }) {
      const query = db
        .selectFrom('role_assignments')
        .innerJoin('identities', 'identities.id', 'role_assignments.identity_id')
        .where('role_assignments.role_id', '=', roleId)
        .where('identities.kind', 'in', ['user', 'app']);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = query
        .select(['role_assignments.identity_id', 'role_assignments.created_at', 'identities.kind'])
        .orderBy('role_assignments.created_at')
        .orderBy('role_assignments.identity_id')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [assignedAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('role_assignments.created_at', '>', assignedAt),
            eb.and([eb('role_assignments.created_at', '=', assignedAt), eb('role_assignments.identity_id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const kept = rows.slice(0, count);
      const last = kept.at(-1);
      return {
        items: kept.map((row) => ({ identityId: row.identity_id, kind: row.kind as 'user' | 'app' })),
        total: Number(total.count),
        ...(rows.length > count && last
          ? { nextPageToken: encodePageToken([Number(last.created_at), last.identity_id]) }
          : {}),
      };
    },
    async holds(roleId, identityId) {
      const row = await db
        .selectFrom('role_assignments')
        .select('role_id')
        .where('role_id', '=', roleId)
        .where('identity_id', '=', identityId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async countRolesOf(identityId) {
      const row = await db
        .selectFrom('role_assignments')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('identity_id', '=', identityId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async roleNamesOf(identityIds) {
      const names = new Map<string, string[]>();
      if (identityIds.length === 0) return names;
      const rows = await db
        .selectFrom('role_assignments')
        .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
        .select(['role_assignments.identity_id', 'roles.name'])
        .where('role_assignments.identity_id', 'in', [...identityIds])
        .orderBy('role_assignments.created_at')
        .orderBy('roles.id')
        .execute();
      for (const row of rows) {
        const held = names.get(row.identity_id) ?? [];
        if (!held.includes(row.name)) held.push(row.name);
        names.set(row.identity_id, held);
      }
      return names;
    },
  };
}

function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    realm: row.realm_id,
    name: row.name,
    resourceHrn: row.resource_hrn,
    createdAt: Number(row.created_at),
  };
}
