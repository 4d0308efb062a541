import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';

/** Claims of a Gatehouse (HERE) access token: `rlm` organization, `aid` app, `scp` project scope (spec §1.5). */
export interface TokenClaims extends JWTPayload {
  sub: string;
  rlm: string;
  aid?: string;
  scp?: string;
}

export interface TokenVerifierOptions {
  /** Server base URL: the issuer, and the audience unless `audience` says otherwise; JWKS at `/.well-known/jwks.json`. */
  baseUrl: string;
  issuer?: string;
  audience?: string;
  jwksUrl?: string;
  /** Accepted signature algorithms: what the server publishes (default ES256, Gatehouse's default). */
  algorithms?: string[];
  /** How long fetched keys are trusted before a refetch (default 10 minutes). */
  cacheMaxAgeMs?: number;
  /** Least time between two refetches triggered by an unknown `kid` (default 30 s). */
  cooldownMs?: number;
  clockToleranceSeconds?: number;
  /** The verifier's clock (default now). */
  now?: () => Date;
}

export type VerificationFailure = 'missing' | 'malformed' | 'expired' | 'invalid';

/** A token the verifier refuses; `reason` separates expired tokens (clients renew) from bad ones. */
export class TokenVerificationError extends Error {
  override name = 'TokenVerificationError';
  readonly reason: VerificationFailure;

  constructor(reason: VerificationFailure, message: string, cause?: unknown) {
    super(message, { cause });
    this.reason = reason;
  }
}

/**
 * Verifies bearer tokens locally against the server's JWKS, for resource servers: signature with the pinned
 * algorithms, `iss`, `aud`, `exp`/`nbf`. Keys are cached; a token signed by a key not yet seen (the server rotated)
 * makes the verifier refetch the set, at most once per cooldown.
 */
export class TokenVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #algorithms: string[];
  readonly #clockTolerance: number;
  readonly #now: (() => Date) | undefined;

  constructor(options: TokenVerifierOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.#issuer = options.issuer ?? base;
    this.#audience = options.audience ?? base;
    this.#algorithms = options.algorithms ?? ['ES256'];
    this.#clockTolerance = options.clockToleranceSeconds ?? 30;
    this.#now = options.now;
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl ?? `${base}/.well-known/jwks.json`), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
    });
  }

  async verify(token: string): Promise<TokenClaims> {
    if (token === '') throw new TokenVerificationError('missing', 'No bearer token.');
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        algorithms: this.#algorithms,
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ['sub', 'rlm', 'exp'],
        clockTolerance: this.#clockTolerance,
        ...(this.#now ? { currentDate: this.#now() } : {}),
      });
      return payload as TokenClaims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenVerificationError('expired', 'Token expired.', error);
      if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
        throw new TokenVerificationError('malformed', 'Malformed token.', error);
      }
      throw new TokenVerificationError('invalid', `Invalid token: ${(error as Error).message}`, error);
    }
  }
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
