/**
 * Short-lived shared state: rate-limit counters and replay detection. One process keeps it in memory; several
 * Gatehouse nodes share it through Redis. Durable data never goes here.
 */
export interface KeyValueStore {
  /**
   * Atomically adds one to the counter under `key`, creating it with a lifetime of `ttlMs` when absent (the lifetime
   * is not extended by later increments). Concurrent callers each see a distinct count.
   */
  increment(key: string, ttlMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Stores `key` for `ttlMs` if it is absent. Of several concurrent callers exactly one gets `true`. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
