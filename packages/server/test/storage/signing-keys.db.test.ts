import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SigningKeyRow } from '../../src/storage/tables.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { T0, unique } from './helpers.js';

describe('SigningKeyRepository', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());
  // The repository works on the whole table: every test starts without keys.
  beforeEach(async () => {
    await database.handle.db.deleteFrom('signing_keys').execute();
  });

  const keys = () => database.storage.signingKeys;

  async function insertKey(overrides: Partial<SigningKeyRow> = {}): Promise<SigningKeyRow> {
    const kid = unique('kid-');
    const row: SigningKeyRow = {
      kid,
      algorithm: 'ES256',
      public_jwk: JSON.stringify({ kty: 'EC', crv: 'P-256', kid, x: 'x', y: 'y' }),
      private_key_sealed: 'v1.iv.ciphertext.tag',
      created_at: T0,
      retired_at: null,
      expires_at: null,
      ...overrides,
    };
    await keys().insert(row);
    return row;
  }

  it('publishes keys that have not expired, newest first', async () => {
    const oldest = await insertKey({ created_at: T0 + 1, retired_at: T0 + 5, expires_at: T0 + 1000 });
    const newest = await insertKey({ created_at: T0 + 3 });
    const middle = await insertKey({ created_at: T0 + 2, retired_at: T0 + 5, expires_at: T0 + 2000 });
    await insertKey({ created_at: T0 + 4, retired_at: T0 + 5, expires_at: T0 + 10 });

    expect(await keys().findPublished(T0 + 9)).toHaveLength(4);
    expect(await keys().findPublished(T0 + 10)).toEqual([newest, middle, oldest]);
    expect((await keys().findPublished(T0 + 1000)).map((key) => key.kid)).toEqual([newest.kid, middle.kid]);
    expect((await keys().findPublished(T0 + 1e9)).map((key) => key.kid)).toEqual([newest.kid]);
  });

  it('retireAllExcept retires every other active key and schedules its unpublishing', async () => {
    const previous = await insertKey({ created_at: T0 + 1 });
    const alreadyRetired = await insertKey({ created_at: T0, retired_at: T0 + 2, expires_at: T0 + 50_000 });
    const current = await insertKey({ created_at: T0 + 10 });

    await keys().retireAllExcept(current.kid, T0 + 100, T0 + 10_000);

    const published = await keys().findPublished(T0 + 100);
    expect(published).toEqual([
      current,
      { ...previous, retired_at: T0 + 100, expires_at: T0 + 10_000 },
      alreadyRetired,
    ]);
    expect((await keys().findPublished(T0 + 10_000)).map((key) => key.kid)).toEqual([current.kid, alreadyRetired.kid]);
    expect((await keys().findPublished(T0 + 50_000)).map((key) => key.kid)).toEqual([current.kid]);
  });

  it('deleteExpired removes keys whose publication has ended', async () => {
    const expired = await insertKey({ retired_at: T0, expires_at: T0 + 10 });
    const active = await insertKey();
    const retiring = await insertKey({ retired_at: T0, expires_at: T0 + 20 });
    expect(await keys().deleteExpired(T0 + 10)).toBe(1);
    const left = (await keys().findPublished(0)).map((key) => key.kid);
    expect(left.sort()).toEqual([active.kid, retiring.kid].sort());
    expect(left).not.toContain(expired.kid);
    expect(await keys().deleteExpired(T0 + 10)).toBe(0);
  });
});
