import { randomToken, sha256 } from '../crypto/random.js';
import type { OneTimeTokenPurpose } from '../storage/tables.js';
import type { OneTimeToken, OneTimeTokenRepository } from './one-time-token-repository.js';

/**
 * Single-use links (setup, email verification, password reset): 256 random bits handed out once, only their
 * SHA-256 stored, consumed atomically.
 */
export class OneTimeLinks {
  readonly #tokens: OneTimeTokenRepository;
  readonly #clock: () => number;

  constructor(tokens: OneTimeTokenRepository, clock: () => number) {
    this.#tokens = tokens;
    this.#clock = clock;
  }

  /** A new token; with `replacePrevious`, the live tokens of the same user (or purpose) stop working. */
  async issue(
    purpose: OneTimeTokenPurpose,
    options: { userId?: string; ttlSeconds: number; replacePrevious?: boolean },
  ): Promise<string> {
    const now = this.#clock();
    if (options.replacePrevious) {
      if (options.userId !== undefined) await this.#tokens.invalidateForUser(options.userId, purpose, now);
      else await this.#tokens.invalidatePurpose(purpose, now);
    }
    const token = randomToken();
    await this.#tokens.insert({
      tokenHash: sha256(token),
      purpose,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      createdAt: now,
      expiresAt: now + options.ttlSeconds * 1000,
    });
    return token;
  }

  peek(token: string, purpose: OneTimeTokenPurpose): Promise<OneTimeToken | undefined> {
    return this.#tokens.peek(sha256(token), purpose, this.#clock());
  }

  consume(token: string, purpose: OneTimeTokenPurpose): Promise<OneTimeToken | undefined> {
    return this.#tokens.consumeOnce(sha256(token), purpose, this.#clock());
  }
}
