import type { Kysely } from 'kysely';
import type { Database, SigningKeyRow } from '../storage/tables.js';

export interface SigningKeyRepository {
  /** Keys still published (not expired at `now`), newest first. */
  findPublished(now: number): Promise<SigningKeyRow[]>;
  insert(row: SigningKeyRow): Promise<void>;
  /** Stops signing with every key but `keepKid` and schedules their unpublishing at `expiresAt`. */
  retireAllExcept(keepKid: string, now: number, expiresAt: number): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

export function createSigningKeyRepository(db: Kysely<Database>): SigningKeyRepository {
  return {
    findPublished: (now) =>
      db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .execute(),
    async insert(row) {
      await db.insertInto('signing_keys').values(row).execute();
    },
    async retireAllExcept(keepKid, now, expiresAt) {
      await db
        .updateTable('signing_keys')
        .set({ retired_at: now, expires_at: expiresAt })
        .where('kid', '!=', keepKid)
        .where('retired_at', 'is', null)
        .execute();
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('signing_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
