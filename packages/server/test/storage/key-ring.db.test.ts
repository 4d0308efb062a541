import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { AccessTokens } from '../../src/tokens/access-tokens.js';
import { KeyRing } from '../../src/tokens/key-ring.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const DAY = 86_400_000;
const OVERLAP = DAY + 5 * 60_000;

describe('signing keys', () => {
  let database: TestDatabase;
  let box: SecretBox;
  beforeEach(async () => {
    database = await openTestDatabase();
    box = new SecretBox(randomBytes(32));
  });
  afterEach(() => database.close());

  const ring = (options: { rotationDays?: number; algorithm?: 'ES256' | 'EdDSA' } = {}) =>
    new KeyRing(database.storage.signingKeys, box, {
      algorithm: options.algorithm ?? 'ES256',
      rotationMs: (options.rotationDays ?? 30) * DAY,
      overlapMs: OVERLAP,
    });

  it('generates one key on first start and keeps it on later starts', async () => {
    const start = Date.now();
    const first = ring();
    await first.refresh(start);
    const again = ring();
    await again.refresh(start + DAY);
    expect(again.active.kid).toBe(first.active.kid);
    expect(again.jwks().keys).toHaveLength(1);
    expect(again.jwks().keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: first.active.kid,
    });
    expect(again.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('rotates when the key is due, keeps the old key published until its tokens expired, then drops it', async () => {
    const start = Date.now() - 40 * DAY;
    let now = start;
    const keys = ring();
    await keys.refresh(now);
    const tokens = new AccessTokens(keys, {
      issuer: 'https://iam.test',
      audience: 'https://iam.test',
      clock: () => now,
    });
    const old = await tokens.issue({ sub: 'HERE-0', rlm: 'org' }, 86_400, now);
    const oldKid = keys.active.kid;

    now = start + 30 * DAY;
    await keys.refresh(now);
    expect(keys.active.kid).not.toBe(oldKid);
    expect(
      keys
        .jwks()
        .keys.map((key) => key.kid)
        .sort(),
    ).toEqual([oldKid, keys.active.kid].sort());
    // A token signed by the retired key still verifies while it lives (it was issued 30 days ago with a 24 h
    // lifetime, so check the signature alone), and new tokens use the new key.
    const fresh = await tokens.issue({ sub: 'HERE-0', rlm: 'org' }, 3600, now);
    const jwks = createLocalJWKSet(keys.jwks());
    await expect(
      jwtVerify(old.token, jwks, { algorithms: ['ES256'], currentDate: new Date(start) }),
    ).resolves.toBeDefined();
    expect(
      (await jwtVerify(fresh.token, jwks, { algorithms: ['ES256'], currentDate: new Date(now) })).protectedHeader.kid,
    ).toBe(keys.active.kid);

    now += OVERLAP + 1;
    await keys.refresh(now);
    expect(keys.jwks().keys.map((key) => key.kid)).toEqual([keys.active.kid]);
    await expect(
      jwtVerify(old.token, createLocalJWKSet(keys.jwks()), { currentDate: new Date(start) }),
    ).rejects.toThrow();
  });

  it('is shared by the nodes of a cluster: a second ring sees the key the first one made', async () => {
    const start = Date.now() - 40 * DAY;
    const nodeA = ring();
    const nodeB = ring();
    await nodeA.refresh(start);
    await nodeB.refresh(start);
    await nodeA.refresh(start + 30 * DAY);
    expect(await nodeB.find(nodeA.active.kid)).toBeDefined();
  });

  it('seals private keys with the master key: another key cannot open them', async () => {
    const keys = ring();
    await keys.refresh(Date.now());
    const [row] = await database.storage.signingKeys.findPublished(Date.now());
    expect(row?.private_key_sealed).toMatch(/^v1\./);
    expect(row?.private_key_sealed).not.toContain('PRIVATE KEY');
    box = new SecretBox(randomBytes(32));
    await expect(ring().refresh(Date.now())).rejects.toThrow(/master key/);
  });

  it('signs with EdDSA when configured', async () => {
    const keys = ring({ algorithm: 'EdDSA' });
    await keys.refresh(Date.now());
    expect(keys.jwks().keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    const tokens = new AccessTokens(keys, {
      issuer: 'https://iam.test',
      audience: 'https://iam.test',
      clock: Date.now,
    });
    const issued = await tokens.issue({ sub: 'HERE-0', rlm: 'org' }, 60);
    await expect(tokens.verify(issued.token)).resolves.toMatchObject({ sub: 'HERE-0', rlm: 'org' });
  });
});
