import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { decodePageToken, encodePageToken, type Page } from '../storage/pagination.js';
import type { Database, GroupRow } from '../storage/tables.js';
import { containsIgnoringCase } from '../storage/text-search.js';

export interface Group {
  id: string;
  realm: string;
  name: string;
  description?: string;
  createdAt: number;
  updatedAt: number;
}

/** A direct member of a group: a user or an app. */
export interface GroupMembership {
  memberId: string;
  kind: 'user' | 'app';
  createdAt: number;
}

export interface GroupListOptions {
  /** Searches id, name and description, case-insensitively. */
  q?: string | undefined;
  /** Only groups this identity is a direct member of. */
  memberId?: string | undefined;
  /** Only these groups. */
  ids?: readonly string[] | undefined;
  pageToken?: string | undefined;
  count: number;
}

export interface GroupRepository {
  /** Inserts the group and its identity row; call it inside a transaction. */
  insert(group: Group): Promise<void>;
  findById(id: string): Promise<Group | undefined>;
  update(id: string, changes: { name: string; description?: string | undefined }, now: number): Promise<void>;
  /**
   * Deletes the group with everything that points at it: memberships, the permissions it holds and those on it, the
   * roles scoped to it (its GroupAdmin) with their assignments, and its policy and filter attachments.
   */
  delete(group: Group, groupHrn: string): Promise<void>;
  /** Groups of an organization in creation order. Page tokens are opaque. */
  list(realm: string, options: GroupListOptions): Promise<Page<Group>>;
  /** Adds a member; false when it already was one. */
  addMember(groupId: string, memberId: string, now: number): Promise<boolean>;
  /** Removes a member; false when it was not one. */
  removeMember(groupId: string, memberId: string): Promise<boolean>;
  isMember(groupId: string, memberId: string): Promise<boolean>;
  countMembers(groupId: string): Promise<number>;
  /** How many groups an identity is a direct member of. */
  countGroupsOf(memberId: string): Promise<number>;
  /** Direct members in order of joining. Page tokens are opaque. */
  listMembers(
    groupId: string,
    options: { kind?: 'user' | 'app' | undefined; pageToken?: string | undefined; count: number },
  ): Promise<Page<GroupMembership>>;
}

export function createGroupRepository(db: Kysely<Database>, changed: AuthzChange): GroupRepository {
  const realmOfGroup = async (groupId: string) =>
    (await db.selectFrom('groups').select('realm_id').where('id', '=', groupId).executeTakeFirst())?.realm_id;

  return {
    async insert(group) {
      await db
        .insertInto('identities')
        .values({ id: group.id, realm_id: group.realm, kind: 'group', created_at: group.createdAt })
        .execute();
      await db
        .insertInto('groups')
        .values({
          id: group.id,
          realm_id: group.realm,
          name: group.name,
          description: group.description ?? null,
          created_at: group.createdAt,
          updated_at: group.updatedAt,
        })
        .execute();
      changed(group.realm);
    },
    async findById(id) {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGroup(row);
    },
    async update(id, { name, description }, now) {
      await db
        .updateTable('groups')
        .set({ name, ...(description !== undefined ? { description } : {}), updated_at: now })
        .where('id', '=', id)
        .execute();
      changed(await realmOfGroup(id));
    },
    async delete(group, groupHrn) {
      await db.deleteFrom('roles').where('resource_hrn', '=', groupHrn).where('realm_id', '=', group.realm).execute();
      await db.deleteFrom('permissions').where('resource_hrn', '=', groupHrn).execute();
      await db
        .deleteFrom('policy_attachments')
        .where('target_kind', '=', 'identity')
        .where('target_id', '=', group.id)
        .execute();
      await db
        .deleteFrom('access_filter_attachments')
        .where('target_kind', '=', 'identity')
        .where('target_id', '=', group.id)
        .execute();
      // The identity row cascades to the group, its memberships and the permissions it holds.
      await db.deleteFrom('identities').where('id', '=', group.id).where('kind', '=', 'group').execute();
      changed(group.realm);
    },
    async list(realm, { q, memberId, ids, pageToken, count }) {
      if (ids !== undefined && ids.length === 0) return { items: [], total: 0 };
      let query = db.selectFrom('groups').where('groups.realm_id', '=', realm);
      if (ids !== undefined) query = query.where('groups.id', 'in', [...ids]);
      if (memberId !== undefined) {
        query = query.where('groups.id', 'in', (eb) =>
          eb
            .selectFrom('group_members')
            .select('group_members.group_id')
            .where('group_members.member_id', '=', memberId),
        );
      }
      if (q !== undefined && q !== '') {
        const contains = containsIgnoringCase(q);
        query = query.where((eb) =>
          eb.or([contains('groups.id'), contains('groups.name'), contains('groups.description')]),
        );
      }
      const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = query
        .selectAll('groups')
        .orderBy('groups.created_at')
        .orderBy('groups.id')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('groups.created_at', '>', createdAt),
            eb.and([eb('groups.created_at', '=', createdAt), eb('groups.id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const items = rows.slice(0, count).map(toGroup);
      const last = items.at(-1);
      return {
        items,
        total: Number(total.count),
        ...(rows.length > count && last ? { nextPageToken: encodePageToken([last.createdAt, last.id]) } : {}),
      };
    },
    async addMember(groupId, memberId, now) {
      const result = await db
        .insertInto('group_members')
        .values({ group_id: groupId, member_id: memberId, created_at: now })
        .onConflict((conflict) => conflict.columns(['group_id', 'member_id']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(await realmOfGroup(groupId));
      return added;
    },
    async removeMember(groupId, memberId) {
      const result = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(await realmOfGroup(groupId));
      return removed;
    },
    async isMember(groupId, memberId) {
      const row = await db
        .selectFrom('group_members')
        .select('member_id')
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async countMembers(groupId) {
      const row = await db
        .selectFrom('group_members')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('group_id', '=', groupId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async countGroupsOf(memberId) {
      const row = await db
        .selectFrom('group_members')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('member_id', '=', memberId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async listMembers(groupId, { kind, pageToken, count }) {
      const query = db
        .selectFrom('group_members')
        .innerJoin('identities', 'identities.id', 'group_members.member_id')
        .where('group_members.group_id', '=', groupId)
        .where('identities.kind', 'in', kind ? [kind] : ['user', 'app']);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = query
        .select(['group_members.member_id', 'group_members.created_at', 'identities.kind'])
        .orderBy('group_members.created_at')
        .orderBy('group_members.member_id')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('group_members.created_at', '>', createdAt),
            eb.and([eb('group_members.created_at', '=', createdAt), eb('group_members.member_id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const items = rows.slice(0, count).map((row) => ({
        memberId: row.member_id,
        kind: row.kind as 'user' | 'app',
        createdAt: Number(row.created_at),
      }));
      const last = items.at(-1);
      return {
        items,
        total: Number(total.count),
        ...(rows.length > count && last ? { nextPageToken: encodePageToken([last.createdAt, last.memberId]) } : {}),
      };
    },
  };
}

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    realm: row.realm_id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
