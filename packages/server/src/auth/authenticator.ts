import type { HrnFactory } from '@gatehouse/contracts';
import type { FastifyRequest } from 'fastify';
import type { UsageRecorder } from '../credentials/usage-recorder.js';
import { constantTimeEqual, sha256 } from '../crypto/random.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { AccessTokenClaims, AccessTokens } from '../tokens/access-tokens.js';
import { sessionAccessToken } from '../web/session-cookies.js';
import type { AppPrincipal, Principal, UserPrincipal } from './principal.js';
import type { PrincipalCache } from './principal-cache.js';

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

export interface AuthenticatorDependencies {
  tokens: AccessTokens;
  storage: Storage;
  box: SecretBox;
  hrns: HrnFactory;
  apiKeyUsage: UsageRecorder;
  clock: () => number;
  /** Principals of tokens already checked; without it every request verifies and looks up its token. */
  principals?: PrincipalCache;
}

export interface AuthenticationOptions {
  /** The route accepts the token of a user who deactivated their own account (to delete it). */
  allowSelfDeactivated?: boolean;
  /** The route accepts `?apiKey=` (and the deprecated `?app_id=&app_code=`) in place of a bearer token. */
  acceptApiKey?: boolean;
}

/**
 * Turns a request's credentials into a {@link Principal}: a bearer token, or the web console's session cookie with
 * its CSRF header (signature and claims checked, then the subject looked up so that a deactivated user or app, an
 * ended session, a disabled access key or a revoked token stops working on the very next request), or, where HERE
 * accepts them, an API key or a legacy APP CODE.
 */
export class Authenticator {
  readonly #deps: AuthenticatorDependencies;

  constructor(deps: AuthenticatorDependencies) {
    this.#deps = deps;
  }

  async authenticateRequest(request: FastifyRequest, mode: 'user' | 'identity'): Promise<Principal> {
    const config = request.routeOptions.config;
    const options: AuthenticationOptions = {
      allowSelfDeactivated: config?.allowSelfDeactivated === true,
      acceptApiKey: config?.acceptApiKey === true,
    };
    let principal: Principal;
    const query = request.query as Record<string, unknown> | undefined;
    if (options.acceptApiKey && request.headers.authorization === undefined && typeof query?.apiKey === 'string') {
      principal = await this.authenticateApiKey(query.apiKey);
    } else if (
      options.acceptApiKey &&
      request.headers.authorization === undefined &&
      typeof query?.app_id === 'string' &&
      typeof query.app_code === 'string'
    ) {
      principal = await this.authenticateAppCode(query.app_id, query.app_code);
    } else if (request.headers.authorization === undefined && request.headers.cookie !== undefined) {
      const sessionToken = sessionAccessToken(request);
      principal = sessionToken
        ? await this.authenticateToken(sessionToken, options)
        : await this.authenticateHeader(undefined, options);
    } else {
      principal = await this.authenticateHeader(request.headers.authorization, options);
    }
    if (mode === 'user' && principal.kind !== 'user') throw new AppError('auth.wrong_token_type');
    return principal;
  }

  async authenticateHeader(header: string | undefined, options: AuthenticationOptions = {}): Promise<Principal> {
    if (header === undefined || header === '') throw new AppError('auth.header_missing');
    const token = bearerToken(header);
    if (!token) throw new AppError('auth.bearer_format');
    return this.authenticateToken(token, options);
  }

  /** @throws AppError 400300, 400600, 400601, 401311, 401424, 401500, 401600, 401701 or 404660 (401) */
  async authenticateToken(token: string, options: AuthenticationOptions = {}): Promise<Principal> {
    const { principals, clock } = this.#deps;
    const cached = principals?.get(token, clock());
    if (cached) return cached;
    const claims = await this.#deps.tokens.verify(token);
    // Read before the lookups: a write committed after them bumps it, so the entry is stale on the next request.
    const version = principals?.versionOf(claims.rlm);
    const checked = await this.#check(claims, options);
    if (principals && version !== undefined && checked.enabled) {
      principals.set(token, checked.principal, version, Math.min(claims.exp * 1000, checked.sessionEnd ?? Infinity));
    }
    return checked.principal;
  }

