import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import { randomToken, sha256 } from '../crypto/random.js';
import { AppError } from '../errors/app-error.js';
import { type ProjectScopes, resolveProjectScope } from '../oauth/project-scopes.js';
import type { Storage } from '../storage/storage.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { normalizeEmail, type User } from '../users/user-repository.js';

export interface SignInSettings {
  lockoutMaxAttempts: number;
  lockoutDurationSeconds: number;
  userAccessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface SignInDependencies {
  storage: Storage;
  hasher: PasswordHasher;
  tokens: AccessTokens;
  /** Membership of the project a scoped sign-in or refresh asks for. */
  projects: ProjectScopes;
  logger: Logger;
  clock: () => number;
  settings: SignInSettings;
}

export interface UserTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  userId: string;
  realm: string;
  /** Project HRN the access token is scoped to. */
  scope?: string;
}

/** An email address with more accounts than this must give its orgId: every candidate costs one argon2 hash. */
const MAX_ACCOUNTS_WITHOUT_REALM = 8;

/**
 * Signs users in with email and password, and keeps them signed in with rotating refresh tokens.
 *
 * @remarks
 * Lockout (FAQ: five invalid attempts lock the account for a while) is counted per email address, whether or not an
 * account exists, so a locked answer says nothing about existence. Each attempt reserves its number atomically
 * before the password is hashed: of 50 parallel wrong attempts exactly five are checked and the rest are refused as
 * locked, and a right password cannot slip through in between. A successful sign-in or a completed password reset
 * clears the count.
 */
export class SignInService {
  readonly #deps: SignInDependencies;

  constructor(deps: SignInDependencies) {
    this.#deps = deps;
  }

  static lockKey(email: string): string {
    return `email:${sha256(normalizeEmail(email))}`;
  }

  async signInWithPassword(request: {
    email: string;
    password: string;
    realm?: string | undefined;
    expiresIn?: number | undefined;
    clientId?: string | undefined;
    scope?: string | undefined;
  }): Promise<UserTokens> {
    const { storage, hasher, clock, settings } = this.#deps;
    const key = SignInService.lockKey(request.email);
    const reservation = await storage.signInGuards.reserveAttempt(key, clock());
    if (reservation.lockedUntil !== undefined && reservation.lockedUntil > clock()) {
      throw this.#locked(reservation.lockedUntil);
    }
    if (reservation.attempts > settings.lockoutMaxAttempts) {
      const until = clock() + settings.lockoutDurationSeconds * 1000;
      await storage.signInGuards.lock(key, until, clock());
      throw this.#locked(until);
    }

    const candidates = await this.#candidates(request.email, request.realm);
    const verified = await Promise.all(
      candidates.length === 0
        ? [hasher.verifyOrWaste(undefined, request.password)]
        : candidates.map((user) => hasher.verify(user.passwordHash, request.password)),
    );
    const matches = candidates.filter((_user, index) => verified[index]);

    if (matches.length === 0) {
      if (reservation.attempts >= settings.lockoutMaxAttempts) {
        const until = clock() + settings.lockoutDurationSeconds * 1000;
        await storage.signInGuards.lock(key, until, clock());
        throw this.#locked(until);
      }
      throw new AppError('user.invalid_credentials');
    }
    await storage.signInGuards.clear(key);
    if (matches.length > 1) throw new AppError('user.realm_required');

    const user = matches[0] as User;
    // Only once the password is right: a refused scope says nothing to whoever does not know it.
    const scope = await this.#scopeFor(user, request.scope);
    await this.#reactivateIfSelfDeactivated(user);
    return this.#startSession(user, request.expiresIn, request.clientId, scope);
  }

