import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, T0, unique } from './helpers.js';

describe('SignInGuardRepository', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  const guards = () => database.storage.signInGuards;

  it('counts attempts one by one, per key', async () => {
    const key = unique('guard-');
    const other = unique('guard-');
    expect(await guards().reserveAttempt(key, T0)).toEqual({ attempts: 1 });
    expect(await guards().reserveAttempt(key, T0 + 1)).toEqual({ attempts: 2 });
    expect(await guards().reserveAttempt(other, T0 + 2)).toEqual({ attempts: 1 });
    expect(await guards().reserveAttempt(key, T0 + 3)).toEqual({ attempts: 3 });
  });

  it('gives 50 concurrent attempts the distinct counts 1..50', async () => {
    const key = unique('guard-');
    const reservations = await concurrently(50, (index) => guards().reserveAttempt(key, T0 + index));
    const counts = reservations.map((reservation) => reservation.attempts).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(reservations.every((reservation) => reservation.lockedUntil === undefined)).toBe(true);
  });

  it('lock sets a lock only when none is set; attempts during the lock report it', async () => {
    const key = unique('guard-');
    for (let attempt = 1; attempt <= 5; attempt++) await guards().reserveAttempt(key, T0 + attempt);
    await guards().lock(key, T0 + 1000, T0 + 5);
    await guards().lock(key, T0 + 9000, T0 + 6);
    expect(await guards().reserveAttempt(key, T0 + 10)).toEqual({ attempts: 6, lockedUntil: T0 + 1000 });
    expect(await guards().reserveAttempt(key, T0 + 999)).toEqual({ attempts: 7, lockedUntil: T0 + 1000 });
  });

  it('starts a new period at 1 once the lock has run out', async () => {
    const key = unique('guard-');
    await guards().reserveAttempt(key, T0);
    await guards().reserveAttempt(key, T0 + 1);
    await guards().lock(key, T0 + 100, T0 + 1);
    expect(await guards().reserveAttempt(key, T0 + 100)).toEqual({ attempts: 1 });
    expect(await guards().reserveAttempt(key, T0 + 101)).toEqual({ attempts: 2 });
    // The ended lock is gone, so a new one can be set.
    await guards().lock(key, T0 + 500, T0 + 102);
    expect(await guards().reserveAttempt(key, T0 + 103)).toEqual({ attempts: 3, lockedUntil: T0 + 500 });
  });

  it('clear forgets attempts and lock', async () => {
    const key = unique('guard-');
    await guards().reserveAttempt(key, T0);
    await guards().reserveAttempt(key, T0 + 1);
    await guards().lock(key, T0 + 100_000, T0 + 1);
    await guards().clear(key);
    expect(await guards().reserveAttempt(key, T0 + 2)).toEqual({ attempts: 1 });
    await expect(guards().clear(unique('never-used-'))).resolves.toBeUndefined();
  });
});
