import type { AccessKey, ApiKey, CreatedAccessKey, HrnFactory } from '@gatehouse/contracts';
import { referencedId } from '@gatehouse/contracts';
import type { AppRecord } from '../apps/app-repository.js';
import type { AppService } from '../apps/app-service.js';
import type { Principal } from '../auth/principal.js';
import { randomToken, sha256 } from '../crypto/random.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { AccessKeyRecord } from './access-key-repository.js';
import type { ApiKeyRecord } from './api-key-repository.js';

/** "You can use a maximum of two API Keys at once for each application." */
export const MAX_API_KEYS_PER_APP = 2;

export interface CredentialServiceDependencies {
  storage: Storage;
  apps: AppService;
  box: SecretBox;
  hrns: HrnFactory;
  clock: () => number;
  tokenEndpointUrl: string;
}

export const accessKeySecretContext = (accessKeyId: string) => `access-key:${accessKeyId}`;

/**
 * An app's credentials. Access keys (id + secret, several at once) sign token requests; their secrets are sealed
 * with the master key, since checking an HMAC signature needs them. API keys (at most two, for rotation) are
 * 256-bit random values kept only as SHA-256. Either secret is shown once, in the answer that creates it.
 */
export class CredentialService {
  readonly #deps: CredentialServiceDependencies;

  constructor(deps: CredentialServiceDependencies) {
    this.#deps = deps;
  }

  async createAccessKey(principal: Principal, appReference: string): Promise<CreatedAccessKey> {
    const app = await this.#deps.apps.authorized(principal, appReference, ['write', 'manage']);
    const { storage, box, hrns, clock, tokenEndpointUrl } = this.#deps;
    const id = randomToken(16);
    const secret = randomToken(64);
    const createdAt = clock();
    await storage.accessKeys.insert({
      id,
      appId: app.id,
      secretSealed: box.seal(secret, accessKeySecretContext(id)),
      enabled: true,
      createdAt,
    });
    const userId = principal.kind === 'user' ? principal.userId : app.creatorId;
    const properties = [
      ...(userId?.startsWith('HERE-') ? [`here.user.id = ${userId}`] : []),
      `here.client.id = ${app.id}`,
      `here.access.key.id = ${id}`,
      `here.access.key.secret = ${secret}`,
      `here.token.endpoint.url = ${tokenEndpointUrl}`,
    ];
    return {
      accessKeyId: id,
      accessKeyHrn: hrns.accessKey(app.realm, id),
      accessKeySecret: secret,
      clientId: app.id,
      clientHrn: hrns.app(app.realm, app.id),
      tokenEndpointUrl,
      enabled: true,
      createdTime: createdAt,
      credentialsProperties: `${properties.join('\n')}\n`,
    };
  }

