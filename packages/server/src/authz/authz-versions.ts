/**
 * Versions of each organization's authorization data. Writes that can change a decision bump the version of the
 * organizations they touch (or of all, when they cannot tell which) once they are committed; cached decision inputs
 * carry the version they were built at, so the next request after a change sees it (read-your-writes).
 *
 * @remarks This implementation lives in one process. Several nodes need a shared implementation (planned on Redis
 * with the multi-node work); until then run one node per database.
 */
export class AuthzVersions {
  readonly #versions = new Map<string, number>();
  readonly #credentials = new Map<string, number>();
  #everything = 0;

  /** Version of an organization's data; it also moves when everything is bumped. */
  current(realm: string): number {
    return (this.#versions.get(realm.toLowerCase()) ?? 0) + this.#everything * 2 ** 20;
  }

  /** Moves on every bump: a compile that saw it move may have read half-changed data and is not cached. */
  get epoch(): number {
    return this.#epoch;
  }
  #epoch = 0;

  /** Marks organizations changed; without arguments, every organization. */
  bump(...realms: string[]): void {
    this.#epoch++;
    if (realms.length === 0) {
      this.#everything++;
      return;
    }
    for (const realm of realms) {
      const key = realm.toLowerCase();
      this.#versions.set(key, (this.#versions.get(key) ?? 0) + 1);
    }
  }

  /**
   * Version of an organization's credentials: moves when a session ends, a token is revoked or an access key is
   * disabled or deleted. Kept apart from {@link current} so that a logout does not make the organization's compiled
   * permissions stale.
   */
  credentials(realm: string): number {
    return this.#credentials.get(realm.toLowerCase()) ?? 0;
  }

  /** Marks credentials of organizations changed. */
  bumpCredentials(...realms: string[]): void {
    for (const realm of realms) {
      const key = realm.toLowerCase();
      this.#credentials.set(key, (this.#credentials.get(key) ?? 0) + 1);
    }
  }
}

/** What repositories call after a write that can change decisions: the organization, or none for "any". */
export type AuthzChange = (realm?: string) => void;

/** What repositories call after a write that can end tokens without changing decisions: the organization. */
export type CredentialChange = (realm: string) => void;
