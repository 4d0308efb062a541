import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { AppError } from '../errors/app-error.js';
import type { KeyRing } from './key-ring.js';

/**
 * Claims of Gatehouse access tokens: HERE's (`aid` app, `rlm` realm, `scp` project scope; spec §1.5) plus the
 * registered ones. `sid` ties a user token to its session and `akid` an app token to the access key that obtained
 * it, so that logging out or disabling the key ends the token at our verification endpoints.
 */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  rlm: string;
  iat: number;
  exp: number;
  jti: string;
  aid?: string;
  scp?: string;
  sid?: string;
  akid?: string;
}

export type AccessTokenSubject = Pick<AccessTokenClaims, 'sub' | 'rlm' | 'aid' | 'scp' | 'sid' | 'akid'>;

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  claims: AccessTokenClaims;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class AccessTokens {
  readonly #keys: KeyRing;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #clock: () => number;

  /** `clock` (epoch ms) is the time `exp` is checked against, the same source every service uses. */
  constructor(keys: KeyRing, options: { issuer: string; audience: string; clock?: () => number }) {
    this.#keys = keys;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.#clock = options.clock ?? Date.now;
  }

  async issue(subject: AccessTokenSubject, ttlSeconds: number, now = Date.now()): Promise<IssuedAccessToken> {
    const iat = Math.floor(now / 1000);
    const claims: AccessTokenClaims = {
      iss: this.#issuer,
      aud: this.#audience,
      ...withoutUndefined(subject),
      iat,
      exp: iat + ttlSeconds,
      jti: randomUUID(),
    };
    return { token: await this.#keys.signJwt(claims), expiresIn: ttlSeconds, claims };
  }

  /**
   * Checks signature (algorithm pinned to the key's), `typ`, `iss`, `aud`, `exp` and `nbf`. Whether the subject
   * is still allowed in is the caller's next step.
   *
   * @throws AppError `auth.token_invalid_characters`, `auth.token_expired` or `auth.token_invalid`.
   */
  async verify(token: string, options: { ignoreExpiry?: boolean } = {}): Promise<AccessTokenClaims> {
    if (token.length > 8192 || !COMPACT_JWS.test(token)) throw new AppError('auth.token_invalid_characters');
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid === undefined ? undefined : await this.#keys.find(header.kid);
          if (!key || header.alg !== key.algorithm) throw new joseErrors.JWSSignatureVerificationFailed();
          return key.publicKey;
        },
        {
          algorithms: ['ES256', 'EdDSA'],
          issuer: this.#issuer,
          audience: this.#audience,
          typ: 'at+jwt',
          requiredClaims: ['sub', 'rlm', 'jti', 'exp', 'iat'],
          clockTolerance: 30,
          currentDate: options.ignoreExpiry ? new Date(0) : new Date(this.#clock()),
        },
      );
      return payload as unknown as AccessTokenClaims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError('auth.token_expired', { cause: error });
      throw new AppError('auth.token_invalid', { cause: error });
    }
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
