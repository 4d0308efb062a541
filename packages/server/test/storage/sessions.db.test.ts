import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import type { Session } from '../../src/sessions/session-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, insertOrganization, insertUser, T0, unique } from './helpers.js';

const HOUR = 3_600_000;

describe('SessionRepository', () => {
  let database: TestDatabase;
  let realm: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    realm = (await insertOrganization(database.storage)).id;
  });
  afterAll(() => database.close());

  const sessions = () => database.storage.sessions;

  async function startSession(userId: string, overrides: Partial<Session> = {}) {
    const session: Session = { id: unique('session-'), userId, createdAt: T0, expiresAt: T0 + HOUR, ...overrides };
    const refreshToken = sha256(randomToken());
    await sessions().create(session, refreshToken);
    return { session, refreshToken };
  }

  it('creates a session and reads it back', async () => {
    const user = await insertUser(database.storage, realm);
    const { session } = await startSession(user.id, { clientId: 'client-1' });
    expect(await sessions().findById(session.id)).toEqual(session);
    const { session: withoutClient } = await startSession(user.id);
    const found = await sessions().findById(withoutClient.id);
    expect(found).toEqual(withoutClient);
    expect(found).not.toHaveProperty('clientId');
    expect(found).not.toHaveProperty('revokedAt');
    expect(await sessions().findById(unique('session-'))).toBeUndefined();
  });

  it('rotates a refresh token for exactly one of 20 concurrent callers; the others and later callers get reused', async () => {
    const user = await insertUser(database.storage, realm);
    const { session, refreshToken } = await startSession(user.id);
    const outcomes = await concurrently(20, () => sessions().consumeRefreshToken(refreshToken, T0 + 1000));
    const rotated = outcomes.filter((result) => result.outcome === 'rotated');
    const reused = outcomes.filter((result) => result.outcome === 'reused');
    expect(rotated).toHaveLength(1);
    expect(reused).toHaveLength(19);
    expect(rotated[0]).toEqual({ outcome: 'rotated', session });
    expect(reused.every((result) => result.outcome === 'reused' && result.sessionId === session.id)).toBe(true);

    expect(await sessions().consumeRefreshToken(refreshToken, T0 + 2000)).toEqual({
      outcome: 'reused',
      sessionId: session.id,
    });
  });

  it('rotates a token added to the session, once', async () => {
    const user = await insertUser(database.storage, realm);
    const { session, refreshToken } = await startSession(user.id);
    expect((await sessions().consumeRefreshToken(refreshToken, T0 + 1)).outcome).toBe('rotated');
    const next = sha256(randomToken());
    await sessions().addRefreshToken(session.id, next, T0 + 1);
    expect(await sessions().consumeRefreshToken(next, T0 + 2)).toEqual({ outcome: 'rotated', session });
    expect(await sessions().consumeRefreshToken(next, T0 + 3)).toEqual({ outcome: 'reused', sessionId: session.id });
  });

  it('answers unknown for an unknown token and for tokens of revoked or expired sessions', async () => {
    const user = await insertUser(database.storage, realm);
    expect(await sessions().consumeRefreshToken(sha256(randomToken()), T0)).toEqual({ outcome: 'unknown' });

    const revoked = await startSession(user.id);
    await sessions().revoke(revoked.session.id, T0 + 10);
    expect((await sessions().findById(revoked.session.id))?.revokedAt).toBe(T0 + 10);
    expect(await sessions().consumeRefreshToken(revoked.refreshToken, T0 + 20)).toEqual({ outcome: 'unknown' });
    expect(await sessions().consumeRefreshToken(revoked.refreshToken, T0 + 30)).toEqual({ outcome: 'unknown' });

    const used = await startSession(user.id);
    expect((await sessions().consumeRefreshToken(used.refreshToken, T0 + 1)).outcome).toBe('rotated');
    await sessions().revoke(used.session.id, T0 + 2);
    expect(await sessions().consumeRefreshToken(used.refreshToken, T0 + 3)).toEqual({ outcome: 'unknown' });

    const expiring = await startSession(user.id, { expiresAt: T0 + 500 });
    expect(await sessions().consumeRefreshToken(expiring.refreshToken, T0 + 500)).toEqual({ outcome: 'unknown' });
    expect(await sessions().consumeRefreshToken(expiring.refreshToken, T0 + 501)).toEqual({ outcome: 'unknown' });

    const live = await startSession(user.id, { expiresAt: T0 + 500 });
    expect((await sessions().consumeRefreshToken(live.refreshToken, T0 + 499)).outcome).toBe('rotated');
  });

  it('revoke keeps the first revocation time', async () => {
    const user = await insertUser(database.storage, realm);
    const { session } = await startSession(user.id);
    await sessions().revoke(session.id, T0 + 10);
    await sessions().revoke(session.id, T0 + 20);
    expect((await sessions().findById(session.id))?.revokedAt).toBe(T0 + 10);
  });

  it('revokeAllOfUser revokes every live session of the user but the one to keep', async () => {
    const user = await insertUser(database.storage, realm);
    const other = await insertUser(database.storage, realm);
    const kept = await startSession(user.id);
    const first = await startSession(user.id);
    const second = await startSession(user.id);
    const earlier = await startSession(user.id);
    await sessions().revoke(earlier.session.id, T0 + 5);
    const othersSession = await startSession(other.id);

    await sessions().revokeAllOfUser(user.id, T0 + 100, kept.session.id);

    expect((await sessions().findById(kept.session.id))?.revokedAt).toBeUndefined();
    expect((await sessions().findById(first.session.id))?.revokedAt).toBe(T0 + 100);
    expect((await sessions().findById(second.session.id))?.revokedAt).toBe(T0 + 100);
    expect((await sessions().findById(earlier.session.id))?.revokedAt).toBe(T0 + 5);
    expect((await sessions().findById(othersSession.session.id))?.revokedAt).toBeUndefined();
    expect((await sessions().consumeRefreshToken(kept.refreshToken, T0 + 101)).outcome).toBe('rotated');
    expect((await sessions().consumeRefreshToken(first.refreshToken, T0 + 101)).outcome).toBe('unknown');

    await sessions().revokeAllOfUser(user.id, T0 + 200);
    expect((await sessions().findById(kept.session.id))?.revokedAt).toBe(T0 + 200);
    expect((await sessions().findById(first.session.id))?.revokedAt).toBe(T0 + 100);
    expect((await sessions().findById(othersSession.session.id))?.revokedAt).toBeUndefined();
  });

  it('deleteExpired deletes sessions that have expired, with their refresh tokens', async () => {
    const user = await insertUser(database.storage, realm);
    const base = T0 + 1e9;
    const expired = await startSession(user.id, { createdAt: base, expiresAt: base + 10 });
    const live = await startSession(user.id, { createdAt: base, expiresAt: base + 1e12 });
    const deleted = await sessions().deleteExpired(base + 10);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await sessions().findById(expired.session.id)).toBeUndefined();
    expect(await sessions().findById(live.session.id)).toEqual(live.session);
    const tokens = await database.handle.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('session_id', '=', expired.session.id)
      .execute();
    expect(tokens).toEqual([]);
    expect(await sessions().deleteExpired(base + 10)).toBe(0);
  });
});
