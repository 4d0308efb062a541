import { WeightedLru } from './lru.js';

export type Effect = 'allow' | 'deny';

/** One permission: an action (or `*`) on a resource HRN, which may hold `*` wildcards, allowed or denied. */
export interface PermissionStatement {
  action: string;
  resource: string;
  effect: Effect;
}

/** Result bits of a check: a decision needs an allow and no deny. */
export const ALLOW = 1;
export const DENY = 2;

interface Pattern {
  action: string;
  bits: number;
  /** `undefined` when the pattern is `<prefix>*`: the prefix alone decides. */
  regex: RegExp | undefined;
}

/** The statements on one exact HRN that has several actions: one link per action. */
interface ExactGrant {
  action: string;
  bits: number;
  next: ExactGrant | undefined;
}

const escapeRegex = (value: string) => value.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** The regular expression of a resource pattern: `*` matches any run of characters, `:` and `/` included. */
function patternRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 's');
}

/**
 * Compiled wildcard patterns by their text. Access-filter statements are matched on every decision, and compiling a
 * regular expression costs about a microsecond, more than the rest of a decision; filters are few per organization,
 * so a bounded cache keeps them all.
 */
const compiledPatterns = new WeightedLru<string, RegExp>(10_000);

/** Whether a resource pattern (with `*`) covers an HRN. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (!pattern.includes('*')) return pattern === resource;
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    regex = patternRegex(pattern);
    compiledPatterns.set(pattern, regex);
  }
  return regex.test(resource);
}

/** The wildcard statements whose resource starts with one literal prefix. */
interface PrefixBucket {
  prefix: string;
  patterns: Pattern[];
}

/** FNV-1a over UTF-16 code units: cheap to extend by one character, so every prefix of a resource is hashed in one pass. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16_777_619;
const extendHash = (hash: number, code: number) => Math.imul(hash ^ code, FNV_PRIME);

/**
 * Permissions compiled for checks that cost the same whether there are ten or a hundred thousand of them:
 * - exact HRNs live in one hash map keyed by resource; the usual single statement on an HRN is packed into a small
 *   integer (action number, effect bits), so a hit reads no further object;
 * - wildcard HRNs are bucketed by their literal prefix. A check hashes the resource once, character by character,
 *   and at each length that some prefix has, probes a small open-addressing table of prefix hashes: no substring is
 *   made, and a resource that starts with no prefix touches nothing but that table.
 *
 * @remarks `*` in a resource matches any run of characters, `:` and `/` included (`hrn:here:data:::*`). An action
 * of `*` matches every action.
 */
export class PermissionIndex {
  static readonly empty = new PermissionIndex([]);

  readonly size: number;
  /** Exact HRN → `action number << 2 | effect bits` for one statement, or the chain of its statements. */
  readonly #exact = new Map<string, number | ExactGrant>();
  readonly #actions: string[] = [];
  readonly #actionNumbers = new Map<string, number>();
  readonly #buckets: PrefixBucket[] = [];
  /** Distinct prefix lengths, ascending. */
  readonly #prefixLengths: Int32Array;
  /** Open addressing by prefix hash: bucket number + 1 (0 marks a free slot), and the hash it was stored under. */
  readonly #slots: Int32Array;
  readonly #slotHashes: Int32Array;
  readonly #slotMask: number;

  constructor(statements: Iterable<PermissionStatement>) {
    let size = 0;
    const byPrefix = new Map<string, Pattern[]>();
    for (const { action, resource, effect } of statements) {
      size++;
      const bits = effect === 'deny' ? DENY : ALLOW;
      const star = resource.indexOf('*');
      if (star === -1) {
        this.#addExact(action, resource, bits);
        continue;
      }
      const prefix = resource.slice(0, star);
      const pattern: Pattern = {
        action,
        bits,
        regex: star === resource.length - 1 ? undefined : patternRegex(resource),
      };
      const bucket = byPrefix.get(prefix);
      if (bucket) bucket.push(pattern);
      else byPrefix.set(prefix, [pattern]);
    }
    this.size = size;

    // At most half full, so a probe for a prefix nobody has ends at a free slot within a step or two.
    let capacity = 4;
    while (capacity < byPrefix.size * 2) capacity *= 2;
    this.#slotMask = capacity - 1;
    this.#slots = new Int32Array(capacity);
    this.#slotHashes = new Int32Array(capacity);
    const lengths = new Set<number>();
    for (const [prefix, patterns] of byPrefix) {
      this.#buckets.push({ prefix, patterns });
      lengths.add(prefix.length);
      let hash = FNV_OFFSET;
      for (let position = 0; position < prefix.length; position++) {
        hash = extendHash(hash, prefix.charCodeAt(position));
      }
      let slot = hash & this.#slotMask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#slotMask;
      this.#slots[slot] = this.#buckets.length;
      this.#slotHashes[slot] = hash;
    }
    this.#prefixLengths = Int32Array.from([...lengths].sort((a, b) => a - b));
  }

  #addExact(action: string, resource: string, bits: number): void {
    let number = this.#actionNumbers.get(action);
    if (number === undefined) {
      number = this.#actions.push(action) - 1;
      this.#actionNumbers.set(action, number);
    }
    const current = this.#exact.get(resource);
    if (current === undefined) {
      this.#exact.set(resource, (number << 2) | bits);
      return;
    }
    let first = current;
    if (typeof first === 'number') {
      first = { action: this.#actions[first >> 2] as string, bits: first & 3, next: undefined };
      this.#exact.set(resource, first);
    }
    for (let grant: ExactGrant | undefined = first; grant; grant = grant.next) {
      if (grant.action === action) {
        grant.bits |= bits;
        return;
      }
    }
    this.#exact.set(resource, { action, bits, next: first });
  }

  /** {@link ALLOW} and/or {@link DENY} bits of every statement that covers `action` on `resource`. */
  check(action: string, resource: string): number {
    let bits = 0;
    const exact = this.#exact.get(resource);
    if (typeof exact === 'number') {
      const granted = this.#actions[exact >> 2];
      if (granted === action || granted === '*') bits = exact & 3;
    } else {
      for (let grant = exact; grant; grant = grant.next) {
        if (grant.action === action || grant.action === '*') bits |= grant.bits;
      }
    }

    const lengths = this.#prefixLengths;
    let hash = FNV_OFFSET;
    let position = 0;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i] as number;
      if (length > resource.length) break;
      for (; position < length; position++) hash = extendHash(hash, resource.charCodeAt(position));
      for (let slot = hash & this.#slotMask; this.#slots[slot] !== 0; slot = (slot + 1) & this.#slotMask) {
        if (this.#slotHashes[slot] !== hash) continue;
        const bucket = this.#buckets[(this.#slots[slot] as number) - 1] as PrefixBucket;
        // Equal hashes of different prefixes (of this length or another) are possible: the text decides.
        if (bucket.prefix.length !== length || !resource.startsWith(bucket.prefix)) continue;
        for (const pattern of bucket.patterns) {
          if (
            (pattern.action === action || pattern.action === '*') &&
            (!pattern.regex || pattern.regex.test(resource))
          ) {
            bits |= pattern.bits;
          }
        }
      }
    }
    return bits;
  }
}
