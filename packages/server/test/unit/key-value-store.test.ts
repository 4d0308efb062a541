import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../src/kv/key-value-store.js';
import { MemoryKeyValueStore } from '../../src/kv/memory-store.js';
import { RedisKeyValueStore } from '../../src/kv/redis-store.js';
import { redisUrl } from '../support/backend.js';

const key = () => `key-${randomBytes(6).toString('hex')}`;

/** The KeyValueStore contract, run against every implementation. */
function keyValueStoreContract(name: string, open: () => Promise<KeyValueStore>) {
  describe(name, () => {
    let store: KeyValueStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    it('counts up from 1 and reports the time left of the first lifetime', async () => {
      const counter = key();
      const first = await store.increment(counter, 10_000);
      expect(first.count).toBe(1);
      expect(first.resetInMs).toBeGreaterThan(9_900);
      expect(first.resetInMs).toBeLessThanOrEqual(10_000);
      await sleep(60);
      const second = await store.increment(counter, 10_000);
      expect(second.count).toBe(2);
      // Later increments do not extend the lifetime.
      expect(second.resetInMs).toBeLessThanOrEqual(10_000 - 50);
      expect(second.resetInMs).toBeGreaterThan(9_000);
      const third = await store.increment(counter, 60_000);
      expect(third.count).toBe(3);
      expect(third.resetInMs).toBeLessThanOrEqual(10_000);
      expect((await store.increment(key(), 10_000)).count).toBe(1);
    });

    it('starts again at 1 once the counter has expired', async () => {
      const counter = key();
      await store.increment(counter, 80);
      expect((await store.increment(counter, 80)).count).toBe(2);
      await sleep(150);
      const fresh = await store.increment(counter, 5_000);
      expect(fresh.count).toBe(1);
      expect(fresh.resetInMs).toBeGreaterThan(4_900);
    });

    it('gives concurrent increments distinct counts', async () => {
      const counter = key();
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment(counter, 10_000)));
      expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
    });

    it('setIfAbsent has exactly one winner among concurrent callers, until the key expires', async () => {
      const marker = key();
      const results = await Promise.all(Array.from({ length: 30 }, () => store.setIfAbsent(marker, 100)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.setIfAbsent(marker, 100)).toBe(false);
      await sleep(180);
      expect(await store.setIfAbsent(marker, 10_000)).toBe(true);
      expect(await store.setIfAbsent(marker, 10_000)).toBe(false);
    });

    it('delete removes counters and markers', async () => {
      const marker = key();
      expect(await store.setIfAbsent(marker, 10_000)).toBe(true);
      await store.delete(marker);
      expect(await store.setIfAbsent(marker, 10_000)).toBe(true);

      const counter = key();
      await store.increment(counter, 10_000);
      await store.increment(counter, 10_000);
      await store.delete(counter);
      expect((await store.increment(counter, 10_000)).count).toBe(1);
      await expect(store.delete(key())).resolves.toBeUndefined();
    });
  });
}

keyValueStoreContract('MemoryKeyValueStore', async () => new MemoryKeyValueStore());

keyValueStoreContract('RedisKeyValueStore', async () => {
  const store = new RedisKeyValueStore(redisUrl(), `gh-test-${randomBytes(6).toString('hex')}:`);
  await store.ready();
  return store;
});

describe('RedisKeyValueStore sharing', () => {
  it('shares state between stores of one prefix and keeps prefixes apart', async () => {
    const prefix = `gh-test-${randomBytes(6).toString('hex')}:`;
    const stores = [
      new RedisKeyValueStore(redisUrl(), prefix),
      new RedisKeyValueStore(redisUrl(), prefix),
      new RedisKeyValueStore(redisUrl(), `gh-test-${randomBytes(6).toString('hex')}:`),
    ] as const;
    try {
      await Promise.all(stores.map((store) => store.ready()));
      const counter = key();
      expect((await stores[0].increment(counter, 10_000)).count).toBe(1);
      expect((await stores[1].increment(counter, 10_000)).count).toBe(2);
      expect((await stores[2].increment(counter, 10_000)).count).toBe(1);
      const marker = key();
      expect(await stores[0].setIfAbsent(marker, 10_000)).toBe(true);
      expect(await stores[1].setIfAbsent(marker, 10_000)).toBe(false);
      expect(await stores[2].setIfAbsent(marker, 10_000)).toBe(true);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
