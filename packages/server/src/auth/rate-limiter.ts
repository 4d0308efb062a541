import { sha256 } from '../crypto/random.js';
import { AppError } from '../errors/app-error.js';
import type { KeyValueStore } from '../kv/key-value-store.js';

/**
 * Counts requests per key in windows that start at the first request, and refuses with HERE's 429002 and
 * `Retry-After` once a window is full. Identities (email addresses) are hashed before they become keys.
 */
export class RateLimiter {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  /** Counts one request; throws `request.rate_limited` when more than `limit` were made in the window. */
  async consume(bucket: string, subject: string, limit: number, windowMs = 60_000): Promise<void> {
    const { count, resetInMs } = await this.#store.increment(`rl:${bucket}:${subject}`, windowMs);
    if (count > limit) {
      throw new AppError('request.rate_limited', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(resetInMs / 1000))) },
      });
    }
  }

  consumeForIdentity(bucket: string, identity: string, limit: number, windowMs = 60_000): Promise<void> {
    return this.consume(bucket, `id:${sha256(identity.trim().toLowerCase())}`, limit, windowMs);
  }

  /** Like {@link consumeForIdentity} but answers instead of throwing, for endpoints that must not reveal a limit. */
  async allowForIdentity(bucket: string, identity: string, limit: number, windowMs: number): Promise<boolean> {
    const key = `rl:${bucket}:id:${sha256(identity.trim().toLowerCase())}`;
    const { count } = await this.#store.increment(key, windowMs);
    return count <= limit;
  }
}
