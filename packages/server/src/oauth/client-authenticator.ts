import type { FastifyRequest } from 'fastify';
import type { DefaultScope } from '../apps/app-repository.js';
import type { AccessKeyWithApp } from '../credentials/access-key-repository.js';
import { accessKeySecretContext } from '../credentials/credential-service.js';
import type { UsageRecorder } from '../credentials/usage-recorder.js';
import { constantTimeEqual, sha256 } from '../crypto/random.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../errors/app-error.js';
import type { KeyValueStore } from '../kv/key-value-store.js';
import {
  hmacSha256Signature,
  normalizeBaseUrl,
  type ParameterList,
  parseOAuthHeader,
  parseParameters,
  signatureBaseString,
} from '../oauth1/signature.js';
import type { Storage } from '../storage/storage.js';

/** An app authenticated by one of its access keys. */
export interface AuthenticatedClient {
  appId: string;
  realm: string;
  accessKeyId: string;
  tokenDuration: number;
  defaultScope?: DefaultScope;
  method: 'oauth1' | 'client_secret_basic' | 'client_secret_post';
}

export interface ClientAuthenticatorDependencies {
  storage: Storage;
  box: SecretBox;
  nonces: KeyValueStore;
  usage: UsageRecorder;
  publicUrl: string;
  clock: () => number;
  /**
   * How far a request's oauth_timestamp may be from the server clock. A nonce is remembered until its timestamp
   * leaves that window, after which the request is refused as stale anyway.
   */
  timestampSkewSeconds: number;
}

/** Opened access-key secrets kept in memory before the cache starts over. */
const OPENED_SECRETS_LIMIT = 10_000;

const REQUIRED = ['oauth_consumer_key', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce'];

/**
 * Authenticates the client of a token request: an OAuth 1.0 HMAC-SHA256 signature made with an access key, exactly
 * as HERE's TypeScript, Java, C++ and Python clients sign (spec §1.1-1.3), or, for generic OAuth 2.0 clients, the
 * access key id and secret as `client_secret_basic` or `client_secret_post` (RFC 6749 §2.3.1).
 */
export class ClientAuthenticator {
  readonly #deps: ClientAuthenticatorDependencies;
  readonly #secrets = new Map<string, string>();

  constructor(deps: ClientAuthenticatorDependencies) {
    this.#deps = deps;
  }

  /**
   * The authenticated client, or undefined when the request carries no client credentials at all.
   * @throws AppError with HERE's 4012xx/4013xx/401424 codes when credentials are present but wrong.
   */
  async authenticate(
    request: FastifyRequest,
    body: { clientId?: string | undefined; clientSecret?: string | undefined },
  ): Promise<AuthenticatedClient | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined && /^\s*OAuth(?:\s|$)/i.test(header)) return this.#oauth1(request, header);
    if (header !== undefined && /^\s*Basic\s/i.test(header)) {
      const [id, secret] = decodeBasic(header);
      return this.#secret(id, secret, 'client_secret_basic');
    }
    if (header !== undefined && header.trim() !== '') throw new AppError('client.invalid_credentials');
    if (body.clientId !== undefined || body.clientSecret !== undefined) {
      return this.#secret(body.clientId, body.clientSecret, 'client_secret_post');
    }
    return undefined;
  }

  async #oauth1(request: FastifyRequest, header: string): Promise<AuthenticatedClient> {
    const { clock, timestampSkewSeconds, nonces } = this.#deps;
    const oauth = parseOAuthHeader(header);
    if (oauth === undefined || oauth === 'malformed' || REQUIRED.some((name) => !oauth.has(name))) {
      throw new AppError('client.oauth_header_malformed');
    }
    if (oauth.get('oauth_signature_method') !== 'HMAC-SHA256')
      throw new AppError('client.signature_method_unsupported');
    const version = oauth.get('oauth_version');
    if (version !== undefined && version !== '1.0') throw new AppError('client.oauth_version_unsupported');
    const timestamp = oauth.get('oauth_timestamp') ?? '';
    if (!/^\d{1,12}$/.test(timestamp)) throw new AppError('client.oauth_header_malformed');
    if (Math.abs(clock() / 1000 - Number(timestamp)) > timestampSkewSeconds) {
      throw new AppError('client.timestamp_out_of_window');
    }

    const consumerKey = oauth.get('oauth_consumer_key') ?? '';
    const key = await this.#deps.storage.accessKeys.findWithApp(consumerKey);
    if (!key) {
      if (/^[A-Za-z0-9]{20}$/.test(consumerKey) && (await this.#deps.storage.apps.findById(consumerKey))) {
        throw new AppError('client.client_id_as_consumer_key');
      }
      throw new AppError('client.signature_mismatch');
    }
    const secret = this.#open(key);
    const parameters = signedParameters(request, oauth);
    if (parameters === undefined) throw new AppError('client.oauth_header_malformed');
    const presented = oauth.get('oauth_signature') ?? '';
    const matches = candidateBaseUrls(request, this.#deps.publicUrl).some((url) =>
      constantTimeEqual(hmacSha256Signature(signatureBaseString(request.method, url, parameters), secret), presented),
    );
    if (!matches) throw new AppError('client.signature_mismatch');

    // RFC 5849 §3.3: a nonce is unique per timestamp and credentials. Once the timestamp is outside the window the
    // request is stale, so the nonce need not be remembered longer; its hash keeps the entry small.
    const nonce = oauth.get('oauth_nonce') ?? '';
    const rememberMs = (Number(timestamp) + timestampSkewSeconds) * 1000 - clock() + 1000;
    if (!(await nonces.setIfAbsent(`nonce:${sha256(`${key.id}:${timestamp}:${nonce}`).slice(0, 22)}`, rememberMs))) {
      throw new AppError('client.nonce_reused');
    }
    return this.#accept(key, 'oauth1');
  }

  async #secret(
    id: string | undefined,
    secret: string | undefined,
    method: 'client_secret_basic' | 'client_secret_post',
  ): Promise<AuthenticatedClient> {
    if (!id || !secret) throw new AppError('client.invalid_credentials');
    const key = await this.#deps.storage.accessKeys.findWithApp(id);
    if (!key || !constantTimeEqual(this.#open(key), secret)) throw new AppError('client.invalid_credentials');
    return this.#accept(key, method);
  }

  #accept(key: AccessKeyWithApp, method: AuthenticatedClient['method']): AuthenticatedClient {
    if (!key.enabled) throw new AppError('client.access_key_disabled');
    if (key.appStatus !== 'active') throw new AppError('client.not_active');
    this.#deps.usage.record(key.id, this.#deps.clock());
    return {
      appId: key.appId,
      realm: key.appRealm,
      accessKeyId: key.id,
      tokenDuration: key.appTokenDuration,
      ...(key.appDefaultScope ? { defaultScope: key.appDefaultScope } : {}),
      method,
    };
  }

  /**
   * The key's secret in the clear. Opening it (AES-GCM set-up) costs more than the rest of the key lookup, so
   * opened secrets are kept, by key id and sealed value: a rotated secret or a sealed value copied to another key
   * is opened (and checked) anew. The key row itself, with its enabled flag, is still read on every request.
   */
  #open(key: AccessKeyWithApp): string {
    const cacheKey = `${key.id}\u0000${key.secretSealed}`;
    let secret = this.#secrets.get(cacheKey);
    if (secret === undefined) {
      secret = this.#deps.box.open(key.secretSealed, accessKeySecretContext(key.id));
      if (this.#secrets.size >= OPENED_SECRETS_LIMIT) this.#secrets.clear();
      this.#secrets.set(cacheKey, secret);
    }
    return secret;
  }
}

