import type { KeyValueStore } from './key-value-store.js';

interface Entry {
  count: number;
  expiresAt: number;
}

/**
 * A counter, or for a key stored with `setIfAbsent` only its expiry in milliseconds after the store's epoch. Replay
 * detection keeps one key per signed token request for twice the timestamp window, hundreds of thousands at high
 * rates: as a small integer the expiry needs no object of its own.
 */
type Value = Entry | number;

/** In-process {@link KeyValueStore}: right for a single node. Expired entries are swept every `sweepMs`. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, Value>();
  readonly #epoch = Date.now();
  readonly #sweeper: NodeJS.Timeout;

  constructor(sweepMs = 30_000) {
    this.#sweeper = setInterval(() => this.#sweep(), sweepMs);
    this.#sweeper.unref();
  }

  async increment(key: string, ttlMs: number) {
    const now = Date.now();
    const value = this.#live(key, now);
    if (value !== undefined) {
      const entry = typeof value === 'number' ? { count: 1, expiresAt: this.#epoch + value } : value;
      if (entry !== value) this.#entries.set(key, entry);
      entry.count += 1;
      return { count: entry.count, resetInMs: entry.expiresAt - now };
    }
    this.#entries.set(key, { count: 1, expiresAt: now + ttlMs });
    return { count: 1, resetInMs: ttlMs };
  }

  async setIfAbsent(key: string, ttlMs: number) {
    const now = Date.now();
    if (this.#live(key, now) !== undefined) return false;
    this.#entries.set(key, now - this.#epoch + ttlMs);
    return true;
  }

  async delete(key: string) {
    this.#entries.delete(key);
  }

  async close() {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  #expiresAt(value: Value): number {
    return typeof value === 'number' ? this.#epoch + value : value.expiresAt;
  }

  #live(key: string, now: number): Value | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    if (this.#expiresAt(value) > now) return value;
    this.#entries.delete(key);
    return undefined;
  }

  #sweep() {
    const now = Date.now();
    for (const [key, value] of this.#entries) if (this.#expiresAt(value) <= now) this.#entries.delete(key);
  }
}
