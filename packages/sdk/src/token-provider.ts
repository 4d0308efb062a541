import { TimestampResponse, TokenResponse } from '@gatehouse/contracts';
import type { Credentials } from './credentials.js';
import { GatehouseError } from './errors.js';
import { oauthAuthorizationHeader } from './oauth1.js';
import { HttpTransport, type TransportOptions } from './transport.js';

/** HERE's "Time stamp is outside the valid period." (spec §1.8): the local clock is off. */
export const TIMESTAMP_OUT_OF_WINDOW = 401204;

export interface AccessToken {
  accessToken: string;
  /** Epoch milliseconds (local clock). */
  expiresAt: number;
  /** The project the token is scoped to, if any. */
  scope?: string | undefined;
}

export interface TokenProviderOptions extends TransportOptions {
  credentials: Credentials;
  /**
   * Project HRN to request. Precedence: this, then `here.token.scope` of the credentials, then the app's default
   * scope (chosen by the server when no scope is sent), then none.
   */
  scope?: string;
  /** Requested lifetime in seconds; the server caps it at the app's token duration. */
  expiresIn?: number;
  /** Renew this many seconds before expiry (default a tenth of the lifetime, at most 5 minutes). */
  refreshMarginSeconds?: number;
  /** Local clock in epoch milliseconds (default Date.now). */
  now?: () => number;
  transport?: HttpTransport;
}

/** The scope to request: an explicit one, else the credentials' `here.token.scope`, else none (server default). */
export function resolveScope(explicit: string | undefined, credentials: Credentials): string | undefined {
  return explicit ?? credentials.scope;
}

/**
 * Gets app tokens with an access key: signs `POST /oauth2/token` with OAuth 1.0 HMAC-SHA256, caches the token and
 * renews it before it expires. Concurrent callers share one request. When the server answers 401204 (timestamp out
 * of window) the provider reads the server time from `GET /timestamp` once, and signs with that offset from then on.
 */
export class TokenProvider {
  readonly #credentials: Credentials;
  readonly #scope: string | undefined;
  readonly #expiresIn: number | undefined;
  readonly #refreshMarginSeconds: number | undefined;
  readonly #now: () => number;
  readonly #transport: HttpTransport;
  #cached: AccessToken | undefined;
  #cachedLifetimeMs = 0;
  #inFlight: Promise<AccessToken> | undefined;
  /** Server time minus local time, in milliseconds, learnt from `GET /timestamp`. */
  #clockOffsetMs = 0;

  constructor(options: TokenProviderOptions) {
    this.#credentials = options.credentials;
    this.#scope = resolveScope(options.scope, options.credentials);
    this.#expiresIn = options.expiresIn;
    this.#refreshMarginSeconds = options.refreshMarginSeconds;
    this.#now = options.now ?? Date.now;
    this.#transport = options.transport ?? new HttpTransport(options);
  }

  /** The scope this provider requests (undefined: the app's default scope, if it has one). */
  get requestedScope(): string | undefined {
    return this.#scope;
  }

  /** Server time minus local time in milliseconds, as last learnt from `GET /timestamp` (0 until then). */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  /** A valid token: the cached one, or a new one when it is missing or close to expiry. */
  async getToken(): Promise<AccessToken> {
    const cached = this.#cached;
    if (cached && !this.#dueForRenewal(cached)) return cached;
    this.#inFlight ??= this.#fetchToken().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Forgets the cached token (e.g. after the server refused it), so the next call gets a new one. */
  invalidate(): void {
    this.#cached = undefined;
  }

  #dueForRenewal(token: AccessToken): boolean {
    const marginMs =
      this.#refreshMarginSeconds !== undefined
        ? this.#refreshMarginSeconds * 1000
        : Math.min(300_000, Math.floor(this.#cachedLifetimeMs / 10));
    return this.#now() >= token.expiresAt - marginMs;
  }

  async #fetchToken(): Promise<AccessToken> {
    let response: Awaited<ReturnType<HttpTransport['send']>>;
    try {
      response = await this.#requestToken();
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.errorCode !== TIMESTAMP_OUT_OF_WINDOW) throw error;
      await this.#syncClock();
      response = await this.#requestToken();
    }
    const parsed = TokenResponse.safeParse(response.body);
    if (!parsed.success) {
      throw new GatehouseError({
        httpStatus: response.status,
        message: `The token endpoint ${this.#credentials.tokenEndpointUrl} answered something that is not a token.`,
      });
    }
    const lifetimeMs = parsed.data.expiresIn * 1000;
    const token: AccessToken = {
      accessToken: parsed.data.accessToken,
      expiresAt: this.#now() + lifetimeMs,
      ...(parsed.data.scope !== undefined ? { scope: parsed.data.scope } : {}),
    };
    this.#cached = token;
    this.#cachedLifetimeMs = lifetimeMs;
    return token;
  }

  #requestToken() {
    const { tokenEndpointUrl, accessKeyId, accessKeySecret } = this.#credentials;
    return this.#transport.send({
      method: 'POST',
      url: tokenEndpointUrl,
      // Each attempt is signed anew, and a second token does no harm.
      idempotent: true,
      headers: () => ({
        Authorization: oauthAuthorizationHeader({
          method: 'POST',
          url: tokenEndpointUrl,
          accessKeyId,
          accessKeySecret,
          timestamp: Math.floor((this.#now() + this.#clockOffsetMs) / 1000),
        }),
      }),
      json: {
        grantType: 'client_credentials',
        ...(this.#scope !== undefined ? { scope: this.#scope } : {}),
        ...(this.#expiresIn !== undefined ? { expiresIn: this.#expiresIn } : {}),
      },
    });
  }

  /** HERE's Java SDK does the same: `/timestamp` next to `/oauth2/token`, asked only after a 401204. */
  async #syncClock(): Promise<void> {
    const url = new URL(this.#credentials.tokenEndpointUrl);
    url.pathname = url.pathname.replace(/\/oauth2\/token\/?$/, '/timestamp');
    url.search = '';
    const before = this.#now();
    const response = await this.#transport.send({ method: 'GET', url: url.toString() });
    const after = this.#now();
    const parsed = TimestampResponse.safeParse(response.body);
    if (!parsed.success) {
      throw new GatehouseError({ httpStatus: response.status, message: `${url} did not answer a timestamp.` });
    }
    this.#clockOffsetMs = parsed.data.timestamp * 1000 - Math.round((before + after) / 2);
  }
}
