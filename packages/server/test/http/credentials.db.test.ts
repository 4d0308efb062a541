import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiKeyView,
  type AppView,
  appMe,
  appPath,
  appToken,
  createAccessKey,
  createApiKey,
  createApp,
  databaseRows,
  eventually,
  parseProperties,
  requestAppToken,
} from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const BASE64URL_256_BITS = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest();

describe('app credentials', () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  const newApp = (body: Record<string, unknown> = {}) => createApp(server.api, admin.accessToken, body);
  const keyPath = (app: AppView, key: ApiKeyView, suffix = '') =>
    appPath(app.clientId, `/apiKeys/${encodeURIComponent(key.apiKey)}${suffix}`);
  const getKey = (app: AppView, key: ApiKeyView) => server.api.get(keyPath(app, key), { token: admin.accessToken });

  describe('API keys', () => {
    it('creation answers 201 with a usable 256-bit apiKeyId and the apiKey HRN', async () => {
      const app = await newApp();
      const before = Date.now();
      const response = await server.api.post(
        appPath(app.clientId, '/apiKeys'),
        { name: 'Web map' },
        { token: admin.accessToken },
      );
      expect(response.status, response.text).toBe(201);
      const key = response.body as ApiKeyView & { apiKeyId: string };
      expect(key.apiKeyId).toMatch(BASE64URL_256_BITS);
      expect(Buffer.from(key.apiKeyId, 'base64url')).toHaveLength(32);
      expect(key.apiKey).toMatch(new RegExp(`^hrn:here:account::${admin.realm}:apikey/[A-Za-z0-9_-]+$`));
      expect(key.apiKey).not.toContain(key.apiKeyId);
      expect(key).toMatchObject({
        identity: app.hrn,
        realm: `hrn:here:account::${admin.realm}:realm/${admin.realm}`,
        name: 'Web map',
        enabled: true,
        expiresAt: -1,
      });
      expect(key).not.toHaveProperty('lastTimeUsed');
      expect(key.createdTime).toBeGreaterThanOrEqual(before - 1000);

      const me = await appMe(server.api, { apiKey: key.apiKeyId });
      expect(me.status, me.text).toBe(200);
      expect(me.body).toMatchObject({ clientId: app.clientId, hrn: app.hrn, realm: admin.realm });
    });

    it('keys are random: two keys share nothing', async () => {
      const app = await newApp();
      const first = await createApiKey(server.api, admin.accessToken, app.clientId);
      const second = await createApiKey(server.api, admin.accessToken, app.clientId);
      expect(first.apiKeyId).not.toBe(second.apiKeyId);
      expect(first.apiKey).not.toBe(second.apiKey);
    });

    it('the key is never shown again: list and get name it only by HRN', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId, { name: 'secret-keeper' });
      const list = await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken });
      expect(list.status, list.text).toBe(200);
      expect(list.body).toMatchObject({ total: 1, items: [{ apiKey: key.apiKey, name: 'secret-keeper' }] });
      expect(list.body.items[0]).not.toHaveProperty('apiKeyId');
      expect(list.text).not.toContain(key.apiKeyId);

      const byHrn = await getKey(app, key);
      expect(byHrn.status, byHrn.text).toBe(200);
      const { apiKeyId: _shownOnce, ...stored } = key;
      expect(byHrn.body).toEqual(stored);
      const bareId = key.apiKey.slice(key.apiKey.lastIndexOf('/') + 1);
      const byId = await server.api.get(appPath(app.hrn, `/apiKeys/${bareId}`), { token: admin.accessToken });
      expect(byId.body).toEqual(stored);
      expect(byId.text).not.toContain(key.apiKeyId);
      // A key HRN is of Account and of type apikey; any other HRN ending in the key's id names nothing.
      for (const hrn of [
        key.apiKey.replace(':account:', ':authorization:'),
        key.apiKey.replace(':apikey/', ':accesskey/'),
      ]) {
        expectError(
          await server.api.get(appPath(app.hrn, `/apiKeys/${encodeURIComponent(hrn)}`), { token: admin.accessToken }),
          404,
          404666,
        );
      }
    });

    it('the database keeps only the SHA-256 of the key', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      const rows = await databaseRows(server, app.clientId, 'api_keys', 'app_id', app.clientId);
      expect(rows).toHaveLength(1);
      const row = rows[0] ?? {};
      expect(JSON.stringify(row)).not.toContain(key.apiKeyId);
      expect(Object.values(row).map(String)).not.toContain(key.apiKeyId);
      expect(Buffer.from(String(row.key_hash), 'base64url')).toEqual(sha256(key.apiKeyId));
      expect(key.apiKey.endsWith(`/${String(row.id)}`)).toBe(true);
    });

    it('a third key is refused with 409303', async () => {
      const app = await newApp();
      await createApiKey(server.api, admin.accessToken, app.clientId);
      await createApiKey(server.api, admin.accessToken, app.clientId);
      const third = await server.api.post(
        appPath(app.clientId, '/apiKeys'),
        { name: 'third' },
        {
          token: admin.accessToken,
        },
      );
      expectError(third, 409, 409303);
      const list = await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken });
      expect(list.body.total).toBe(2);
    });

    it('racing creations still stop at two keys', async () => {
      const app = await newApp();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          server.api.post(appPath(app.clientId, '/apiKeys'), { name: `racer ${index}` }, { token: admin.accessToken }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(2);
      for (const refused of answers.filter((answer) => answer.status !== 201)) expectError(refused, 409, 409303);
      const rows = await databaseRows(server, app.clientId, 'api_keys', 'app_id', app.clientId);
      expect(rows).toHaveLength(2);
    });

    it('a key past its expiresAt is refused, and PATCH moves the expiry', async () => {
      const app = await newApp();
      const expired = await createApiKey(server.api, admin.accessToken, app.clientId, {
        expiresAt: Date.now() - 60_000,
      });
      expectError(await appMe(server.api, { apiKey: expired.apiKeyId }), 401, 401300);

      const later = Date.now() + 3_600_000;
      const extended = await server.api.patch(
        keyPath(app, expired),
        { expiresAt: later },
        { token: admin.accessToken },
      );
      expect(extended.status, extended.text).toBe(200);
      expect(extended.body.expiresAt).toBe(later);
      expect((await appMe(server.api, { apiKey: expired.apiKeyId })).status).toBe(200);

      const past = await server.api.patch(
        keyPath(app, expired),
        { expiresAt: Date.now() - 1 },
        {
          token: admin.accessToken,
        },
      );
      expect(past.status, past.text).toBe(200);
      expectError(await appMe(server.api, { apiKey: expired.apiKeyId }), 401, 401300);

      const never = await server.api.patch(keyPath(app, expired), { expiresAt: -1 }, { token: admin.accessToken });
      expect(never.body.expiresAt).toBe(-1);
      expect((await appMe(server.api, { apiKey: expired.apiKeyId })).status).toBe(200);
    });

    it('an expired key cannot be brought back to life past the limit of two', async () => {
      const app = await newApp();
      const expired = await createApiKey(server.api, admin.accessToken, app.clientId, { expiresAt: Date.now() - 1000 });
      await createApiKey(server.api, admin.accessToken, app.clientId);
      const second = await createApiKey(server.api, admin.accessToken, app.clientId);
      for (const expiresAt of [-1, Date.now() + 3_600_000]) {
        const revived = await server.api.patch(keyPath(app, expired), { expiresAt }, { token: admin.accessToken });
        expectError(revived, 409, 409303);
      }
      expectError(await appMe(server.api, { apiKey: expired.apiKeyId }), 401, 401300);
      // Renaming it is fine, and so is reviving it once a place is free.
      expect(
        (await server.api.patch(keyPath(app, expired), { name: 'old' }, { token: admin.accessToken })).status,
      ).toBe(200);
      expect((await server.api.delete(keyPath(app, second), { token: admin.accessToken })).status).toBe(204);
      const revived = await server.api.patch(keyPath(app, expired), { expiresAt: -1 }, { token: admin.accessToken });
      expect(revived.status, revived.text).toBe(200);
      expect((await appMe(server.api, { apiKey: expired.apiKeyId })).status).toBe(200);
    });

    it('PATCH renames, and refuses an empty name', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId, { name: 'old name' });
      const renamed = await server.api.patch(keyPath(app, key), { name: 'new name' }, { token: admin.accessToken });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body).toMatchObject({ apiKey: key.apiKey, name: 'new name', enabled: true });
      expect((await getKey(app, key)).body.name).toBe('new name');
      expectError(await server.api.patch(keyPath(app, key), { name: '' }, { token: admin.accessToken }), 400, 400200);
    });

    it('disable refuses the key at once; enable restores it', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      const disabled = await server.api.post(keyPath(app, key, '/disable'), undefined, { token: admin.accessToken });
      expect(disabled.status, disabled.text).toBe(204);
      expect((await getKey(app, key)).body.enabled).toBe(false);
      expectError(await appMe(server.api, { apiKey: key.apiKeyId }), 401, 401300);

      const enabled = await server.api.post(keyPath(app, key, '/enable'), undefined, { token: admin.accessToken });
      expect(enabled.status, enabled.text).toBe(204);
      expect((await getKey(app, key)).body.enabled).toBe(true);
      expect((await appMe(server.api, { apiKey: key.apiKeyId })).status).toBe(200);
    });

    it('a key created disabled does not work until enabled', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId, { enabled: false });
      expect(key.enabled).toBe(false);
      expectError(await appMe(server.api, { apiKey: key.apiKeyId }), 401, 401300);
    });

    it('delete removes the key for good', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      const deleted = await server.api.delete(keyPath(app, key), { token: admin.accessToken });
      expect(deleted.status, deleted.text).toBe(204);
      expectError(await appMe(server.api, { apiKey: key.apiKeyId }), 401, 401300);
      expectError(await getKey(app, key), 404, 404666);
      expectError(await server.api.delete(keyPath(app, key), { token: admin.accessToken }), 404, 404666);
      expect((await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken })).body.total).toBe(
        0,
      );
    });

    it('a key of one app is not reachable through another app', async () => {
      const app = await newApp();
      const other = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      expectError(await getKey(other, key), 404, 404666);
      expectError(await server.api.delete(keyPath(other, key), { token: admin.accessToken }), 404, 404666);
      expect((await appMe(server.api, { apiKey: key.apiKeyId })).status).toBe(200);
    });

    it('unknown or malformed keys get a plain 401', async () => {
      for (const apiKey of ['A'.repeat(43), 'short', 'has spaces in it and is long enough', '']) {
        const response = await server.api.get(`/app/me?apiKey=${encodeURIComponent(apiKey)}`);
        expect(response.status, `${apiKey}: ${response.text}`).toBe(401);
      }
    });

    it('API keys authenticate only where HERE accepts them, not on the management APIs', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      const response = await server.api.get(`${appPath(app.clientId)}?apiKey=${key.apiKeyId}`);
      expectError(response, 401, 401200);
    });

    it('records when a key was last used', async () => {
      const app = await newApp();
      const key = await createApiKey(server.api, admin.accessToken, app.clientId);
      expect((await getKey(app, key)).body).not.toHaveProperty('lastTimeUsed');
      const usedAt = Date.now();
      expect((await appMe(server.api, { apiKey: key.apiKeyId })).status).toBe(200);
      const lastTimeUsed = await eventually(async () => (await getKey(app, key)).body.lastTimeUsed as number);
      expect(lastTimeUsed).toBeGreaterThanOrEqual(usedAt - 1000);
      expect(lastTimeUsed).toBeLessThanOrEqual(Date.now() + 1000);
      const list = await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken });
      expect(list.body.items[0].lastTimeUsed).toBe(lastTimeUsed);
    });

    it('rotation: create the second key, move the clients, delete the first', async () => {
      const app = await newApp({ name: 'Rotating' });
      const old = await createApiKey(server.api, admin.accessToken, app.clientId, { name: '2024' });
      expect((await appMe(server.api, { apiKey: old.apiKeyId })).body.clientId).toBe(app.clientId);

      // Both keys work while clients move over.
      const next = await createApiKey(server.api, admin.accessToken, app.clientId, { name: '2025' });
      expect((await appMe(server.api, { apiKey: old.apiKeyId })).status).toBe(200);
      expect((await appMe(server.api, { apiKey: next.apiKeyId })).body.clientId).toBe(app.clientId);
      expect(
        await eventually(async () => {
          const items = (await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken })).body
            .items as ApiKeyView[];
          return items.every((item) => item.lastTimeUsed !== undefined) ? items : undefined;
        }),
      ).toHaveLength(2);

      // The old key is retired: first disabled to find stragglers, then deleted.
      expect(
        (await server.api.post(keyPath(app, old, '/disable'), undefined, { token: admin.accessToken })).status,
      ).toBe(204);
      expectError(await appMe(server.api, { apiKey: old.apiKeyId }), 401, 401300);
      expect((await server.api.delete(keyPath(app, old), { token: admin.accessToken })).status).toBe(204);
      expect((await appMe(server.api, { apiKey: next.apiKeyId })).status).toBe(200);

      const list = await server.api.get(appPath(app.clientId, '/apiKeys'), { token: admin.accessToken });
      expect(list.body.items.map((item: ApiKeyView) => item.name)).toEqual(['2025']);
      // The freed place takes the key of the next rotation.
      await createApiKey(server.api, admin.accessToken, app.clientId, { name: '2026' });
    });
  });

  describe('OAuth access keys', () => {
    const listKeys = (app: AppView, query = '') =>
      server.api.get(appPath(app.clientId, `/accessKeys${query}`), { token: admin.accessToken });

    it('creation shows the secret once, with the credentials.properties text', async () => {
      const app = await newApp();
      const before = Date.now();
      const response = await server.api.post(appPath(app.clientId, '/accessKeys'), undefined, {
        token: admin.accessToken,
      });
      expect(response.status, response.text).toBe(200);
      const key = response.body;
      expect(key).toMatchObject({
        accessKeyHrn: `hrn:here:account::${admin.realm}:accesskey/${key.accessKeyId}`,
        clientId: app.clientId,
        clientHrn: app.hrn,
        tokenEndpointUrl: `${server.url}/oauth2/token`,
        enabled: true,
      });
      expect(key.accessKeyId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(key.accessKeySecret).toMatch(/^[A-Za-z0-9_-]{86}$/);
      expect(key.createdTime).toBeGreaterThanOrEqual(before - 1000);
      expect(parseProperties(key.credentialsProperties)).toEqual({
        'here.user.id': admin.userId,
        'here.client.id': app.clientId,
        'here.access.key.id': key.accessKeyId,
        'here.access.key.secret': key.accessKeySecret,
        'here.token.endpoint.url': `${server.url}/oauth2/token`,
      });

      const token = await appToken(server.api, key);
      expect((await appMe(server.api, { token: token.accessToken })).body.clientId).toBe(app.clientId);

      const list = await listKeys(app);
      expect(list.status, list.text).toBe(200);
      expect(list.body).toMatchObject({ total: 1, items: [{ accessKeyId: key.accessKeyId, enabled: true }] });
      expect(list.body.items[0]).not.toHaveProperty('accessKeySecret');
      expect(list.text).not.toContain(key.accessKeySecret);
    });

    it('with Accept: text/plain answers the credentials.properties file itself', async () => {
      const app = await newApp();
      const response = await server.api.post(appPath(app.clientId, '/accessKeys'), undefined, {
        token: admin.accessToken,
        headers: { Accept: 'text/plain' },
      });
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="credentials.properties"');
      const properties = parseProperties(response.text);
      expect(properties['here.client.id']).toBe(app.clientId);
      expect(properties['here.token.endpoint.url']).toBe(`${server.url}/oauth2/token`);
      const id = properties['here.access.key.id'] ?? '';
      const secret = properties['here.access.key.secret'] ?? '';
      expect((await appToken(server.api, { accessKeyId: id, accessKeySecret: secret })).accessToken).toBeTruthy();
    });

    it('several keys live at once, each with its own secret, and list pages', async () => {
      const app = await newApp();
      const keys = [];
      for (let index = 0; index < 3; index++) keys.push(await createAccessKey(server.api, admin.accessToken, app.hrn));
      expect(new Set(keys.map((key) => key.accessKeySecret)).size).toBe(3);
      for (const key of keys) expect((await requestAppToken(server.api, key)).status).toBe(200);
      // A secret belongs to its key only.
      const [first, second] = keys;
      if (!first || !second) throw new Error('keys missing');
      expectError(
        await requestAppToken(server.api, { accessKeyId: first.accessKeyId, accessKeySecret: second.accessKeySecret }),
        401,
        401300,
      );

      const page1 = await listKeys(app, '?limit=2');
      expect(page1.body).toMatchObject({ limit: 2, total: 3 });
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.pageToken).toEqual(expect.any(String));
      const page2 = await listKeys(app, `?limit=2&pageToken=${page1.body.pageToken}`);
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body).not.toHaveProperty('pageToken');
      expect(
        [...page1.body.items, ...page2.body.items].map((item: { accessKeyId: string }) => item.accessKeyId),
      ).toEqual(keys.map((key) => key.accessKeyId));
    });

    it('the list shows when each key was last used', async () => {
      const app = await newApp();
      const used = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const unused = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const usedAt = Date.now();
      await appToken(server.api, used);
      const items = await eventually(async () => {
        const list = (await listKeys(app)).body.items as Array<{ accessKeyId: string; lastTimeUsed?: number }>;
        return list.find((item) => item.accessKeyId === used.accessKeyId)?.lastTimeUsed !== undefined
          ? list
          : undefined;
      });
      const lastTimeUsed = items.find((item) => item.accessKeyId === used.accessKeyId)?.lastTimeUsed ?? 0;
      expect(lastTimeUsed).toBeGreaterThanOrEqual(usedAt - 1000);
      expect(items.find((item) => item.accessKeyId === unused.accessKeyId)).not.toHaveProperty('lastTimeUsed');
    });

    it('disable stops the key and its tokens at once; enable restores both', async () => {
      const app = await newApp();
      const key = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const { accessToken } = await appToken(server.api, key);
      const keyPath = (suffix: string) =>
        appPath(app.clientId, `/accessKeys/${encodeURIComponent(key.accessKeyHrn)}${suffix}`);

      const disabled = await server.api.post(keyPath('/disable'), undefined, { token: admin.accessToken });
      expect(disabled.status, disabled.text).toBe(204);
      expectError(await requestAppToken(server.api, key), 401, 401424);
      expectError(await appMe(server.api, { token: accessToken }), 401, 401424);
      expect((await listKeys(app)).body.items[0].enabled).toBe(false);

      const enabled = await server.api.post(appPath(app.clientId, `/accessKeys/${key.accessKeyId}/enable`), undefined, {
        token: admin.accessToken,
      });
      expect(enabled.status, enabled.text).toBe(204);
      expect((await appMe(server.api, { token: accessToken })).status).toBe(200);
      expect((await requestAppToken(server.api, key)).status).toBe(200);
      // An access key HRN is of Account and of type accesskey; any other HRN ending in the key's id names nothing.
      for (const hrn of [
        key.accessKeyHrn.replace(':account:', ':data:'),
        key.accessKeyHrn.replace(':accesskey/', ':apikey/'),
      ]) {
        expectError(
          await server.api.post(appPath(app.clientId, `/accessKeys/${encodeURIComponent(hrn)}/disable`), undefined, {
            token: admin.accessToken,
          }),
          404,
          404667,
        );
      }
    });

    it('delete removes the key; its tokens stop working and other keys go on', async () => {
      const app = await newApp();
      const doomed = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const kept = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const { accessToken } = await appToken(server.api, doomed);

      const deleted = await server.api.delete(appPath(app.clientId, `/accessKeys/${doomed.accessKeyId}`), {
        token: admin.accessToken,
      });
      expect(deleted.status, deleted.text).toBe(204);
      expectError(await requestAppToken(server.api, doomed), 401, 401300);
      expectError(await appMe(server.api, { token: accessToken }), 401, 401701);
      expect((await requestAppToken(server.api, kept)).status).toBe(200);
      const list = await listKeys(app);
      expect(list.body.items.map((item: { accessKeyId: string }) => item.accessKeyId)).toEqual([kept.accessKeyId]);
      expectError(
        await server.api.delete(appPath(app.clientId, `/accessKeys/${doomed.accessKeyId}`), {
          token: admin.accessToken,
        }),
        404,
        404667,
      );
    });

    it('a key of one app cannot be managed through another app', async () => {
      const app = await newApp();
      const other = await newApp();
      const key = await createAccessKey(server.api, admin.accessToken, app.clientId);
      expectError(
        await server.api.post(appPath(other.clientId, `/accessKeys/${key.accessKeyId}/disable`), undefined, {
          token: admin.accessToken,
        }),
        404,
        404667,
      );
      expect((await requestAppToken(server.api, key)).status).toBe(200);
    });

    it('the database holds the secret sealed, never in plain text', async () => {
      const app = await newApp();
      const key = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const rows = await databaseRows(server, app.clientId, 'access_keys', 'id', key.accessKeyId);
      expect(rows).toHaveLength(1);
      const row = rows[0] ?? {};
      expect(String(row.secret_sealed)).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(JSON.stringify(row)).not.toContain(key.accessKeySecret);
      // Sealed values are bound to their key: the same secret sealed twice never looks the same.
      const second = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const [secondRow] = await databaseRows(server, app.clientId, 'access_keys', 'id', second.accessKeyId);
      expect(secondRow?.secret_sealed).not.toBe(row.secret_sealed);
    });
  });

  describe('legacy APP CODE', () => {
    it('works where API keys do, marked deprecated, until it is removed', async () => {
      const app = await newApp({ name: 'Legacy' });
      const codePath = appPath(app.clientId, '/appCode');
      expectError(await server.api.get(codePath, { token: admin.accessToken }), 404, 404668);

      const issued = await server.api.put(codePath, undefined, { token: admin.accessToken });
      expect(issued.status, issued.text).toBe(200);
      expect(issued.body).toMatchObject({
        appCode: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
        appId: app.clientId,
        identity: app.hrn,
        realm: `hrn:here:account::${admin.realm}:realm/${admin.realm}`,
      });
      const appCode: string = issued.body.appCode;
      const again = await server.api.put(codePath, undefined, { token: admin.accessToken });
      expect(again.body.appCode).toBe(appCode);
      expect((await server.api.get(codePath, { token: admin.accessToken })).body.appCode).toBe(appCode);
      expect((await server.api.get(appPath(app.clientId), { token: admin.accessToken })).body.appCodeEnabled).toBe(
        true,
      );

      const me = await appMe(server.api, { appId: app.clientId, appCode });
      expect(me.status, me.text).toBe(200);
      expect(me.body.clientId).toBe(app.clientId);
      expect(me.headers.get('deprecation')).toBe('true');
      expect(me.headers.get('warning')).toMatch(/^299 - ".*deprecated.*"$/);

      expectError(await appMe(server.api, { appId: app.clientId, appCode: `${appCode}x` }), 401, 401300);
      expectError(await appMe(server.api, { appId: 'AAAAAAAAAAAAAAAAAAAA', appCode }), 401, 401300);
      const [row] = await databaseRows(server, app.clientId, 'apps', 'id', app.clientId);
      expect(String(row?.app_code_sealed)).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain(appCode);

      const removed = await server.api.delete(codePath, { token: admin.accessToken });
      expect(removed.status, removed.text).toBe(204);
      expectError(await appMe(server.api, { appId: app.clientId, appCode }), 401, 401300);
      expectError(await server.api.get(codePath, { token: admin.accessToken }), 404, 404668);
      expect((await server.api.get(appPath(app.clientId), { token: admin.accessToken })).body.appCodeEnabled).toBe(
        false,
      );
    });

    it('another app code does not open another app', async () => {
      const first = await newApp();
      const second = await newApp();
      const code = await server.api.put(appPath(first.clientId, '/appCode'), undefined, { token: admin.accessToken });
      expectError(await appMe(server.api, { appId: second.clientId, appCode: code.body.appCode }), 401, 401300);
    });
  });
});
