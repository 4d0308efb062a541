/**
 * A least-recently-used map bounded by total weight (entries weigh 1 unless a weigher says otherwise), so a cache of
 * identities can be bounded by the permissions it holds rather than by their number.
 *
 * @remarks Recency is kept approximately, for speed. The map's insertion order is the recency order, and moving an
 * entry to the young end means deleting and re-inserting it: done on every hit, that churn cost more than the lookup
 * on the hot paths (a decision reads three caches). So a hit moves its entry only once at least half as many
 * entries as the cache holds were inserted or moved after it; an entry is then evicted at worst as if its last use
 * had been that much earlier.
 */
export class WeightedLru<K, V> {
  readonly #entries = new Map<K, { value: V; weight: number; stamp: number }>();
  readonly #budget: number;
  readonly #weigh: (value: V) => number;
  #weight = 0;
  /** Counts insertions and moves: an entry's stamp is the count when it last went to the young end. */
  #clock = 0;

  constructor(budget: number, weigh: (value: V) => number = () => 1) {
    this.#budget = budget;
    this.#weigh = weigh;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#clock - entry.stamp >= this.#entries.size / 2) {
      this.#entries.delete(key);
      entry.stamp = ++this.#clock;
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = Math.max(1, this.#weigh(value));
    this.#entries.set(key, { value, weight, stamp: ++this.#clock });
    this.#weight += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#weight <= this.#budget || oldest === key) break;
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}
