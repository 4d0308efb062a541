import type { Kysely } from 'kysely';
import type { CredentialChange } from '../authz/authz-versions.js';
import type { Database, SessionRow } from '../storage/tables.js';

export interface Session {
  id: string;
  userId: string;
  clientId?: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  /** Project HRN the session's access tokens are scoped to. */
  scope?: string;
}

/** What presenting a refresh token found. */
export type RefreshOutcome =
  | { outcome: 'rotated'; session: Session }
  /** The token was already used: someone replays it, so the whole session must end. */
  | { outcome: 'reused'; sessionId: string }
  | { outcome: 'unknown' };

export interface SessionRepository {
  /** Creates a session with its first refresh token (stored as a hash). */
  create(session: Session, refreshTokenHash: string): Promise<void>;
  findById(id: string): Promise<Session | undefined>;
  /**
   * Consumes a refresh token: exactly one of several concurrent callers gets `rotated` for a live token; the
   * others, and any later caller, get `reused`. Tokens of revoked or expired sessions are `unknown`.
   */
  consumeRefreshToken(tokenHash: string, now: number): Promise<RefreshOutcome>;
  addRefreshToken(sessionId: string, tokenHash: string, now: number): Promise<void>;
  /** The live session of an unused refresh token, without consuming it (introspection, revocation). */
  findByRefreshToken(tokenHash: string, now: number): Promise<Session | undefined>;
  revoke(sessionId: string, now: number): Promise<void>;
  /** Changes the project scope of the session's next access tokens (a refresh that asked for another scope). */
  setScope(sessionId: string, scope: string | undefined): Promise<void>;
  /** Revokes every live session of a user except `keepSessionId`. */
  revokeAllOfUser(userId: string, now: number, keepSessionId?: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

/** `changed` hears of ended sessions: their tokens must stop working (cached principals of the organization). */
export function createSessionRepository(db: Kysely<Database>, changed: CredentialChange): SessionRepository {
  const findById = async (id: string) => {
    const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  };
  const sessionsEnded = async (ended: { user_id: string }[]) => {
    const userId = ended[0]?.user_id;
    if (userId === undefined) return;
    const user = await db.selectFrom('users').select('realm_id').where('id', '=', userId).executeTakeFirst();
    if (user) changed(user.realm_id);
  };
  return {
    findById,
    async setScope(sessionId, scope) {
      await db
        .updateTable('sessions')
        .set({ scope: scope ?? null })
        .where('id', '=', sessionId)
        .execute();
    },
    async create(session, refreshTokenHash) {
      await db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          client_id: session.clientId ?? null,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          revoked_at: null,
          scope: session.scope ?? null,
        })
        .execute();
      await db
        .insertInto('refresh_tokens')
        .values({ token_hash: refreshTokenHash, session_id: session.id, created_at: session.createdAt, used_at: null })
        .execute();
    },
    async consumeRefreshToken(tokenHash, now) {
      // The conditional UPDATE is the single-use guarantee: SQLite has one writer, and PostgreSQL re-checks
      // `used_at IS NULL` after waiting for a concurrent update of the same row.
      const consumed = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .returning('session_id')
        .executeTakeFirst();
      const sessionId =
        consumed?.session_id ??
        (
          await db
            .selectFrom('refresh_tokens')
            .select('session_id')
            .where('token_hash', '=', tokenHash)
            .executeTakeFirst()
        )?.session_id;
      if (sessionId === undefined) return { outcome: 'unknown' };
      const session = await findById(sessionId);
      if (!session || session.revokedAt !== undefined || session.expiresAt <= now) return { outcome: 'unknown' };
      return consumed ? { outcome: 'rotated', session } : { outcome: 'reused', sessionId };
    },
    async addRefreshToken(sessionId, tokenHash, now) {
      await db
        .insertInto('refresh_tokens')
        .values({ token_hash: tokenHash, session_id: sessionId, created_at: now, used_at: null })
        .execute();
    },
    async findByRefreshToken(tokenHash, now) {
      const row = await db
        .selectFrom('refresh_tokens')
        .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
        .selectAll('sessions')
        .where('refresh_tokens.token_hash', '=', tokenHash)
        .where('refresh_tokens.used_at', 'is', null)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async revoke(sessionId, now) {
      const ended = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .returning('user_id')
        .execute();
      await sessionsEnded(ended);
    },
    async revokeAllOfUser(userId, now, keepSessionId) {
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
      await sessionsEnded(await query.returning('user_id').execute());
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    ...(row.client_id !== null ? { clientId: row.client_id } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
    ...(row.scope !== null ? { scope: row.scope } : {}),
  };
}
