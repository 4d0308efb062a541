import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { type Page, pageInCreationOrder } from '../storage/pagination.js';
import type { AppRow, Database } from '../storage/tables.js';

export interface DefaultScope {
  scope: string;
  isRestricted: boolean;
  alwaysProjectScope: boolean;
}

export interface AppRecord {
  id: string;
  realm: string;
  name: string;
  description?: string;
  status: 'active' | 'deactivated';
  applicationType: 'application' | 'service';
  tokenDuration: number;
  appCreationEnabled: boolean;
  redirectUris: string[];
  allowedScopes: string[];
  responseTypes: string[];
  referrers: string[];
  tokenEndpointAuthMethod: string;
  defaultScope?: DefaultScope;
  /** The legacy APP CODE, sealed with the master key. */
  appCodeSealed?: string;
  /** User or app that created it; kept after that identity is deleted. */
  creatorId?: string;
  createdAt: number;
  updatedAt: number;
}

export type AppChanges = Partial<
  Pick<
    AppRecord,
    | 'name'
    | 'description'
    | 'status'
    | 'applicationType'
    | 'tokenDuration'
    | 'appCreationEnabled'
    | 'redirectUris'
    | 'allowedScopes'
    | 'responseTypes'
    | 'referrers'
    | 'tokenEndpointAuthMethod'
  >
> & { defaultScope?: DefaultScope | null; appCodeSealed?: string | null };

export interface AppRepository {
  /** Inserts the app and its identity row; call it inside a transaction. */
  insert(app: AppRecord): Promise<void>;
  findById(id: string): Promise<AppRecord | undefined>;
  update(id: string, changes: AppChanges, now: number): Promise<void>;
  /** Deletes the app's identity: its credentials and the permissions it holds go with it. */
  delete(id: string): Promise<void>;
  /** Apps created by an identity that still exist. */
  countByCreator(creatorId: string): Promise<number>;
  /**
   * Apps of an organization, oldest first, optionally only those in `ids`. Page tokens are opaque.
   */
  list(
    realm: string,
    options: { ids?: readonly string[]; pageToken?: string; limit: number },
  ): Promise<Page<AppRecord>>;
}

const json = (value: readonly string[]) => JSON.stringify(value);
const flag = (value: boolean) => (value ? 1 : 0) as 0 | 1;

export function createAppRepository(db: Kysely<Database>, changed: AuthzChange): AppRepository {
  return {
    async insert(app) {
      await db
        .insertInto('identities')
        .values({ id: app.id, realm_id: app.realm, kind: 'app', created_at: app.createdAt })
        .execute();
      await db
        .insertInto('apps')
        .values({
          id: app.id,
          realm_id: app.realm,
          name: app.name,
          description: app.description ?? null,
          status: app.status,
          application_type: app.applicationType,
          token_duration: app.tokenDuration,
          app_creation_enabled: flag(app.appCreationEnabled),
          redirect_uris: json(app.redirectUris),
          allowed_scopes: json(app.allowedScopes),
          response_types: json(app.responseTypes),
          referrers: json(app.referrers),
          token_endpoint_auth_method: app.tokenEndpointAuthMethod,
          default_scope: app.defaultScope?.scope ?? null,
          is_restricted_scope: flag(app.defaultScope?.isRestricted ?? false),
          always_project_scope: flag(app.defaultScope?.alwaysProjectScope ?? false),
          app_code_sealed: app.appCodeSealed ?? null,
          creator_id: app.creatorId ?? null,
          created_at: app.createdAt,
          updated_at: app.updatedAt,
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApp(row);
    },
    async update(id, changes, now) {
      const set: Partial<AppRow> = { updated_at: now };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.status !== undefined) set.status = changes.status;
      if (changes.applicationType !== undefined) set.application_type = changes.applicationType;
      if (changes.tokenDuration !== undefined) set.token_duration = changes.tokenDuration;
      if (changes.appCreationEnabled !== undefined) set.app_creation_enabled = flag(changes.appCreationEnabled);
      if (changes.redirectUris !== undefined) set.redirect_uris = json(changes.redirectUris);
      if (changes.allowedScopes !== undefined) set.allowed_scopes = json(changes.allowedScopes);
      if (changes.responseTypes !== undefined) set.response_types = json(changes.responseTypes);
      if (changes.referrers !== undefined) set.referrers = json(changes.referrers);
      if (changes.tokenEndpointAuthMethod !== undefined)
        set.token_endpoint_auth_method = changes.tokenEndpointAuthMethod;
      if (changes.defaultScope !== undefined) {
        set.default_scope = changes.defaultScope?.scope ?? null;
        set.is_restricted_scope = flag(changes.defaultScope?.isRestricted ?? false);
        set.always_project_scope = flag(changes.defaultScope?.alwaysProjectScope ?? false);
      }
      if (changes.appCodeSealed !== undefined) set.app_code_sealed = changes.appCodeSealed;
      const row = await db.updateTable('apps').set(set).where('id', '=', id).returning('realm_id').executeTakeFirst();
      // A deactivated app's tokens stop working: cached principals of the organization are stale.
      if (row && changes.status !== undefined) changed(row.realm_id);
    },
    async delete(id) {
      const row = await db.selectFrom('apps').select('realm_id').where('id', '=', id).executeTakeFirst();
      await db.deleteFrom('identities').where('id', '=', id).where('kind', '=', 'app').execute();
      if (row) changed(row.realm_id);
    },
    async countByCreator(creatorId) {
      const row = await db
        .selectFrom('apps')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('creator_id', '=', creatorId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async list(realm, { ids, pageToken, limit }) {
      if (ids !== undefined && ids.length === 0) return { items: [], total: 0 };
      let query = db.selectFrom('apps').where('realm_id', '=', realm);
      if (ids !== undefined) query = query.where('id', 'in', [...ids]);
      return pageInCreationOrder(query, { pageToken, limit: limit }, toApp);
    },
  };
}

function toApp(row: AppRow): AppRecord {
  return {
    id: row.id,
    realm: row.realm_id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    status: row.status,
    applicationType: row.application_type,
    tokenDuration: row.token_duration,
    appCreationEnabled: row.app_creation_enabled === 1,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    allowedScopes: JSON.parse(row.allowed_scopes) as string[],
    responseTypes: JSON.parse(row.response_types) as string[],
    referrers: JSON.parse(row.referrers) as string[],
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    ...(row.default_scope !== null
      ? {
          defaultScope: {
            scope: row.default_scope,
            isRestricted: row.is_restricted_scope === 1,
            alwaysProjectScope: row.always_project_scope === 1,
          },
        }
      : {}),
    ...(row.app_code_sealed !== null ? { appCodeSealed: row.app_code_sealed } : {}),
    ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
