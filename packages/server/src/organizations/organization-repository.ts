import type { Kysely } from 'kysely';
import { rethrowConflict } from '../errors/storage-errors.js';
import type { Database, OrganizationRow } from '../storage/tables.js';

/** An organization (HERE "realm"). Its id is unique case-insensitively and kept as typed. */
export interface Organization {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface OrganizationRepository {
  /** Case-insensitive lookup; `undefined` when absent. */
  findById(id: string): Promise<Organization | undefined>;
  /** @throws ConflictError when the id is taken (in any letter case). */
  insert(organization: Organization): Promise<void>;
  /** Whether at least one organization exists (first-start set-up). */
  any(): Promise<boolean>;
}

export function createOrganizationRepository(db: Kysely<Database>): OrganizationRepository {
  return {
    async findById(id) {
      const row = await db
        .selectFrom('organizations')
        .selectAll()
        .where('id_normalized', '=', id.toLowerCase())
        .executeTakeFirst();
      return row && toOrganization(row);
    },
    async insert(organization) {
      await rethrowConflict(() =>
        db
          .insertInto('organizations')
          .values({
            id: organization.id,
            id_normalized: organization.id.toLowerCase(),
            name: organization.name,
            created_at: organization.createdAt,
            updated_at: organization.updatedAt,
          })
          .execute(),
      );
    },
    async any() {
      const row = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
}
