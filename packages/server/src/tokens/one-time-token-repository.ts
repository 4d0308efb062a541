import type { Kysely } from 'kysely';
import type { Database, OneTimeTokenPurpose } from '../storage/tables.js';

export interface OneTimeToken {
  tokenHash: string;
  purpose: OneTimeTokenPurpose;
  userId?: string;
  createdAt: number;
  expiresAt: number;
}

export interface OneTimeTokenRepository {
  insert(token: OneTimeToken): Promise<void>;
  /** The live (unconsumed, unexpired) token with this hash and purpose, without consuming it. */
  peek(tokenHash: string, purpose: OneTimeTokenPurpose, now: number): Promise<OneTimeToken | undefined>;
  /**
   * Marks a live token consumed and returns it. Of several concurrent callers exactly one receives it; the others,
   * and every later caller, receive `undefined` (single-use links).
   */
  consumeOnce(tokenHash: string, purpose: OneTimeTokenPurpose, now: number): Promise<OneTimeToken | undefined>;
  /** Consumes every live token of a user for a purpose (a new link replaces the older ones). */
  invalidateForUser(userId: string, purpose: OneTimeTokenPurpose, now: number): Promise<void>;
  invalidatePurpose(purpose: OneTimeTokenPurpose, now: number): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

export function createOneTimeTokenRepository(db: Kysely<Database>): OneTimeTokenRepository {
  const toToken = (row: {
    token_hash: string;
    purpose: OneTimeTokenPurpose;
    user_id: string | null;
    created_at: number;
    expires_at: number;
  }): OneTimeToken => ({
    tokenHash: row.token_hash,
    purpose: row.purpose,
    ...(row.user_id !== null ? { userId: row.user_id } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  });
  return {
    async insert(token) {
      await db
        .insertInto('one_time_tokens')
        .values({
          token_hash: token.tokenHash,
          purpose: token.purpose,
          user_id: token.userId ?? null,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          consumed_at: null,
        })
        .execute();
    },
    async peek(tokenHash, purpose, now) {
      const row = await db
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toToken(row);
    },
    async consumeOnce(tokenHash, purpose, now) {
      const row = await db
        .updateTable('one_time_tokens')
        .set({ consumed_at: now })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row && toToken(row);
    },
    async invalidateForUser(userId, purpose, now) {
      await db
        .updateTable('one_time_tokens')
        .set({ consumed_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .execute();
    },
    async invalidatePurpose(purpose, now) {
      await db
        .updateTable('one_time_tokens')
        .set({ consumed_at: now })
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .execute();
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('one_time_tokens').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