  async listAccessKeys(
    principal: Principal,
    appReference: string,
    page: { pageToken?: string | undefined; limit: number },
  ) {
    const app = await this.#deps.apps.authorized(principal, appReference, ['read', 'write', 'manage']);
    const result = await this.#deps.storage.accessKeys.listByApp(app.id, {
      limit: page.limit,
      ...(page.pageToken !== undefined ? { pageToken: page.pageToken } : {}),
    });
    return {
      limit: page.limit,
      total: result.total,
      items: result.items.map((key) => this.#accessKeyView(app, key)),
      ...(result.nextPageToken !== undefined ? { pageToken: result.nextPageToken } : {}),
    };
  }

  /** Disabled keys get no tokens, and the tokens they obtained stop working at once. */
  async setAccessKeyEnabled(principal: Principal, appReference: string, keyReference: string, enabled: boolean) {
    const { key } = await this.#accessKey(principal, appReference, keyReference);
    await this.#deps.storage.accessKeys.setEnabled(key.id, enabled);
  }

  async deleteAccessKey(principal: Principal, appReference: string, keyReference: string): Promise<void> {
    const { key } = await this.#accessKey(principal, appReference, keyReference);
    await this.#deps.storage.accessKeys.delete(key.id);
  }

  /** Creates an API key (201); a third live key is refused with 409303. */
  async createApiKey(
    principal: Principal,
    appReference: string,
    request: { name: string; expiresAt?: number | undefined; enabled?: boolean | undefined },
  ): Promise<ApiKey> {
    const app = await this.#deps.apps.authorized(principal, appReference, ['write', 'manage']);
    const { storage, clock } = this.#deps;
    const now = clock();
    const apiKey = randomToken(32);
    const record: ApiKeyRecord = {
      id: randomToken(32),
      keyHash: sha256(apiKey),
      appId: app.id,
      name: request.name,
      enabled: request.enabled ?? true,
      ...(request.expiresAt !== undefined && request.expiresAt !== -1 ? { expiresAt: request.expiresAt } : {}),
      createdAt: now,
    };
    await storage.transaction(async (repositories) => {
      await repositories.locks.identity(app.id);
      if ((await repositories.apiKeys.countLive(app.id, now)) >= MAX_API_KEYS_PER_APP) {
        throw new AppError('api_key.limit_reached');
      }
      await repositories.apiKeys.insert(record);
    });
    return { ...this.#apiKeyView(app, record), apiKeyId: apiKey };
  }

  async listApiKeys(principal: Principal, appReference: string) {
    const app = await this.#deps.apps.authorized(principal, appReference, ['read', 'write', 'manage']);
    const keys = await this.#deps.storage.apiKeys.listByApp(app.id);
    return { limit: 100, total: keys.length, items: keys.map((key) => this.#apiKeyView(app, key)) };
  }

  async getApiKey(principal: Principal, appReference: string, keyReference: string): Promise<ApiKey> {
    const { app, key } = await this.#apiKey(principal, appReference, keyReference, ['read', 'write', 'manage']);
    return this.#apiKeyView(app, key);
  }

  async updateApiKey(
    principal: Principal,
    appReference: string,
    keyReference: string,
    changes: { name?: string | undefined; expiresAt?: number | undefined },
  ): Promise<ApiKey> {
    const { app, key } = await this.#apiKey(principal, appReference, keyReference, ['write', 'manage']);
    const update = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.expiresAt !== undefined ? { expiresAt: changes.expiresAt === -1 ? null : changes.expiresAt } : {}),
    };
    const now = this.#deps.clock();
    const revives =
      key.expiresAt !== undefined &&
      key.expiresAt <= now &&
      changes.expiresAt !== undefined &&
      (changes.expiresAt === -1 || changes.expiresAt > now);
    if (revives) {
      // Moving the expiry of an expired key into the future makes it live again: it needs a free place.
      await this.#deps.storage.transaction(async (repositories) => {
        await repositories.locks.identity(app.id);
        if ((await repositories.apiKeys.countLive(app.id, now)) >= MAX_API_KEYS_PER_APP) {
          throw new AppError('api_key.limit_reached');
        }
        await repositories.apiKeys.update(key.id, update);
      });
    } else {
      await this.#deps.storage.apiKeys.update(key.id, update);
    }
    const updated = await this.#deps.storage.apiKeys.findById(key.id);
    return this.#apiKeyView(app, updated ?? key);
  }

  async setApiKeyEnabled(principal: Principal, appReference: string, keyReference: string, enabled: boolean) {
    const { key } = await this.#apiKey(principal, appReference, keyReference, ['write', 'manage']);
    await this.#deps.storage.apiKeys.setEnabled(key.id, enabled);
  }

  async deleteApiKey(principal: Principal, appReference: string, keyReference: string): Promise<void> {
    const { key } = await this.#apiKey(principal, appReference, keyReference, ['write', 'manage']);
    await this.#deps.storage.apiKeys.delete(key.id);
  }

  async #accessKey(principal: Principal, appReference: string, keyReference: string) {
    const app = await this.#deps.apps.authorized(principal, appReference, ['write', 'manage']);
    const id = referencedId(keyReference, 'account', ['accesskey']);
    const key = id === undefined ? undefined : await this.#deps.storage.accessKeys.findById(id);
    if (!key || key.appId !== app.id) throw new AppError('access_key.not_found');
    return { app, key };
  }

  async #apiKey(principal: Principal, appReference: string, keyReference: string, actions: readonly string[]) {
    const app = await this.#deps.apps.authorized(principal, appReference, actions);
    const id = referencedId(keyReference, 'account', ['apikey']);
    const key = id === undefined ? undefined : await this.#deps.storage.apiKeys.findById(id);
    if (!key || key.appId !== app.id) throw new AppError('api_key.not_found');
    return { app, key };
  }

  #accessKeyView(app: AppRecord, key: AccessKeyRecord): AccessKey {
    const { hrns } = this.#deps;
    return {
      accessKeyId: key.id,
      accessKeyHrn: hrns.accessKey(app.realm, key.id),
      clientId: app.id,
      clientHrn: hrns.app(app.realm, app.id),
      enabled: key.enabled,
      createdTime: key.createdAt,
      ...(key.lastUsedAt !== undefined ? { lastTimeUsed: key.lastUsedAt } : {}),
    };
  }

  #apiKeyView(app: AppRecord, key: ApiKeyRecord): ApiKey {
    const { hrns } = this.#deps;
    return {
      apiKey: hrns.apiKey(app.realm, key.id),
      identity: hrns.app(app.realm, app.id),
      realm: hrns.realm(app.realm),
      name: key.name,
      enabled: key.enabled,
      createdTime: key.createdAt,
      expiresAt: key.expiresAt ?? -1,
      ...(key.lastUsedAt !== undefined ? { lastTimeUsed: key.lastUsedAt } : {}),
    };
  }
}
