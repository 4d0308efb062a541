import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../storage/tables.js';

export interface ApiKeyRecord {
  /** Opaque id in the key's HRN; not the key. */
  id: string;
  /** SHA-256 of the key. */
  keyHash: string;
  appId: string;
  name: string;
  enabled: boolean;
  /** Epoch milliseconds; absent = never. */
  expiresAt?: number;
  createdAt: number;
  lastUsedAt?: number;
}

export interface ApiKeyWithApp extends ApiKeyRecord {
  appRealm: string;
  appStatus: 'active' | 'deactivated';
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord): Promise<void>;
  /** Keys of an app that have not expired at `now`. */
  countLive(appId: string, now: number): Promise<number>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  findByHashWithApp(keyHash: string): Promise<ApiKeyWithApp | undefined>;
  listByApp(appId: string): Promise<ApiKeyRecord[]>;
  update(id: string, changes: { name?: string; expiresAt?: number | null }): Promise<void>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  delete(id: string): Promise<void>;
  touch(id: string, now: number): Promise<void>;
}

export function createApiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    async insert(key) {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          key_hash: key.keyHash,
          app_id: key.appId,
          name: key.name,
          enabled: key.enabled ? 1 : 0,
          expires_at: key.expiresAt ?? null,
          created_at: key.createdAt,
          last_used_at: null,
        })
        .execute();
    },
    async countLive(appId, now) {
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('app_id', '=', appId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async findById(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApiKey(row);
    },
    async findByHashWithApp(keyHash) {
      const row = await db
        .selectFrom('api_keys')
        .innerJoin('apps', 'apps.id', 'api_keys.app_id')
        .selectAll('api_keys')
        .select(['apps.realm_id as app_realm', 'apps.status as app_status'])
        .where('api_keys.key_hash', '=', keyHash)
        .executeTakeFirst();
      return row && { ...toApiKey(row), appRealm: row.app_realm, appStatus: row.app_status };
    },
    async listByApp(appId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApiKey);
    },
    async update(id, changes) {
      if (changes.name === undefined && changes.expiresAt === undefined) return;
      await db
        .updateTable('api_keys')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.expiresAt !== undefined ? { expires_at: changes.expiresAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async setEnabled(id, enabled) {
      await db
        .updateTable('api_keys')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', id)
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('api_keys').where('id', '=', id).execute();
    },
    async touch(id, now) {
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    keyHash: row.key_hash,
    appId: row.app_id,
    name: row.name,
    enabled: row.enabled === 1,
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    createdAt: row.created_at,
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
  };
}
