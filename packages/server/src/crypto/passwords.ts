import { hash, verify } from '@node-rs/argon2';
import { randomToken } from './random.js';

/** `Algorithm.Argon2id` of @node-rs/argon2, a const enum that isolated modules cannot import. */
const ARGON2ID = 2;

export interface PasswordHashingOptions {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/**
 * argon2id hashing on libuv's thread pool (`@node-rs/argon2` is asynchronous), so the event loop never waits for a
 * hash. `verifyOrWaste` exists so that unknown accounts cost the same time as known ones.
 */
export class PasswordHasher {
  readonly #options: PasswordHashingOptions;
  #dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHashingOptions) {
    this.#options = options;
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.#options.memoryKiB,
      timeCost: this.#options.iterations,
      parallelism: this.#options.parallelism,
    });
  }

  /** False for a wrong password and for a hash that is not an argon2 hash. */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Verifies against `passwordHash`, or against a throw-away hash of the same cost when there is no account, so the
   * answer takes as long either way. Always false without a hash.
   */
  async verifyOrWaste(passwordHash: string | undefined, password: string): Promise<boolean> {
    if (passwordHash !== undefined) return this.verify(passwordHash, password);
    this.#dummyHash ??= this.hash(randomToken());
    await this.verify(await this.#dummyHash, password);
    return false;
  }
}
