import type { Kysely } from 'kysely';
import type { AccessFilterStatement } from '../authz/access-filters.js';
import type { AuthzChange } from '../authz/authz-versions.js';
import type { AccessFilterRow, Database } from '../storage/tables.js';

/** A custom access filter of an organization: a permission boundary made of prioritized statements. */
export interface AccessFilter {
  id: string;
  realm: string;
  name: string;
  statements: AccessFilterStatement[];
  createdAt: number;
  updatedAt: number;
}

export type FilterTargetKind = 'identity' | 'realm' | 'role' | 'project';

export interface FilterAttachment {
  filterId: string;
  realm: string;
  targetKind: FilterTargetKind;
  targetId: string;
  expiresAt?: number;
  createdAt: number;
}

export interface FilterRepository {
  insert(filter: AccessFilter): Promise<void>;
  update(filter: AccessFilter): Promise<void>;
  /** Deletes the filter and, by cascade, its attachments. */
  delete(filter: AccessFilter): Promise<void>;
  find(id: string): Promise<AccessFilter | undefined>;
  list(realm: string): Promise<AccessFilter[]>;
  count(realm: string): Promise<number>;
  /** Attaches a filter or renews the expiry of an existing attachment. */
  attach(attachment: FilterAttachment): Promise<void>;
  /** False when the filter was not attached to the target. */
  detach(filterId: string, targetKind: FilterTargetKind, targetId: string): Promise<boolean>;
  /** Replaces whatever filter is attached to the whole organization (HERE allows one). */
  replaceRealmFilter(realm: string, filterId: string, now: number): Promise<void>;
  attachmentsOf(targetKind: FilterTargetKind, targetId: string): Promise<FilterAttachment[]>;
  attachmentsOfFilter(filterId: string): Promise<FilterAttachment[]>;
}

const toFilter = (row: AccessFilterRow): AccessFilter => ({
  id: row.id,
  realm: row.realm_id,
  name: row.name,
  statements: JSON.parse(row.statements) as AccessFilterStatement[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toAttachment = (row: {
  filter_id: string;
  realm_id: string;
  target_kind: FilterTargetKind;
  target_id: string;
  expires_at: number | null;
  created_at: number;
}): FilterAttachment => ({
  filterId: row.filter_id,
  realm: row.realm_id,
  targetKind: row.target_kind,
  targetId: row.target_id,
  ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  createdAt: row.created_at,
});

export function createFilterRepository(db: Kysely<Database>, changed: AuthzChange): FilterRepository {
  return {
    async insert(filter) {
      await db
        .insertInto('access_filters')
        .values({
          id: filter.id,
          realm_id: filter.realm,
          name: filter.name,
          statements: JSON.stringify(filter.statements),
          created_at: filter.createdAt,
          updated_at: filter.updatedAt,
        })
        .execute();
    },
    async update(filter) {
      await db
        .updateTable('access_filters')
        .set({ name: filter.name, statements: JSON.stringify(filter.statements), updated_at: filter.updatedAt })
        .where('id', '=', filter.id)
        .execute();
      changed(filter.realm);
    },
    async delete(filter) {
      await db.deleteFrom('access_filter_attachments').where('filter_id', '=', filter.id).execute();
      await db.deleteFrom('access_filters').where('id', '=', filter.id).execute();
      changed(filter.realm);
    },
    async find(id) {
      const row = await db.selectFrom('access_filters').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFilter(row);
    },
    async list(realm) {
      const rows = await db
        .selectFrom('access_filters')
        .selectAll()
        .where('realm_id', '=', realm)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toFilter);
    },
    async count(realm) {
      const row = await db
        .selectFrom('access_filters')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('realm_id', '=', realm)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async attach(attachment) {
      await db
        .insertInto('access_filter_attachments')
        .values({
          filter_id: attachment.filterId,
          realm_id: attachment.realm,
          target_kind: attachment.targetKind,
          target_id: attachment.targetId,
          expires_at: attachment.expiresAt ?? null,
          created_at: attachment.createdAt,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['filter_id', 'target_kind', 'target_id'])
            .doUpdateSet({ expires_at: attachment.expiresAt ?? null }),
        )
        .execute();
      changed(attachment.realm);
    },
    async detach(filterId, targetKind, targetId) {
      const row = await db
        .deleteFrom('access_filter_attachments')
        .where('filter_id', '=', filterId)
        .where('target_kind', '=', targetKind)
        .where('target_id', '=', targetId)
        .returning('realm_id')
        .executeTakeFirst();
      if (row) changed(row.realm_id);
      return row !== undefined;
    },
    async replaceRealmFilter(realm, filterId, now) {
      await db
        .deleteFrom('access_filter_attachments')
        .where('target_kind', '=', 'realm')
        .where('target_id', '=', realm)
        .execute();
      await db
        .insertInto('access_filter_attachments')
        .values({
          filter_id: filterId,
          realm_id: realm,
          target_kind: 'realm',
          target_id: realm,
          expires_at: null,
          created_at: now,
        })
        .execute();
      changed(realm);
    },
    async attachmentsOf(targetKind, targetId) {
      const rows = await db
        .selectFrom('access_filter_attachments')
        .selectAll()
        .where('target_kind', '=', targetKind)
        .where('target_id', '=', targetId)
        .orderBy('created_at')
        .orderBy('filter_id')
        .execute();
      return rows.map(toAttachment);
    },
    async attachmentsOfFilter(filterId) {
      const rows = await db
        .selectFrom('access_filter_attachments')
        .selectAll()
        .where('filter_id', '=', filterId)
        .orderBy('created_at')
        .orderBy('target_id')
        .execute();
      return rows.map(toAttachment);
    },
  };
}
