import { type Kysely, sql } from 'kysely';
import type { Database } from '../storage/tables.js';

export interface AttemptReservation {
  /** Attempts counted in the current period, this one included. */
  attempts: number;
  /** When the lock ends, if sign-in is locked. */
  lockedUntil?: number;
}

export interface SignInGuardRepository {
  /**
   * Atomically counts one more sign-in attempt under `key` before the password is checked. A lock that has run out
   * starts a new period. Concurrent callers each receive a distinct `attempts` value, so of many parallel attempts
   * exactly `max` can have a number not above `max`.
   */
  reserveAttempt(key: string, now: number): Promise<AttemptReservation>;
  /** Locks sign-in under `key` until `until`, unless a lock is already set. */
  lock(key: string, until: number, now: number): Promise<void>;
  /** Forgets the attempts under `key` (successful sign-in, completed password reset). */
  clear(key: string): Promise<void>;
}

export function createSignInGuardRepository(db: Kysely<Database>): SignInGuardRepository {
  return {
    async reserveAttempt(key, now) {
      const lockOver = sql<boolean>`sign_in_guards.locked_until IS NOT NULL AND sign_in_guards.locked_until <= ${now}`;
      const row = await db
        .insertInto('sign_in_guards')
        .values({ key, attempts: 1, locked_until: null, updated_at: now })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            attempts: sql`CASE WHEN ${lockOver} THEN 1 ELSE sign_in_guards.attempts + 1 END`,
            locked_until: sql`CASE WHEN ${lockOver} THEN NULL ELSE sign_in_guards.locked_until END`,
            updated_at: now,
          }),
        )
        .returning(['attempts', 'locked_until'])
        .executeTakeFirstOrThrow();
      return {
        attempts: Number(row.attempts),
        ...(row.locked_until !== null ? { lockedUntil: Number(row.locked_until) } : {}),
      };
    },
    async lock(key, until, now) {
      await db
        .updateTable('sign_in_guards')
        .set({ locked_until: until, updated_at: now })
        .where('key', '=', key)
        .where('locked_until', 'is', null)
        .execute();
    },
    async clear(key) {
      await db.deleteFrom('sign_in_guards').where('key', '=', key).execute();
    },
  };
}
