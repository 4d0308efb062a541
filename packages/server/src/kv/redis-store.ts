import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

/** {@link KeyValueStore} on Redis, shared by every node; keys live under `prefix`. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(url: string, prefix = 'gatehouse:') {
    this.#redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.#prefix = prefix;
  }

  /** Resolves once connected; rejects with the connection error otherwise. */
  async ready(): Promise<void> {
    await this.#redis.ping();
  }

  async increment(key: string, ttlMs: number) {
    const [count, pttl] = (await this.#redis.eval(INCREMENT, 1, this.#prefix + key, ttlMs)) as [number, number];
    return { count, resetInMs: pttl > 0 ? pttl : ttlMs };
  }

  async setIfAbsent(key: string, ttlMs: number) {
    return (await this.#redis.set(this.#prefix + key, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delete(key: string) {
    await this.#redis.del(this.#prefix + key);
  }

  async close() {
    await this.#redis.quit();
  }
}
