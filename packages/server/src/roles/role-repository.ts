import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { prefixedUuid } from '../crypto/random.js';
import type { Database, RoleRow } from '../storage/tables.js';

export interface Role {
  id: string;
  realm: string;
  name: string;
  /** The realm, group or project HRN the role is scoped to. */
  resourceHrn: string;
  createdAt: number;
}

export interface RoleRepository {
  /** The role `name` on `resourceHrn`, created if missing; safe when several callers race. */
  ensure(realm: string, name: string, resourceHrn: string, now: number): Promise<Role>;
  findById(id: string): Promise<Role | undefined>;
  findByName(realm: string, name: string, resourceHrn: string): Promise<Role | undefined>;
  /** Gives the role to an identity; false when it already had it. */
  assign(roleId: string, identityId: string, now: number): Promise<boolean>;
  /** Takes the role from an identity; false when it did not have it. */
  unassign(roleId: string, identityId: string): Promise<boolean>;
  /** The roles an identity holds, in order of assignment. */
  rolesOf(identityId: string): Promise<Role[]>;
  /** How many enabled users hold the role. */
  countEnabledUsers(roleId: string): Promise<number>;
}

export function createRoleRepository(db: Kysely<Database>, changed: AuthzChange): RoleRepository {
  const realmOf = async (roleId: string) =>
    (await db.selectFrom('roles').select('realm_id').where('id', '=', roleId).executeTakeFirst())?.realm_id;
  const findByName = async (realm: string, name: string, resourceHrn: string) => {
    const row = await db
      .selectFrom('roles')
      .selectAll()
      .where('realm_id', '=', realm)
      .where('name', '=', name)
      .where('resource_hrn', '=', resourceHrn)
      .executeTakeFirst();
    return row && toRole(row);
  };
  return {
    findByName,
    async ensure(realm, name, resourceHrn, now) {
      await db
        .insertInto('roles')
        .values({ id: prefixedUuid('ROLE'), realm_id: realm, name, resource_hrn: resourceHrn, created_at: now })
        .onConflict((conflict) => conflict.columns(['realm_id', 'name', 'resource_hrn']).doNothing())
        .execute();
      const role = await findByName(realm, name, resourceHrn);
      if (!role) throw new Error(`Role ${name} on ${resourceHrn} vanished after insert.`);
      return role;
    },
    async findById(id) {
      const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRole(row);
    },
    async assign(roleId, identityId, now) {
      const result = await db
        .insertInto('role_assignments')
        .values({ role_id: roleId, identity_id: identityId, created_at: now })
        .onConflict((conflict) => conflict.columns(['role_id', 'identity_id']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(await realmOf(roleId));
      return added;
    },
    async unassign(roleId, identityId) {
      const result = await db
        .deleteFrom('role_assignments')
        .where('role_id', '=', roleId)
        .where('identity_id', '=', identityId)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(await realmOf(roleId));
      return removed;
    },
    async rolesOf(identityId) {
      const rows = await db
        .selectFrom('role_assignments')
        .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
        .selectAll('roles')
        .where('role_assignments.identity_id', '=', identityId)
        .orderBy('role_assignments.created_at')
        .orderBy('roles.id')
        .execute();
      return rows.map(toRole);
    },
    async countEnabledUsers(roleId) {
      const row = await db
        .selectFrom('role_assignments')
        .innerJoin('users', 'users.id', 'role_assignments.identity_id')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('role_assignments.role_id', '=', roleId)
        .where('users.state', '=', 'enabled')
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}

function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    realm: row.realm_id,
    name: row.name,
    resourceHrn: row.resource_hrn,
    createdAt: row.created_at,
  };
}
