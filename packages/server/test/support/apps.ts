import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import { postgresUrl } from './backend.js';
import { type Account, type SignedIn, signIn, strongPassword, uniqueEmail } from './fixtures.js';
import type { ApiClient, ApiResponse } from './http-client.js';
import { linkToken } from './mailbox.js';
import type { TestServer } from './test-server.js';

/** Helpers for tests of apps, their credentials and grants on them. */

export const AUTHN = '/authentication/v1.1';
export const AUTHZ = '/authorization/v1.1';

/** HERE's `App` as the tests read it. */
export interface AppView {
  clientId: string;
  hrn: string;
  realm: string;
  name: string;
  description?: string;
  status: 'active' | 'deactivated';
  tokenDuration: number;
  appCreationEnabled: boolean;
  appCodeEnabled: boolean;
  ownerId?: string;
  createdTime: number;
}

export interface CreatedAccessKeyView {
  accessKeyId: string;
  accessKeyHrn: string;
  accessKeySecret: string;
  clientId: string;
  clientHrn: string;
  tokenEndpointUrl: string;
  enabled: boolean;
  createdTime: number;
  credentialsProperties: string;
}

export interface ApiKeyView {
  apiKeyId?: string;
  apiKey: string;
  identity: string;
  realm: string;
  name: string;
  enabled: boolean;
  createdTime: number;
  expiresAt: number;
  lastTimeUsed?: number;
}

/** `/authentication/v1.1/apps/{app}` with the id or HRN fully percent-encoded, plus an optional sub-path. */
export const appPath = (reference: string, suffix = '') => `${AUTHN}/apps/${encodeURIComponent(reference)}${suffix}`;

/** The HRN of an app in the form HERE's own links use: colons raw, only the slash encoded. */
export const rawColonHrn = (hrn: string) => hrn.replace('/', '%2F');

export const appHrn = (realm: string, appId: string) => `hrn:here:account::${realm}:app/${appId}`;

export async function createApp(api: ApiClient, token: string, body: Record<string, unknown> = {}): Promise<AppView> {
  const response = await api.post(`${AUTHN}/apps`, { name: 'Test app', ...body }, { token });
  expect(response.status, response.text).toBe(200);
  return response.body as AppView;
}

export async function createAccessKey(api: ApiClient, token: string, app: string): Promise<CreatedAccessKeyView> {
  const response = await api.post(appPath(app, '/accessKeys'), undefined, { token });
  expect(response.status, response.text).toBe(200);
  return response.body as CreatedAccessKeyView;
}

export async function createApiKey(
  api: ApiClient,
  token: string,
  app: string,
  body: { name?: string; expiresAt?: number; enabled?: boolean } = {},
): Promise<ApiKeyView & { apiKeyId: string }> {
  const response = await api.post(appPath(app, '/apiKeys'), { name: 'key', ...body }, { token });
  expect(response.status, response.text).toBe(201);
  return response.body as ApiKeyView & { apiKeyId: string };
}

export const basicAuthorization = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A client_credentials token request authenticated with client_secret_basic (access key id and secret). */
export function requestAppToken(
  api: ApiClient,
  key: { accessKeyId: string; accessKeySecret: string },
  body: Record<string, unknown> = {},
): Promise<ApiResponse> {
  return api.post(
    '/oauth2/token',
    { grantType: 'client_credentials', ...body },
    { headers: { Authorization: basicAuthorization(key.accessKeyId, key.accessKeySecret) } },
  );
}

export async function appToken(
  api: ApiClient,
  key: { accessKeyId: string; accessKeySecret: string },
): Promise<{ accessToken: string; expiresIn: number }> {
  const response = await requestAppToken(api, key);
  expect(response.status, response.text).toBe(200);
  return response.body as { accessToken: string; expiresIn: number };
}

/** An app with one access key and a token obtained with it. */
export async function appWithToken(api: ApiClient, token: string, body: Record<string, unknown> = {}) {
  const app = await createApp(api, token, body);
  const key = await createAccessKey(api, token, app.clientId);
  const { accessToken } = await appToken(api, key);
  return { app, key, token: accessToken };
}

/** `GET /app/me` with an app token, `?apiKey=` or `?app_id=&app_code=`. */
export function appMe(
  api: ApiClient,
  credentials: { token: string } | { apiKey: string } | { appId: string; appCode: string },
): Promise<ApiResponse> {
  if ('token' in credentials) return api.get('/app/me', { token: credentials.token });
  if ('apiKey' in credentials) return api.get(`/app/me?apiKey=${encodeURIComponent(credentials.apiKey)}`);
  const query = new URLSearchParams({ app_id: credentials.appId, app_code: credentials.appCode });
  return api.get(`/app/me?${query}`);
}

