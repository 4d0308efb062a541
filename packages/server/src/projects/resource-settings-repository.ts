import type { Kysely } from 'kysely';
import type { Database } from '../storage/tables.js';

/** The settings of a registered resource (HERE's `ResourceSetting`): who may make it linkable. */
export interface ResourceSettingsRecord {
  resourceHrn: string;
  realm: string;
  authorizedTo: 'requiredToMakeLinkable' | 'realm';
  /** Actions a caller must hold on the resource to make it linkable; empty for `realm`. */
  requiredActions: string[];
  updatedAt: number;
}

export interface ResourceSettingsRepository {
  find(resourceHrn: string): Promise<ResourceSettingsRecord | undefined>;
  /** Inserts or replaces the settings of a resource. */
  save(record: ResourceSettingsRecord): Promise<void>;
}

export function createResourceSettingsRepository(db: Kysely<Database>): ResourceSettingsRepository {
  return {
    async find(resourceHrn) {
      const row = await db
        .selectFrom('resource_settings')
        .selectAll()
        .where('resource_hrn', '=', resourceHrn)
        .executeTakeFirst();
      return (
        row && {
          resourceHrn: row.resource_hrn,
          realm: row.realm_id,
          authorizedTo: row.authorized_to,
          requiredActions: JSON.parse(row.required_actions) as string[],
          updatedAt: Number(row.updated_at),
        }
      );
    },
    async save(record) {
      const values = {
        authorized_to: record.authorizedTo,
        required_actions: JSON.stringify(record.requiredActions),
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('resource_settings')
        .values({ resource_hrn: record.resourceHrn, realm_id: record.realm, ...values })
        .onConflict((conflict) => conflict.column('resource_hrn').doUpdateSet(values))
        .execute();
    },
  };
}
