import type { HrnFactory } from '@gatehouse/contracts';
import type { DefaultScope } from '../apps/app-repository.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { sha256 } from '../crypto/random.js';
import { AppError } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { AccessTokenClaims, AccessTokens } from '../tokens/access-tokens.js';
import type { AuthenticatedClient } from './client-authenticator.js';
import { type ProjectScopes, resolveProjectScope } from './project-scopes.js';

export interface TokenServiceDependencies {
  storage: Storage;
  tokens: AccessTokens;
  authenticator: Authenticator;
  projects: ProjectScopes;
  rateLimiter: RateLimiter;
  hrns: HrnFactory;
  clock: () => number;
  settings: { appRateLimitPer15Minutes: number };
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * App tokens (client credentials), and the life of issued tokens: verification, RFC 7662 introspection and RFC 7009
 * revocation.
 */
export class TokenService {
  readonly #deps: TokenServiceDependencies;

  constructor(deps: TokenServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * Issues an app token. `expiresIn` 0 or absent means the app's token duration; larger values are capped to it
   * (spec §1.4). The scope is the requested project, else the app's default scope, else none.
   */
  async clientCredentials(
    client: AuthenticatedClient,
    request: { expiresIn?: number | undefined; scope?: string | undefined },
  ) {
    await this.consumeAppRateLimit(client.appId);
    const scope = await this.#resolveScope(client, request.scope);
    const ttl =
      request.expiresIn === undefined || request.expiresIn === 0
        ? client.tokenDuration
        : Math.min(request.expiresIn, client.tokenDuration);
    const issued = await this.#deps.tokens.issue(
      {
        sub: client.appId,
        aid: client.appId,
        rlm: client.realm,
        akid: client.accessKeyId,
        ...(scope ? { scp: scope } : {}),
      },
      ttl,
      this.#deps.clock(),
    );
    return { accessToken: issued.token, expiresIn: issued.expiresIn, ...(scope ? { scope } : {}) };
  }

  /** HERE's per-app limit on the account APIs (default 25,000 requests per 15 minutes): 429002 beyond. */
  consumeAppRateLimit(appId: string): Promise<void> {
    return this.#deps.rateLimiter.consume(
      'app',
      appId,
      this.#deps.settings.appRateLimitPer15Minutes,
      FIFTEEN_MINUTES_MS,
    );
  }

  /** RFC 7662: everything about a live token, `{active: false}` for anything else. */
  async introspect(token: string) {
    if (JWS.test(token)) {
      try {
        const claims = await this.#deps.tokens.verify(token);
        const principal = await this.#deps.authenticator.principalFor(claims);
        return {
          active: true,
          token_type: 'Bearer',
          sub: claims.sub,
          ...(claims.aid !== undefined ? { client_id: claims.aid } : {}),
          ...(principal.scope !== undefined ? { scope: principal.scope } : {}),
          exp: claims.exp,
          iat: claims.iat,
          iss: claims.iss,
          aud: claims.aud,
          jti: claims.jti,
          realm: claims.rlm,
        };
      } catch (error) {
        if (error instanceof AppError) return { active: false };
        throw error;
      }
    }
    const now = this.#deps.clock();
    const session = await this.#deps.storage.sessions.findByRefreshToken(sha256(token), now);
    if (!session) return { active: false };
    const user = await this.#deps.storage.users.findById(session.userId);
    if (user?.state !== 'enabled') return { active: false };
    return {
      active: true,
      token_type: 'refresh_token',
      sub: user.id,
      realm: user.realm,
      ...(session.clientId !== undefined ? { client_id: session.clientId } : {}),
      ...(session.scope !== undefined ? { scope: session.scope } : {}),
      exp: Math.floor(session.expiresAt / 1000),
      iat: Math.floor(session.createdAt / 1000),
    };
  }

  /**
   * RFC 7009: revokes an access token (until it would have expired) or the session of a refresh token. Only the
   * client the token was issued to, or its own subject, may revoke it; unknown tokens are not an error.
   */
  async revoke(caller: { client?: AuthenticatedClient; principal?: Principal }, token: string): Promise<void> {
    const { storage, tokens, clock } = this.#deps;
    if (JWS.test(token)) {
      let claims: AccessTokenClaims;
      try {
        claims = await tokens.verify(token, { ignoreExpiry: true });
      } catch {
        return;
      }
      if (!ownsToken(caller, claims.sub, claims.aid)) throw new AppError('client.token_not_owned');
      await storage.revokedTokens.revoke(claims.jti, claims.exp * 1000, claims.rlm);
      return;
    }
    const session = await storage.sessions.findByRefreshToken(sha256(token), clock());
    if (!session) return;
    if (!ownsToken(caller, session.userId, session.clientId)) throw new AppError('client.token_not_owned');
    await storage.sessions.revoke(session.id, clock());
  }

  async #resolveScope(client: AuthenticatedClient, requested: string | undefined): Promise<string | undefined> {
    const wanted = requested?.trim() === '' ? undefined : requested?.trim();
    const fallback: DefaultScope | undefined = client.defaultScope;
    if (
      fallback &&
      wanted !== undefined &&
      wanted !== fallback.scope &&
      (fallback.isRestricted || fallback.alwaysProjectScope)
    ) {
      throw new AppError('scope.restricted');
    }
    const scope = wanted ?? fallback?.scope;
    if (scope === undefined) return undefined;
    return resolveProjectScope(this.#deps.projects, { realm: client.realm, id: client.appId }, scope);
  }
}

function ownsToken(
  caller: { client?: AuthenticatedClient; principal?: Principal },
  subject: string,
  clientId?: string,
) {
  if (caller.client) return caller.client.appId === clientId || caller.client.appId === subject;
  const principal = caller.principal;
  if (!principal) return false;
  return principal.kind === 'user'
    ? principal.userId === subject
    : principal.appId === subject || principal.appId === clientId;
}
