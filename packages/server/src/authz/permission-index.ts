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

/** The statements on one exact HRN: one link per action (usually one or two). */
interface ExactGrant {
  action: string;
  bits: number;
  next: ExactGrant | undefined;
}

const escapeRegex = (value: string) => value.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** The regular expression of a resource pattern: `*` matches any run of characters, `:` and `/` included. */
export function patternRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 's');
}

/** Whether a resource pattern (with `*`) covers an HRN. */
export function resourceMatches(pattern: string, resource: string): boolean {
  return pattern.includes('*') ? patternRegex(pattern).test(resource) : pattern === resource;
}

/**
 * Permissions compiled for checks that cost the same whether there are ten or a hundred thousand of them: exact
 * HRNs live in one hash map keyed by resource; wildcard HRNs are bucketed by their literal prefix, and a check looks
 * only at the buckets whose prefix the resource starts with.
 *
 * @remarks `*` in a resource matches any run of characters, `:` and `/` included (`hrn:here:data:::*`). An action
 * of `*` matches every action.
 */
export class PermissionIndex {
  static readonly empty = new PermissionIndex([]);

  readonly size: number;
  /** Exact HRN → its statements: one lookup per check, however many actions are granted on the HRN. */
  readonly #exact = new Map<string, ExactGrant>();
  readonly #byPrefix = new Map<string, Pattern[]>();
  readonly #prefixLengths: number[];

  constructor(statements: Iterable<PermissionStatement>) {
    let size = 0;
    const lengths = new Set<number>();
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
      const bucket = this.#byPrefix.get(prefix);
      if (bucket) bucket.push(pattern);
      else this.#byPrefix.set(prefix, [pattern]);
      lengths.add(prefix.length);
    }
    this.size = size;
    this.#prefixLengths = [...lengths].sort((a, b) => a - b);
  }

  #addExact(action: string, resource: string, bits: number): void {
    const first = this.#exact.get(resource);
    for (let grant = first; grant; grant = grant.next) {
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
    for (let grant = this.#exact.get(resource); grant; grant = grant.next) {
      if (grant.action === action || grant.action === '*') bits |= grant.bits;
    }
    for (const length of this.#prefixLengths) {
      if (length > resource.length) break;
      const bucket = this.#byPrefix.get(resource.slice(0, length));
      if (!bucket) continue;
      for (const pattern of bucket) {
        if ((pattern.action === action || pattern.action === '*') && (!pattern.regex || pattern.regex.test(resource))) {
          bits |= pattern.bits;
        }
      }
    }
    return bits;
  }
}
