import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { prefixedUuid } from '../crypto/random.js';
import type { Database, PermissionRow } from '../storage/tables.js';

export type Effect = 'allow' | 'deny';

export interface Permission {
  id: string;
  realm: string;
  identityId: string;
  identityKind: 'user' | 'app' | 'group';
  action: string;
  resourceHrn: string;
  effect: Effect;
  createdAt: number;
}

export interface PermissionRepository {
  /** Grants a permission; false when the identity already had it. */
  grant(permission: Omit<Permission, 'id' | 'identityKind'>): Promise<boolean>;
  /** Removes one permission; false when there was none. */
  revoke(identityId: string, resourceHrn: string, action: string, effect?: Effect): Promise<boolean>;
  /** Every permission of the identity on the resource (HERE's DELETE /permissions). */
  revokeAllOfIdentityOn(identityId: string, resourceHrn: string): Promise<number>;
  /** Every permission on a resource that is being deleted. */
  revokeAllOn(resourceHrn: string): Promise<number>;
  /** Permissions held directly on exactly `resourceHrn`, by identity then action. */
  listOn(resourceHrn: string): Promise<Permission[]>;
  /** Permissions held by these identities whose resource starts with `resourcePrefix`. */
  listFor(identityIds: readonly string[], resourcePrefix?: string): Promise<Permission[]>;
  /** Identities holding `action` (allow) on exactly `resourceHrn`. */
  holders(resourceHrn: string, action: string): Promise<string[]>;
  /** How many permissions an identity holds directly (MaxPermissionsPerEntity). */
  countFor(identityId: string): Promise<number>;
  /** Any identity (user, app or group) by id, with its organization. */
  findIdentity(identityId: string): Promise<IdentityRef | undefined>;
  /** Name and description of a group, for the authorization information APIs. */
  groupInfo(groupId: string): Promise<{ id: string; realm: string; name: string; description?: string } | undefined>;
}

export interface IdentityRef {
  id: string;
  realm: string;
  kind: 'user' | 'app' | 'group';
}

export function createPermissionRepository(db: Kysely<Database>, changed: AuthzChange): PermissionRepository {
  const realmOfIdentity = async (identityId: string) =>
    (await db.selectFrom('identities').select('realm_id').where('id', '=', identityId).executeTakeFirst())?.realm_id;
  const select = () =>
    db
      .selectFrom('permissions')
      .innerJoin('identities', 'identities.id', 'permissions.identity_id')
      .selectAll('permissions')
      .select('identities.kind as identity_kind');
  return {
    async grant(permission) {
      const result = await db
        .insertInto('permissions')
        .values({
          id: prefixedUuid('PERM'),
          realm_id: permission.realm,
          identity_id: permission.identityId,
          action: permission.action,
          resource_hrn: permission.resourceHrn,
          effect: permission.effect,
          created_at: permission.createdAt,
        })
        .onConflict((conflict) => conflict.columns(['identity_id', 'resource_hrn', 'action', 'effect']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(permission.realm);
      return added;
    },
    async revoke(identityId, resourceHrn, action, effect) {
      let query = db
        .deleteFrom('permissions')
        .where('identity_id', '=', identityId)
        .where('resource_hrn', '=', resourceHrn)
        .where('action', '=', action);
      if (effect !== undefined) query = query.where('effect', '=', effect);
      const result = await query.executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(await realmOfIdentity(identityId));
      return removed;
    },
    async revokeAllOfIdentityOn(identityId, resourceHrn) {
      const result = await db
        .deleteFrom('permissions')
        .where('identity_id', '=', identityId)
        .where('resource_hrn', '=', resourceHrn)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows);
      if (removed > 0) changed(await realmOfIdentity(identityId));
      return removed;
    },
    async revokeAllOn(resourceHrn) {
      const result = await db.deleteFrom('permissions').where('resource_hrn', '=', resourceHrn).executeTakeFirst();
      const removed = Number(result.numDeletedRows);
      if (removed > 0) changed();
      return removed;
    },
    async listOn(resourceHrn) {
      const rows = await select()
        .where('permissions.resource_hrn', '=', resourceHrn)
        .orderBy('permissions.identity_id')
        .orderBy('permissions.action')
        .execute();
      return rows.map(toPermission);
    },
    async listFor(identityIds, resourcePrefix) {
      if (identityIds.length === 0) return [];
      let query = select().where('permissions.identity_id', 'in', [...identityIds]);
      if (resourcePrefix !== undefined) {
        const pattern = `${resourcePrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
        query = query.where((eb) => eb('permissions.resource_hrn', 'like', eb.val(pattern)));
      }
      const rows = await query.orderBy('permissions.created_at').execute();
      return rows.map(toPermission);
    },
    async holders(resourceHrn, action) {
      const rows = await db
        .selectFrom('permissions')
        .select('identity_id')
        .where('resource_hrn', '=', resourceHrn)
        .where('action', '=', action)
        .where('effect', '=', 'allow')
        .execute();
      return rows.map((row) => row.identity_id);
    },
    async countFor(identityId) {
      const row = await db
        .selectFrom('permissions')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('identity_id', '=', identityId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async findIdentity(identityId) {
      const row = await db
        .selectFrom('identities')
        .select(['id', 'realm_id', 'kind'])
        .where('id', '=', identityId)
        .executeTakeFirst();
      return row && { id: row.id, realm: row.realm_id, kind: row.kind };
    },
    async groupInfo(groupId) {
      const row = await db
        .selectFrom('groups')
        .select(['id', 'realm_id', 'name', 'description'])
        .where('id', '=', groupId)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          realm: row.realm_id,
          name: row.name,
          ...(row.description !== null ? { description: row.description } : {}),
        }
      );
    },
  };
}

function toPermission(row: PermissionRow & { identity_kind: 'user' | 'app' | 'group' }): Permission {
  return {
    id: row.id,
    realm: row.realm_id,
    identityId: row.identity_id,
    identityKind: row.identity_kind,
    action: row.action,
    resourceHrn: row.resource_hrn,
    effect: row.effect,
    createdAt: row.created_at,
  };
}
