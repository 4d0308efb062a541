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

const escapeRegex = (value: string) => value.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
const SEPARATOR = '\u0000';

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
 * HRNs live in one hash map keyed by action and resource; wildcard HRNs are bucketed by their literal prefix, and a
 * check looks only at the buckets whose prefix the resource starts with.
 *
 * @remarks `*` in a resource matches any run of characters, `:` and `/` included (`hrn:here:data:::*`). An action
 * of `*` matches every action.
 */
export class PermissionIndex {
  static readonly empty = new PermissionIndex([]);

  readonly size: number;
  readonly #exact = new Map<string, number>();
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
        const key = action + SEPARATOR + resource;
        this.#exact.set(key, (this.#exact.get(key) ?? 0) | bits);
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

  /** {@link ALLOW} and/or {@link DENY} bits of every statement that covers `action` on `resource`. */
  check(action: string, resource: string): number {
    let bits =
      (this.#exact.get(action + SEPARATOR + resource) ?? 0) | (this.#exact.get(`*${SEPARATOR}${resource}`) ?? 0);
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