  /** The principal of verified claims, if its subject, session, key and token are all still good. */
  async principalFor(claims: AccessTokenClaims, options: AuthenticationOptions = {}): Promise<Principal> {
    return (await this.#check(claims, options)).principal;
  }

  /**
   * The principal of `claims`, whether its subject is enabled (a self-deactivated user let in by
   * `allowSelfDeactivated` is not, and is not cached), and when its session ends.
   */
  async #check(
    claims: AccessTokenClaims,
    options: AuthenticationOptions,
  ): Promise<{ principal: Principal; enabled: boolean; sessionEnd?: number }> {
    if (await this.#deps.storage.revokedTokens.isRevoked(claims.jti)) throw new AppError('auth.token_revoked');
    if (claims.sub.startsWith('HERE-')) return this.#user(claims, options.allowSelfDeactivated === true);
    return { principal: await this.#app(claims), enabled: true };
  }

  /** An API key authenticates as its app (spec §3); HERE's answer to a bad key is a plain 401. */
  async authenticateApiKey(apiKey: string): Promise<AppPrincipal> {
    const { storage, hrns, clock } = this.#deps;
    if (!/^[A-Za-z0-9_-]{20,128}$/.test(apiKey)) throw new AppError('api_key.invalid');
    const key = await storage.apiKeys.findByHashWithApp(sha256(apiKey));
    const now = clock();
    if (!key?.enabled || (key.expiresAt !== undefined && key.expiresAt <= now)) {
      throw new AppError('api_key.invalid');
    }
    if (key.appStatus !== 'active') throw new AppError('client.not_active');
    this.#deps.apiKeyUsage.record(key.id, now);
    const app = await storage.apps.findById(key.appId);
    const scope = app?.defaultScope?.alwaysProjectScope ? app.defaultScope.scope : undefined;
    return {
      kind: 'app',
      appId: key.appId,
      realm: key.appRealm,
      hrn: hrns.app(key.appRealm, key.appId),
      apiKeyId: key.id,
      ...(scope !== undefined ? { scope } : {}),
      tokenId: `apikey:${key.id}`,
      expiresAt: Math.floor((key.expiresAt ?? now + 86_400_000) / 1000),
    };
  }

  /** Deprecated APP CODE credentials (`app_id` + `app_code`) keep working where API keys do. */
  async authenticateAppCode(appId: string, appCode: string): Promise<AppPrincipal> {
    const { storage, hrns, box, clock } = this.#deps;
    const app = /^[A-Za-z0-9]{1,64}$/.test(appId) ? await storage.apps.findById(appId) : undefined;
    const expected = app?.appCodeSealed ? box.open(app.appCodeSealed, `app-code:${app.id}`) : undefined;
    if (!app || expected === undefined || !constantTimeEqual(expected, appCode)) throw new AppError('api_key.invalid');
    if (app.status !== 'active') throw new AppError('client.not_active');
    return {
      kind: 'app',
      appId: app.id,
      realm: app.realm,
      hrn: hrns.app(app.realm, app.id),
      legacyAppCode: true,
      tokenId: `appcode:${app.id}`,
      expiresAt: Math.floor(clock() / 1000) + 86_400,
    };
  }

  async #user(
    claims: AccessTokenClaims,
    allowSelfDeactivated: boolean,
  ): Promise<{ principal: UserPrincipal; enabled: boolean; sessionEnd?: number }> {
    const { storage, hrns, clock } = this.#deps;
    const user = await storage.users.findById(claims.sub);
    if (!user || user.realm !== claims.rlm) throw new AppError('auth.account_not_found');
    if (user.state !== 'enabled' && !(allowSelfDeactivated && user.deactivatedBy === 'self')) {
      throw new AppError('auth.user_not_enabled', { params: { userId: user.id } });
    }
    let sessionEnd: number | undefined;
    if (claims.sid !== undefined) {
      const session = await storage.sessions.findById(claims.sid);
      if (!session || session.userId !== user.id || session.revokedAt !== undefined || session.expiresAt <= clock()) {
        throw new AppError('auth.token_revoked');
      }
      sessionEnd = session.expiresAt;
    }
    const principal: UserPrincipal = {
      kind: 'user',
      userId: user.id,
      realm: user.realm,
      hrn: hrns.user(user.realm, user.id),
      tokenId: claims.jti,
      expiresAt: claims.exp,
      ...(claims.sid !== undefined ? { sessionId: claims.sid } : {}),
      ...(claims.aid !== undefined ? { appId: claims.aid } : {}),
      ...(claims.scp !== undefined ? { scope: claims.scp } : {}),
    };
    return { principal, enabled: user.state === 'enabled', ...(sessionEnd !== undefined ? { sessionEnd } : {}) };
  }

  async #app(claims: AccessTokenClaims): Promise<AppPrincipal> {
    const { storage, hrns } = this.#deps;
    const app = await storage.apps.findById(claims.sub);
    if (!app || app.realm !== claims.rlm) throw new AppError('auth.app_not_found');
    if (app.status !== 'active') throw new AppError('client.not_active');
    if (claims.akid !== undefined) {
      const key = await storage.accessKeys.findById(claims.akid);
      if (!key || key.appId !== app.id) throw new AppError('auth.token_revoked');
      if (!key.enabled) throw new AppError('client.access_key_disabled');
    }
    return {
      kind: 'app',
      appId: app.id,
      realm: app.realm,
      hrn: hrns.app(app.realm, app.id),
      tokenId: claims.jti,
      expiresAt: claims.exp,
      ...(claims.akid !== undefined ? { accessKeyId: claims.akid } : {}),
      ...(claims.scp !== undefined ? { scope: claims.scp } : {}),
    };
  }
}
