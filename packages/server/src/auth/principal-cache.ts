import type { AuthzVersions } from '../authz/authz-versions.js';
import { WeightedLru } from '../authz/lru.js';
import type { Principal } from './principal.js';

interface CachedPrincipal {
  principal: Principal;
  /** Version of the principal's organization read before its subject, session, key and token were looked up. */
  version: number;
  /** Epoch ms after which the entry is not used: the token's `exp`, or its session's end if that comes first. */
  validUntil: number;
}

/**
 * Principals of bearer tokens already verified and looked up, so a token's next requests skip the signature check
 * and the database. An entry is used only while its organization's {@link AuthzVersions} versions (authorization
 * data and credentials) are the ones it was built under: every write that can end a token (revocation, session end,
 * a user or app deactivated or deleted, an access key disabled or deleted) bumps one of them once committed, so such
 * a token fails on the very next request.
 *
 * @remarks Keyed by the whole token string: only the exact token that was verified hits. The versions live in the
 * process, so this cache does too: run one node per database (as for the authorization caches).
 */
export class PrincipalCache {
  readonly #entries: WeightedLru<string, CachedPrincipal>;
  readonly #versions: AuthzVersions;

  constructor(versions: AuthzVersions, capacity = 10_000) {
    this.#versions = versions;
    this.#entries = new WeightedLru(capacity);
  }

  /**
   * The version to build an entry under: read it BEFORE reading what the principal depends on. Both versions only
   * grow, so their sum moves whenever either does.
   */
  versionOf(realm: string): number {
    return this.#versions.current(realm) + this.#versions.credentials(realm);
  }

  /** A copy of the cached principal of `token`, if it is still current at `now` (epoch ms). */
  get(token: string, now: number): Principal | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.validUntil <= now || entry.version !== this.versionOf(entry.principal.realm)) {
      this.#entries.delete(token);
      return undefined;
    }
    return { ...entry.principal };
  }

  set(token: string, principal: Principal, version: number, validUntil: number): void {
    this.#entries.set(token, { principal: { ...principal }, version, validUntil });
  }

  get size(): number {
    return this.#entries.size;
  }
}