/** `/authorization/v1.1/grants/resources/{URL-encoded HRN}/entities[/{entity}[/actions/{action}]]?entityType=…` */
export function grantPath(
  resourceHrn: string,
  entity?: string,
  action?: string,
  entityType?: 'user' | 'app' | 'group',
): string {
  let path = `${AUTHZ}/grants/resources/${encodeURIComponent(resourceHrn)}/entities`;
  if (entity !== undefined) path += `/${encodeURIComponent(entity)}`;
  if (action !== undefined) path += `/actions/${encodeURIComponent(action)}`;
  if (entityType !== undefined) path += `?entityType=${entityType}`;
  return path;
}

/** Grants each of `actions` on an app to a user or an app, asserting each answer. */
export async function grantActions(
  api: ApiClient,
  token: string,
  resourceHrn: string,
  entity: { id: string; type: 'user' | 'app' },
  actions: readonly string[],
): Promise<ApiResponse> {
  let last: ApiResponse | undefined;
  for (const action of actions) {
    last = await api.post(grantPath(resourceHrn, entity.id, action, entity.type), undefined, { token });
    expect(last.status, last.text).toBe(200);
  }
  if (!last) throw new Error('no actions to grant');
  return last;
}

/** The HRN of an organization role, e.g. ResourceManager, read from storage (the roles API comes later). */
export async function realmRoleHrn(server: TestServer, realm: string, name: string): Promise<string> {
  const role = await server.gatehouse.storage.roles.findByName(
    realm,
    name,
    `hrn:here:account::${realm}:realm/${realm}`,
  );
  if (!role) throw new Error(`No role ${name} in ${realm}`);
  return `hrn:here:authorization::${realm}:role/${role.id}`;
}

/**
 * Invites a user into the admin's organization (optionally with organization roles; by default a new address) and
 * accepts the invitation from the mail with `POST /user`.
 */
export async function acceptedInvitation(
  server: TestServer,
  admin: SignedIn,
  options: { roles?: string[]; prefix?: string; email?: string } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail(options.prefix ?? 'member');
  const already = server.mailbox.for(email).length;
  const invite = await server.api.post(
    `${AUTHZ}/realms/${admin.realm}/invites`,
    { emailAddress: email, ...(options.roles ? { roles: options.roles } : {}) },
    { token: admin.accessToken },
  );
  expect(invite.status, invite.text).toBe(201);
  const inviteToken = linkToken(await server.mailbox.next(email, already), '/accept-invitation');
  const password = strongPassword();
  const joined = await server.api.post('/user', {
    email,
    password,
    firstname: 'Grace',
    lastname: 'Hopper',
    inviteToken,
  });
  expect(joined.status, joined.text).toBe(201);
  expect(joined.body.realm).toBe(admin.realm);
  return { email, password, userId: joined.body.userId, realm: admin.realm };
}

/** {@link acceptedInvitation}, then the new member signs in. */
export async function inviteMember(
  server: TestServer,
  admin: SignedIn,
  options: { roles?: string[]; prefix?: string } = {},
): Promise<SignedIn> {
  const member = await acceptedInvitation(server, admin, options);
  const tokens = await signIn(server.api, member);
  return { ...member, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

/** Polls `probe` until it returns a defined value (background writes such as last-used times). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `key = value` lines of a credentials.properties text. */
export function parseProperties(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([^=#!\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) entries[match[1]] = match[2];
  }
  return entries;
}

/**
 * Every column of the rows of `table` whose `column` equals `value`, read from the server's database itself (not
 * through its repositories): the SQLite file, or the test's PostgreSQL schema, found as the one holding `appId`.
 */
export async function databaseRows(
  server: TestServer,
  appId: string,
  table: 'apps' | 'api_keys' | 'access_keys',
  column: string,
  value: string,
): Promise<Record<string, unknown>[]> {
  if (!/^[a-z_]+$/.test(column)) throw new Error(`bad column ${column}`);
  const url = server.gatehouse.config.databaseUrl;
  if (url.startsWith('sqlite:')) {
    const sqlite = new SqliteDatabase(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      return sqlite.prepare(`SELECT * FROM ${table} WHERE ${column} = ?`).all(value) as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    const schemas = await client.query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'apps' AND table_schema LIKE 'gh_test_%'",
    );
    for (const { table_schema: schema } of schemas.rows) {
      try {
        const owner = await client.query(`SELECT 1 FROM ${schema}.apps WHERE id = $1`, [appId]);
        if (owner.rowCount === 0) continue;
        const rows = await client.query(`SELECT * FROM ${schema}.${table} WHERE ${column} = $1`, [value]);
        return rows.rows as Record<string, unknown>[];
      } catch {
        // The schema of another test file, dropped while we looked.
      }
    }
    throw new Error(`No PostgreSQL test schema holds app ${appId}`);
  } finally {
    await client.end();
  }
}
