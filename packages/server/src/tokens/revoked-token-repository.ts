import type { Kysely } from 'kysely';
import type { CredentialChange } from '../authz/authz-versions.js';
import type { Database } from '../storage/tables.js';

/** Access tokens revoked before they expire (RFC 7009), remembered until they would have expired. */
export interface RevokedTokenRepository {
  /** Revokes a token of organization `realm`, whose cached principals become stale. */
  revoke(jti: string, expiresAt: number, realm: string): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  deleteExpired(now: number): Promise<number>;
}

export function createRevokedTokenRepository(db: Kysely<Database>, changed: CredentialChange): RevokedTokenRepository {
  return {
    async revoke(jti, expiresAt, realm) {
      await db
        .insertInto('revoked_tokens')
        .values({ jti, expires_at: expiresAt })
        .onConflict((conflict) => conflict.column('jti').doNothing())
        .execute();
      changed(realm);
    },
    async isRevoked(jti) {
      const row = await db.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
      return row !== undefined;
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('revoked_tokens').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
