import { CompiledQuery, type Kysely } from 'kysely';
import type { DefaultScope } from '../apps/app-repository.js';
import type { CredentialChange } from '../authz/authz-versions.js';
import { type Page, pageInCreationOrder } from '../storage/pagination.js';
import type { AccessKeyRow, Database } from '../storage/tables.js';

export interface AccessKeyRecord {
  id: string;
  appId: string;
  /** The secret, sealed with the master key: HMAC signatures need it in the clear. */
  secretSealed: string;
  enabled: boolean;
  createdAt: number;
  lastUsedAt?: number;
}

/** What the token endpoint needs about the key and its app, read in one query. */
export interface AccessKeyWithApp extends AccessKeyRecord {
  appRealm: string;
  appStatus: 'active' | 'deactivated';
  appTokenDuration: number;
  appDefaultScope?: DefaultScope;
}

export interface AccessKeyRepository {
  insert(key: AccessKeyRecord): Promise<void>;
  findById(id: string): Promise<AccessKeyRecord | undefined>;
  findWithApp(id: string): Promise<AccessKeyWithApp | undefined>;
  /** Keys of an app, oldest first. */
  listByApp(appId: string, options: { pageToken?: string; limit: number }): Promise<Page<AccessKeyRecord>>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  delete(id: string): Promise<void>;
  /** Records use; callers throttle it, it is not needed on every request. */
  touch(id: string, now: number): Promise<void>;
}

/** `changed` hears of keys disabled or deleted: tokens they obtained must stop working (cached principals). */
export function createAccessKeyRepository(db: Kysely<Database>, changed: CredentialChange): AccessKeyRepository {
  const realmOfKey = async (id: string) =>
    (
      await db
        .selectFrom('access_keys')
        .innerJoin('apps', 'apps.id', 'access_keys.app_id')
        .select('apps.realm_id')
        .where('access_keys.id', '=', id)
        .executeTakeFirst()
    )?.realm_id;
  const withApp = (id: string) =>
    db
      .selectFrom('access_keys')
      .innerJoin('apps', 'apps.id', 'access_keys.app_id')
      .selectAll('access_keys')
      .select([
        'apps.realm_id as app_realm',
        'apps.status as app_status',
        'apps.token_duration as app_token_duration',
        'apps.default_scope as app_default_scope',
        'apps.is_restricted_scope as app_is_restricted_scope',
        'apps.always_project_scope as app_always_project_scope',
      ])
      .where('access_keys.id', '=', id);
  type WithAppRow = NonNullable<Awaited<ReturnType<ReturnType<typeof withApp>['executeTakeFirst']>>>;
  // The token endpoint runs this query on every request: building and compiling it cost more than running it, so
  // it is compiled once (for the dialect at hand) and run with the key id as its one parameter.
  let withAppSql: string | undefined;
  const compileWithApp = () => {
    const compiled = withApp('').compile();
    if (compiled.parameters.length !== 1) throw new Error('findWithApp expects exactly one parameter');
    return compiled.sql;
  };

  return {
    async insert(key) {
      await db
        .insertInto('access_keys')
        .values({
          id: key.id,
          app_id: key.appId,
          secret_sealed: key.secretSealed,
          enabled: key.enabled ? 1 : 0,
          created_at: key.createdAt,
          last_used_at: null,
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccessKey(row);
    },
    async findWithApp(id) {
      withAppSql ??= compileWithApp();
      const [row] = (await db.executeQuery<WithAppRow>(CompiledQuery.raw(withAppSql, [id]))).rows;
      if (!row) return undefined;
      // Built field by field: on Node 20 `{ ...spread, more }` takes V8's slow path and its objects end up in the
      // old generation, which at token-endpoint rates grew the heap by hundreds of MB between major collections.
      const key: AccessKeyWithApp = {
        id: row.id,
        appId: row.app_id,
        secretSealed: row.secret_sealed,
        enabled: row.enabled === 1,
        createdAt: row.created_at,
        appRealm: row.app_realm,
        appStatus: row.app_status,
        appTokenDuration: row.app_token_duration,
      };
      if (row.last_used_at !== null) key.lastUsedAt = row.last_used_at;
      if (row.app_default_scope !== null) {
        key.appDefaultScope = {
          scope: row.app_default_scope,
          isRestricted: row.app_is_restricted_scope === 1,
          alwaysProjectScope: row.app_always_project_scope === 1,
        };
      }
      return key;
    },
    async listByApp(appId, { pageToken, limit }) {
      const base = db.selectFrom('access_keys').where('app_id', '=', appId);
      return pageInCreationOrder(base, { pageToken, limit: limit }, toAccessKey);
    },
    async setEnabled(id, enabled) {
      const realm = await realmOfKey(id);
      await db
        .updateTable('access_keys')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', id)
        .execute();
      if (realm !== undefined) changed(realm);
    },
    async delete(id) {
      const realm = await realmOfKey(id);
      await db.deleteFrom('access_keys').where('id', '=', id).execute();
      if (realm !== undefined) changed(realm);
    },
    async touch(id, now) {
      await db.updateTable('access_keys').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

function toAccessKey(row: AccessKeyRow): AccessKeyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    secretSealed: row.secret_sealed,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
  };
}