/** OAuth parameters (minus the signature) + query parameters + form parameters (never a JSON body). */
function signedParameters(request: FastifyRequest, oauth: Map<string, string>): ParameterList | undefined {
  const parameters: ParameterList = [...oauth].filter(([name]) => name !== 'oauth_signature');
  const query = request.url.includes('?') ? parseParameters(request.url.slice(request.url.indexOf('?') + 1)) : [];
  if (query === undefined) return undefined;
  parameters.push(...query);
  if (request.rawFormBody !== undefined) {
    const form = parseParameters(request.rawFormBody);
    if (form === undefined) return undefined;
    parameters.push(...form);
  }
  return parameters;
}

/**
 * The URLs the client may have signed: the configured public URL (with its path prefix, for servers behind a
 * proxy) and the URL the request itself names, each normalized and with the default port written out (HERE's
 * TypeScript client signs its configured URL literally).
 */
export function candidateBaseUrls(request: FastifyRequest, publicUrl: string): string[] {
  const path = request.url.split('?')[0] ?? '/';
  const bases: string[] = [];
  const configured = new URL(publicUrl);
  const prefix = configured.pathname.replace(/\/+$/, '');
  bases.push(`${configured.origin}${prefix}${path}`);
  if (prefix !== '') bases.push(`${configured.origin}${path}`);
  if (request.host) bases.push(`${request.protocol}://${request.host}${path}`);
  const candidates = new Set<string>();
  for (const base of bases) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      continue;
    }
    const normalized = normalizeBaseUrl(url);
    candidates.add(normalized);
    if (url.port === '') {
      const port = url.protocol === 'https:' ? 443 : 80;
      candidates.add(normalized.replace(/^(https?:\/\/[^/]+)/, `$1:${port}`));
    }
  }
  return [...candidates];
}

function decodeBasic(header: string): [string | undefined, string | undefined] {
  const encoded = header.trim().replace(/^Basic\s+/i, '');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return [undefined, undefined];
  // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  };
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))];
}
