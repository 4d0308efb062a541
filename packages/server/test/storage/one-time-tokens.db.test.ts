import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import type { OneTimeToken } from '../../src/tokens/one-time-token-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, insertOrganization, insertUser, T0 } from './helpers.js';

const HOUR = 3_600_000;

describe('OneTimeTokenRepository', () => {
  let database: TestDatabase;
  let realm: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    realm = (await insertOrganization(database.storage)).id;
  });
  afterAll(() => database.close());

  const tokens = () => database.storage.oneTimeTokens;

  async function issue(overrides: Partial<OneTimeToken> = {}): Promise<OneTimeToken> {
    const token: OneTimeToken = {
      tokenHash: sha256(randomToken()),
      purpose: 'email_verification',
      createdAt: T0,
      expiresAt: T0 + HOUR,
      ...overrides,
    };
    await tokens().insert(token);
    return token;
  }

  it('consumeOnce hands a live token to exactly one of 20 concurrent callers', async () => {
    const user = await insertUser(database.storage, realm);
    const token = await issue({ userId: user.id });
    const results = await concurrently(20, () => tokens().consumeOnce(token.tokenHash, token.purpose, T0 + 10));
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toEqual([token]);
    expect(results.filter((result) => result === undefined)).toHaveLength(19);
    expect(await tokens().consumeOnce(token.tokenHash, token.purpose, T0 + 20)).toBeUndefined();
    expect(await tokens().peek(token.tokenHash, token.purpose, T0 + 20)).toBeUndefined();
  });

  it('returns a token without a user without userId', async () => {
    const token = await issue({ purpose: 'setup' });
    const consumed = await tokens().consumeOnce(token.tokenHash, 'setup', T0);
    expect(consumed).toEqual(token);
    expect(consumed).not.toHaveProperty('userId');
  });

  it('does not consume an expired token or one of another purpose', async () => {
    const token = await issue({ purpose: 'password_reset', expiresAt: T0 + 100 });
    expect(await tokens().consumeOnce(token.tokenHash, 'email_verification', T0 + 1)).toBeUndefined();
    expect(await tokens().consumeOnce(token.tokenHash, 'setup', T0 + 1)).toBeUndefined();
    expect(await tokens().peek(token.tokenHash, 'email_verification', T0 + 1)).toBeUndefined();
    expect(await tokens().consumeOnce(token.tokenHash, 'password_reset', T0 + 100)).toBeUndefined();
    expect(await tokens().peek(token.tokenHash, 'password_reset', T0 + 100)).toBeUndefined();
    expect(await tokens().consumeOnce(token.tokenHash, 'password_reset', T0 + 101)).toBeUndefined();
    // Neither attempt used it up: just before expiry it is still there, once.
    expect(await tokens().consumeOnce(token.tokenHash, 'password_reset', T0 + 99)).toEqual(token);
    expect(await tokens().consumeOnce(token.tokenHash, 'password_reset', T0 + 99)).toBeUndefined();
    expect(await tokens().consumeOnce(sha256(randomToken()), 'password_reset', T0)).toBeUndefined();
  });

  it('peek shows a live token without consuming it', async () => {
    const user = await insertUser(database.storage, realm);
    const token = await issue({ userId: user.id });
    expect(await tokens().peek(token.tokenHash, token.purpose, T0 + 1)).toEqual(token);
    expect(await tokens().peek(token.tokenHash, token.purpose, T0 + 2)).toEqual(token);
    expect(await tokens().consumeOnce(token.tokenHash, token.purpose, T0 + 3)).toEqual(token);
    expect(await tokens().peek(token.tokenHash, token.purpose, T0 + 4)).toBeUndefined();
  });

  it('invalidateForUser consumes the live tokens of one user for one purpose', async () => {
    const user = await insertUser(database.storage, realm);
    const other = await insertUser(database.storage, realm);
    const first = await issue({ userId: user.id, purpose: 'email_verification' });
    const second = await issue({ userId: user.id, purpose: 'email_verification' });
    const reset = await issue({ userId: user.id, purpose: 'password_reset' });
    const othersToken = await issue({ userId: other.id, purpose: 'email_verification' });

    await tokens().invalidateForUser(user.id, 'email_verification', T0 + 5);

    expect(await tokens().peek(first.tokenHash, 'email_verification', T0 + 6)).toBeUndefined();
    expect(await tokens().consumeOnce(second.tokenHash, 'email_verification', T0 + 6)).toBeUndefined();
    expect(await tokens().consumeOnce(reset.tokenHash, 'password_reset', T0 + 6)).toEqual(reset);
    expect(await tokens().consumeOnce(othersToken.tokenHash, 'email_verification', T0 + 6)).toEqual(othersToken);
    const fresh = await issue({ userId: user.id, purpose: 'email_verification' });
    expect(await tokens().consumeOnce(fresh.tokenHash, 'email_verification', T0 + 7)).toEqual(fresh);
  });

  it('invalidatePurpose consumes every live token of a purpose', async () => {
    const user = await insertUser(database.storage, realm);
    const setupA = await issue({ purpose: 'setup' });
    const setupB = await issue({ purpose: 'setup' });
    const verification = await issue({ userId: user.id, purpose: 'email_verification' });

    await tokens().invalidatePurpose('setup', T0 + 5);

    expect(await tokens().peek(setupA.tokenHash, 'setup', T0 + 6)).toBeUndefined();
    expect(await tokens().consumeOnce(setupB.tokenHash, 'setup', T0 + 6)).toBeUndefined();
    expect(await tokens().peek(verification.tokenHash, 'email_verification', T0 + 6)).toEqual(verification);
  });

  it('deleteExpired removes tokens whose expiry has passed', async () => {
    const base = T0 + 1e10;
    const expired = await issue({ createdAt: base, expiresAt: base + 10 });
    const live = await issue({ createdAt: base, expiresAt: base + 1e12 });
    expect(await tokens().deleteExpired(base + 10)).toBeGreaterThanOrEqual(1);
    const left = await database.handle.db
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('token_hash', 'in', [expired.tokenHash, live.tokenHash])
      .execute();
    expect(left).toEqual([{ token_hash: live.tokenHash }]);
    expect(await tokens().deleteExpired(base + 10)).toBe(0);
  });
});
