import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { credentialsFromProperties, GatehouseClient, GatehouseError, TokenProvider } from '../src/index.js';
import { type AppCredentials, appCredentials } from './support.js';

describe('management client', () => {
  let server: TestServer;
  let app: AppCredentials;
  let client: GatehouseClient;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
    client = new GatehouseClient({ credentials: app.credentials });
  });
  afterAll(() => server.close());

  it('takes its base URL from the token endpoint of the credentials', () => {
    expect(client.baseUrl).toBe(server.url);
  });

  it('apps: create, get, update, list, delete', async () => {
    const created = await client.apps.create({ name: 'Made by the SDK', description: 'first' });
    expect(created).toMatchObject({ name: 'Made by the SDK', description: 'first', realm: app.admin.realm });
    expect(await client.apps.get(created.hrn)).toEqual(created);
    const updated = await client.apps.update(created.clientId, { description: 'second' });
    expect(updated.description).toBe('second');
    const list = await client.apps.list({ limit: 10 });
    expect(list.items.map((item) => item.id)).toContain(created.clientId);
    await client.apps.delete(created.clientId);
    const gone = await client.apps.get(created.clientId).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(GatehouseError);
    expect(gone).toMatchObject({ httpStatus: 404, errorId: expect.stringMatching(/^ERROR-/) });
  });

  it('access keys: the new key works, disabling and deleting it end that', async () => {
    const target = await client.apps.create({ name: 'Keys' });
    const key = await client.accessKeys.create(target.clientId);
    const credentials = credentialsFromProperties(key.credentialsProperties);
    expect(credentials).toMatchObject({ accessKeyId: key.accessKeyId, clientId: target.clientId });
    const token = await new TokenProvider({ credentials }).getToken();
    expect(token.accessToken).toBeTruthy();

    const listed = await client.accessKeys.list(target.clientId);
    expect(listed.items).toEqual([expect.objectContaining({ accessKeyId: key.accessKeyId, enabled: true })]);
    expect(JSON.stringify(listed)).not.toContain(key.accessKeySecret);

    await client.accessKeys.disable(target.clientId, key.accessKeyHrn);
    expect((await client.accessKeys.list(target.clientId)).items[0]?.enabled).toBe(false);
    await expect(new TokenProvider({ credentials }).getToken()).rejects.toMatchObject({ httpStatus: 401 });
    await client.accessKeys.enable(target.clientId, key.accessKeyId);
    await new TokenProvider({ credentials }).getToken();
    await client.accessKeys.delete(target.clientId, key.accessKeyId);
    expect((await client.accessKeys.list(target.clientId)).items).toEqual([]);
  });

  it('API keys: create shows the key once, list and delete', async () => {
    const target = await client.apps.create({ name: 'API keys' });
    const created = await client.apiKeys.create(target.clientId, { name: 'maps' });
    expect(created.apiKeyId).toBeTruthy();
    const me = await server.api.get(`/app/me?apiKey=${created.apiKeyId}`);
    expect(me.status, me.text).toBe(200);
    const listed = await client.apiKeys.list(target.clientId);
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.apiKeyId).toBeUndefined();
    await client.apiKeys.delete(target.clientId, created.apiKey);
    expect((await client.apiKeys.list(target.clientId)).items).toEqual([]);
  });

  it('default scope: set, get, remove', async () => {
    const target = await client.apps.create({ name: 'Scoped' });
    const scope = `hrn:here:authorization::${app.admin.realm}:project/some-project`;
    const set = await client.defaultScope.set(target.clientId, { scope, isRestricted: true });
    expect(set).toMatchObject({ defaultScope: scope, isRestrictedScope: true, alwaysProjectScope: false });
    expect((await client.defaultScope.get(target.clientId)).defaultScope).toBe(scope);
    await client.defaultScope.remove(target.clientId);
    await expect(client.defaultScope.get(target.clientId)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('grants: share an app with a user, list, revoke', async () => {
    const target = await client.apps.create({ name: 'Shared' });
    const granted = await client.grants.grant(target.hrn, app.admin.userId, 'user', 'read');
    expect(granted.permissions.map((permission) => permission.action)).toContain('read');
    const list = await client.grants.list(target.hrn, 'user');
    expect(list.data.map((grant) => grant.entityId.id)).toContain(app.admin.userId);
    await client.grants.revoke(target.hrn, app.admin.userId, 'user', 'read');
    const after = await client.grants.list(target.hrn, 'user');
    expect(after.data.map((grant) => grant.entityId.id)).not.toContain(app.admin.userId);
  });

  it('invalid input: 400 with errorFields', async () => {
    const error = await client.apps.create({ name: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    const refused = error as GatehouseError;
    expect(refused).toMatchObject({ httpStatus: 400, errorCode: 400200 });
    expect(refused.errorFields.map((field) => field.name)).toContain('name');
  });

  it('a user token can be used as is', async () => {
    const userClient = new GatehouseClient({ baseUrl: server.url, accessToken: app.admin.accessToken });
    const own = await userClient.apps.get(app.appId);
    expect(own.clientId).toBe(app.appId);
  });

  it('another organization sees nothing of this one', async () => {
    const other = await appCredentials(server);
    const otherClient = new GatehouseClient({ credentials: other.credentials });
    const mine = await client.apps.create({ name: 'Private' });
    await expect(otherClient.apps.get(mine.hrn)).rejects.toMatchObject({ httpStatus: expect.any(Number) });
    const error = (await otherClient.apps.get(mine.clientId).catch((caught: unknown) => caught)) as GatehouseError;
    expect([403, 404]).toContain(error.httpStatus);
    await expect(otherClient.accessKeys.create(mine.clientId)).rejects.toBeInstanceOf(GatehouseError);
    expect((await otherClient.apps.list()).items.map((item) => item.id)).not.toContain(mine.clientId);
  });
});