  /**
   * Exchanges a refresh token for new tokens; the presented one stops working. Presenting a used refresh token
   * again ends the whole session (RFC 6819 §5.2.2.3: the token leaked). The session keeps its project scope, or takes
   * the one asked for; either way the user must (still) be a member of the project, checked before the refresh token
   * is used up so a refused scope does not cost the session.
   */
  async refresh(request: {
    refreshToken: string;
    accessToken?: string | undefined;
    expiresIn?: number | undefined;
    scope?: string | undefined;
  }): Promise<UserTokens> {
    const { storage, tokens, clock, logger } = this.#deps;
    const pending = await storage.sessions.findByRefreshToken(sha256(request.refreshToken), clock());
    const wantedScope = request.scope?.trim() ? request.scope : undefined;
    const pendingUser = pending && (await storage.users.findById(pending.userId));
    const checkedScope = pendingUser && (await this.#scopeFor(pendingUser, wantedScope ?? pending?.scope));
    if (request.accessToken !== undefined) {
      // The C++ SDK sends the previous access token along (spec §1.4): it must be ours and of the session's user.
      // Checked before the refresh token is used up, so a bad access token does not cost the session.
      const claims = await tokens.verify(request.accessToken, { ignoreExpiry: true }).catch(() => undefined);
      if (pending && claims?.sub !== pending.userId) throw new AppError('auth.token_invalid');
    }
    const outcome = await storage.sessions.consumeRefreshToken(sha256(request.refreshToken), clock());
    if (outcome.outcome === 'reused') {
      await storage.sessions.revoke(outcome.sessionId, clock());
      logger.warn({ sessionId: outcome.sessionId }, 'refresh token reused: session revoked');
      throw new AppError('session.refresh_token_invalid');
    }
    if (outcome.outcome === 'unknown') throw new AppError('session.refresh_token_invalid');

    const { session } = outcome;
    const user = await storage.users.findById(session.userId);
    if (!user) throw new AppError('auth.account_not_found');
    if (user.state !== 'enabled') throw new AppError('auth.user_not_enabled', { params: { userId: user.id } });
    const scope = session.id === pending?.id ? checkedScope : await this.#scopeFor(user, wantedScope ?? session.scope);
    if (scope !== session.scope) await storage.sessions.setScope(session.id, scope);
    const refreshToken = randomToken();
    await storage.sessions.addRefreshToken(session.id, sha256(refreshToken), clock());
    const issued = await this.#issueAccessToken(user, session.id, request.expiresIn, session.clientId, scope);
    return {
      accessToken: issued.token,
      expiresIn: issued.expiresIn,
      refreshToken,
      userId: user.id,
      realm: user.realm,
      ...(scope !== undefined ? { scope } : {}),
    };
  }

  /** Ends the session of the token used (POST /logout): its refresh and access tokens stop working. */
  async signOut(principal: Principal): Promise<void> {
    if (principal.kind === 'user' && principal.sessionId !== undefined) {
      await this.#deps.storage.sessions.revoke(principal.sessionId, this.#deps.clock());
    }
  }

  /** The project a sign-in or refresh is scoped to: `scope` when given (403109 unless a member), else none. */
  async #scopeFor(user: User, scope: string | undefined): Promise<string | undefined> {
    if (scope === undefined || scope.trim() === '') return undefined;
    return resolveProjectScope(this.#deps.projects, { realm: user.realm, id: user.id }, scope.trim());
  }

  async #candidates(email: string, realm: string | undefined): Promise<User[]> {
    const { users } = this.#deps.storage;
    const accounts = await users.findByEmail(email);
    if (realm !== undefined) {
      // orgIds are unique in any letter case and may be typed in any.
      return accounts.filter((user) => user.realm.toLowerCase() === realm.toLowerCase());
    }
    if (accounts.length > MAX_ACCOUNTS_WITHOUT_REALM) throw new AppError('user.realm_required');
    return accounts;
  }

  async #reactivateIfSelfDeactivated(user: User): Promise<void> {
    if (user.state === 'enabled') return;
    if (user.deactivatedBy !== 'self') {
      throw new AppError('auth.user_not_enabled', { params: { userId: user.id } });
    }
    // FAQ: signing in with the same email and password reactivates. Sessions from before stay ended.
    const now = this.#deps.clock();
    await this.#deps.storage.transaction(async ({ users, sessions }) => {
      await users.setState(user.id, 'enabled', undefined, now);
      await sessions.revokeAllOfUser(user.id, now);
    });
    this.#deps.logger.info({ userId: user.id }, 'user reactivated by signing in');
  }

  async #startSession(
    user: User,
    expiresIn: number | undefined,
    clientId: string | undefined,
    scope: string | undefined,
  ): Promise<UserTokens> {
    const { storage, clock, settings } = this.#deps;
    const now = clock();
    const sessionId = randomUUID();
    const refreshToken = randomToken();
    await storage.sessions.create(
      {
        id: sessionId,
        userId: user.id,
        ...(clientId !== undefined ? { clientId } : {}),
        createdAt: now,
        expiresAt: now + settings.refreshTokenTtlSeconds * 1000,
        ...(scope !== undefined ? { scope } : {}),
      },
      sha256(refreshToken),
    );
    const issued = await this.#issueAccessToken(user, sessionId, expiresIn, clientId, scope);
    return {
      accessToken: issued.token,
      expiresIn: issued.expiresIn,
      refreshToken,
      userId: user.id,
      realm: user.realm,
      ...(scope !== undefined ? { scope } : {}),
    };
  }

  #issueAccessToken(
    user: User,
    sessionId: string,
    expiresIn: number | undefined,
    clientId: string | undefined,
    scope: string | undefined,
  ) {
    const maximum = this.#deps.settings.userAccessTokenTtlSeconds;
    const ttl = expiresIn === undefined || expiresIn === 0 ? maximum : Math.min(expiresIn, maximum);
    return this.#deps.tokens.issue(
      {
        sub: user.id,
        rlm: user.realm,
        sid: sessionId,
        ...(clientId !== undefined ? { aid: clientId } : {}),
        ...(scope !== undefined ? { scp: scope } : {}),
      },
      ttl,
      this.#deps.clock(),
    );
  }

  #locked(until: number): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((until - this.#deps.clock()) / 1000));
    return new AppError('user.locked', {
      params: { retryAfterMinutes: Math.ceil(retryAfterSeconds / 60) },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
