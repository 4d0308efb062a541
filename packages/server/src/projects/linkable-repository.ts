import type { Kysely } from 'kysely';
import type { Database } from '../storage/tables.js';

/** A resource made linkable to a project (`projectId`) or to its whole organization (no `projectId`). */
export interface LinkableRecord {
  resourceHrn: string;
  /** The project or realm HRN it is linkable to. */
  target: string;
  realm: string;
  projectId?: string;
  allowedActions: string[];
  createdAt: number;
  updatedAt: number;
}

export interface LinkableRepository {
  /** false when the resource already is linkable to that target. */
  insert(record: LinkableRecord): Promise<boolean>;
  /** Linkabilities of a resource, or only the one to `target`. */
  list(resourceHrn: string, target?: string): Promise<LinkableRecord[]>;
  /** Linkabilities of a resource that let it be linked into the project: to it, or to the organization. */
  forProject(resourceHrn: string, targets: readonly string[]): Promise<LinkableRecord[]>;
  update(resourceHrn: string, target: string, allowedActions: readonly string[], now: number): Promise<boolean>;
  delete(resourceHrn: string, target: string): Promise<boolean>;
}

export function createLinkableRepository(db: Kysely<Database>): LinkableRepository {
  return {
    async insert(record) {
      const inserted = await db
        .insertInto('resource_linkables')
        .values({
          resource_hrn: record.resourceHrn,
          target: record.target,
          realm_id: record.realm,
          project_id: record.projectId ?? null,
          allowed_actions: JSON.stringify(record.allowedActions),
          created_at: record.createdAt,
          updated_at: record.updatedAt,
        })
        .onConflict((conflict) => conflict.columns(['resource_hrn', 'target']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async list(resourceHrn, target) {
      let query = db.selectFrom('resource_linkables').selectAll().where('resource_hrn', '=', resourceHrn);
      if (target !== undefined) query = query.where('target', '=', target);
      return (await query.orderBy('created_at').orderBy('target').execute()).map(toRecord);
    },
    async forProject(resourceHrn, targets) {
      if (targets.length === 0) return [];
      const rows = await db
        .selectFrom('resource_linkables')
        .selectAll()
        .where('resource_hrn', '=', resourceHrn)
        .where('target', 'in', targets)
        .execute();
      return rows.map(toRecord);
    },
    async update(resourceHrn, target, allowedActions, now) {
      const updated = await db
        .updateTable('resource_linkables')
        .set({ allowed_actions: JSON.stringify(allowedActions), updated_at: now })
        .where('resource_hrn', '=', resourceHrn)
        .where('target', '=', target)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0;
    },
    async delete(resourceHrn, target) {
      const deleted = await db
        .deleteFrom('resource_linkables')
        .where('resource_hrn', '=', resourceHrn)
        .where('target', '=', target)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    },
  };
}

function toRecord(row: Database['resource_linkables']): LinkableRecord {
  return {
    resourceHrn: row.resource_hrn,
    target: row.target,
    realm: row.realm_id,
    ...(row.project_id !== null ? { projectId: row.project_id } : {}),
    allowedActions: JSON.parse(row.allowed_actions) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
