import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppView,
  AUTHN,
  appHrn,
  appMe,
  appPath,
  appToken,
  appWithToken,
  createAccessKey,
  createApiKey,
  createApp,
  rawColonHrn,
  requestAppToken,
} from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('apps', () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  describe('create', () => {
    it('answers 200 with the App: a 20-character id, its HRN, active, and tokens of 24 hours by default', async () => {
      const before = Date.now();
      const response = await server.api.post(
        `${AUTHN}/apps`,
        { name: 'Fleet tracker', description: 'Tracks the fleet' },
        { token: admin.accessToken },
      );
      expect(response.status, response.text).toBe(200);
      const app = response.body as AppView;
      expect(app.clientId).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(app).toMatchObject({
        hrn: `hrn:here:account::${admin.realm}:app/${app.clientId}`,
        realm: admin.realm,
        name: 'Fleet tracker',
        description: 'Tracks the fleet',
        status: 'active',
        applicationType: 'application',
        redirectUris: [],
        allowedScopes: [],
        responseTypes: [],
        referrers: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        tokenDuration: 86_400,
        appCreationEnabled: false,
        appCodeEnabled: false,
        ownerId: admin.userId,
      });
      expect(app.createdTime).toBeGreaterThanOrEqual(before - 1000);
      expect(app.createdTime).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('gives each app its own id', async () => {
      const apps = await Promise.all([1, 2, 3].map(() => createApp(server.api, admin.accessToken)));
      expect(new Set(apps.map((app) => app.clientId)).size).toBe(3);
    });

    it('takes a token duration between 60 seconds and 24 hours, and the token endpoint uses it', async () => {
      const short = await createApp(server.api, admin.accessToken, { tokenDuration: 600 });
      expect(short.tokenDuration).toBe(600);
      const key = await createAccessKey(server.api, admin.accessToken, short.clientId);
      expect((await appToken(server.api, key)).expiresIn).toBe(600);
      expect((await createApp(server.api, admin.accessToken, { tokenDuration: 60 })).tokenDuration).toBe(60);
      expect((await createApp(server.api, admin.accessToken, { tokenDuration: 86_400 })).tokenDuration).toBe(86_400);
    });

    it.each([86_401, 59, 0, -1, 1.5])('refuses tokenDuration %s with 400200', async (tokenDuration) => {
      const response = await server.api.post(
        `${AUTHN}/apps`,
        { name: 'Bad duration', tokenDuration },
        { token: admin.accessToken },
      );
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([expect.objectContaining({ name: 'tokenDuration' })]);
    });

    it('needs a name', async () => {
      const response = await server.api.post(
        `${AUTHN}/apps`,
        { description: 'nameless' },
        { token: admin.accessToken },
      );
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([expect.objectContaining({ name: 'name' })]);
    });

    it('needs a token', async () => {
      expectError(await server.api.post(`${AUTHN}/apps`, { name: 'anonymous' }), 401, 401200);
    });
  });

  describe('get', () => {
    let app: AppView;
    beforeAll(async () => {
      app = await createApp(server.api, admin.accessToken, { name: 'Lookup' });
    });

    it('by client id', async () => {
      const response = await server.api.get(`${AUTHN}/apps/${app.clientId}`, { token: admin.accessToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual(app);
    });

    it('by fully percent-encoded HRN', async () => {
      const path = appPath(app.hrn);
      expect(path).toContain('hrn%3Ahere%3Aaccount%3A%3A');
      const response = await server.api.get(path, { token: admin.accessToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual(app);
    });

    it('by HRN with raw colons and an encoded slash', async () => {
      const response = await server.api.get(`${AUTHN}/apps/${rawColonHrn(app.hrn)}`, { token: admin.accessToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual(app);
    });

    it('answers 404660 for an unknown app, a malformed id and an HRN naming the app in another organization', async () => {
      for (const reference of [
        'AAAAAAAAAAAAAAAAAAAA',
        'not-an-app-id!',
        appHrn('some-other-org', app.clientId),
        `hrn:here:account::${admin.realm}:user/${app.clientId}`,
      ]) {
        const response = await server.api.get(appPath(reference), { token: admin.accessToken });
        expectError(response, 404, 404660);
      }
    });
  });

  describe('update', () => {
    it('changes the given fields and keeps the others', async () => {
      const app = await createApp(server.api, admin.accessToken, { name: 'Before', description: 'kept' });
      const response = await server.api.patch(
        appPath(app.clientId),
        {
          name: 'After',
          tokenDuration: 3600,
          redirectUris: ['https://app.example.com/callback'],
          applicationType: 'service',
        },
        { token: admin.accessToken },
      );
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({
        clientId: app.clientId,
        name: 'After',
        description: 'kept',
        tokenDuration: 3600,
        redirectUris: ['https://app.example.com/callback'],
        applicationType: 'service',
        createdTime: app.createdTime,
      });
      const read = await server.api.get(appPath(app.hrn), { token: admin.accessToken });
      expect(read.body).toEqual(response.body);
    });

    it('by HRN, and refuses a token duration above 24 hours', async () => {
      const app = await createApp(server.api, admin.accessToken);
      const renamed = await server.api.patch(
        `${AUTHN}/apps/${rawColonHrn(app.hrn)}`,
        { name: 'Renamed by HRN' },
        { token: admin.accessToken },
      );
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.name).toBe('Renamed by HRN');
      const tooLong = await server.api.patch(
        appPath(app.clientId),
        { tokenDuration: 86_401 },
        { token: admin.accessToken },
      );
      expectError(tooLong, 400, 400200);
      const read = await server.api.get(appPath(app.clientId), { token: admin.accessToken });
      expect(read.body.tokenDuration).toBe(86_400);
    });
  });

  describe('list', () => {
    let owner: SignedIn;
    let apps: AppView[];
    beforeAll(async () => {
      owner = await signUpAndSignIn(server.api);
      apps = [];
      for (const name of ['one', 'two', 'three', 'four', 'five']) {
        apps.push(await createApp(server.api, owner.accessToken, { name }));
      }
    });

    it.each(['read', 'write', 'manage', 'share', undefined])(
      'with action=%s shows the creator every app',
      async (action) => {
        const response = await server.api.get(`${AUTHN}/apps${action ? `?action=${action}` : ''}`, {
          token: owner.accessToken,
        });
        expect(response.status, response.text).toBe(200);
        expect(response.body).toMatchObject({ limit: 100, total: 5 });
        expect(response.body).not.toHaveProperty('pageToken');
        expect(response.body.items.map((item: { id: string }) => item.id)).toEqual(apps.map((app) => app.clientId));
        expect(response.body.items[0]).toEqual({
          id: apps[0]?.clientId,
          hrn: apps[0]?.hrn,
          realm: owner.realm,
          name: 'one',
          status: 'active',
          appCreationEnabled: false,
          applicationType: 'application',
          createdTime: apps[0]?.createdTime,
        });
      },
    );

    it('pages with limit and pageToken, keeping the total', async () => {
      const seen: string[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const response = await server.api.get(
          `${AUTHN}/apps?limit=2${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
          { token: owner.accessToken },
        );
        expect(response.status, response.text).toBe(200);
        expect(response.body).toMatchObject({ limit: 2, total: 5 });
        expect(response.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...response.body.items.map((item: { id: string }) => item.id));
        pageToken = response.body.pageToken;
        pages++;
      } while (pageToken !== undefined && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(apps.map((app) => app.clientId));
    });

    it('refuses a bad limit, action or page token', async () => {
      for (const query of ['limit=0', 'limit=101', 'action=delete', 'pageToken=%24%24%24']) {
        const response = await server.api.get(`${AUTHN}/apps?${query}`, { token: owner.accessToken });
        expect(response.status, `${query}: ${response.text}`).toBe(400);
      }
    });

    it('shows nothing of what others created', async () => {
      const response = await server.api.get(`${AUTHN}/apps`, { token: admin.accessToken });
      expect(response.status).toBe(200);
      const ids = response.body.items.map((item: { id: string }) => item.id);
      for (const app of apps) expect(ids).not.toContain(app.clientId);
    });
  });

  describe('GET /app/me', () => {
    it('answers the calling app for an app token', async () => {
      const { app, token } = await appWithToken(server.api, admin.accessToken, { name: 'Me' });
      const response = await appMe(server.api, { token });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ clientId: app.clientId, hrn: app.hrn, name: 'Me', realm: admin.realm });
    });

    it('refuses a user token with 401303', async () => {
      expectError(await appMe(server.api, { token: admin.accessToken }), 401, 401303);
    });
  });

  describe('delete', () => {
    it('removes the app: its token, access keys, API keys and APP CODE stop working', async () => {
      const { app, key, token } = await appWithToken(server.api, admin.accessToken, { name: 'Doomed' });
      const apiKey = await createApiKey(server.api, admin.accessToken, app.clientId);
      const appCode = await server.api.put(appPath(app.clientId, '/appCode'), undefined, { token: admin.accessToken });
      expect(appCode.status, appCode.text).toBe(200);
      expect((await appMe(server.api, { token })).status).toBe(200);
      expect((await appMe(server.api, { apiKey: apiKey.apiKeyId })).status).toBe(200);

      const deleted = await server.api.delete(appPath(app.hrn), { token: admin.accessToken });
      expect(deleted.status, deleted.text).toBe(204);
      expect(deleted.text).toBe('');

      expectError(await server.api.get(appPath(app.clientId), { token: admin.accessToken }), 404, 404660);
      expectError(await appMe(server.api, { token }), 401, 404660);
      expectError(await requestAppToken(server.api, key), 401, 401300);
      expectError(await appMe(server.api, { apiKey: apiKey.apiKeyId }), 401, 401300);
      expectError(await appMe(server.api, { appId: app.clientId, appCode: appCode.body.appCode }), 401, 401300);
      const list = await server.api.get(`${AUTHN}/apps`, { token: admin.accessToken });
      expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(app.clientId);
      expect(await server.gatehouse.storage.permissions.listOn(app.hrn)).toEqual([]);
      expectError(await server.api.delete(appPath(app.clientId), { token: admin.accessToken }), 404, 404660);
    });
  });

  describe('deactivate and activate', () => {
    it('a deactivated app gets no tokens and its tokens and API keys stop at once; activation restores them', async () => {
      const { app, key, token } = await appWithToken(server.api, admin.accessToken);
      const apiKey = await createApiKey(server.api, admin.accessToken, app.clientId);

      const deactivated = await server.api.post(appPath(app.clientId, '/deactivate'), undefined, {
        token: admin.accessToken,
      });
      expect(deactivated.status, deactivated.text).toBe(204);
      const read = await server.api.get(appPath(app.clientId), { token: admin.accessToken });
      expect(read.body.status).toBe('deactivated');
      expectError(await appMe(server.api, { token }), 401, 401311);
      expectError(await requestAppToken(server.api, key), 401, 401311);
      expectError(await appMe(server.api, { apiKey: apiKey.apiKeyId }), 401, 401311);

      const activated = await server.api.post(appPath(app.hrn, '/activate'), undefined, { token: admin.accessToken });
      expect(activated.status, activated.text).toBe(204);
      expect((await server.api.get(appPath(app.clientId), { token: admin.accessToken })).body.status).toBe('active');
      const fresh = await appToken(server.api, key);
      expect((await appMe(server.api, { token: fresh.accessToken })).status).toBe(200);
      expect((await appMe(server.api, { apiKey: apiKey.apiKeyId })).status).toBe(200);
    });
  });

  describe('100 apps per user', () => {
    it('refuses the 101st app with 422000, also when creations race, and allows one again after a delete', async () => {
      const creator = await signUpAndSignIn(server.api);
      const create = () => server.api.post(`${AUTHN}/apps`, { name: 'Many' }, { token: creator.accessToken });
      const first: string[] = [];
      for (let batch = 0; batch < 8; batch++) {
        const answers = await Promise.all(Array.from({ length: 12 }, create));
        for (const answer of answers) {
          expect(answer.status, answer.text).toBe(200);
          first.push(answer.body.clientId);
        }
      }
      expect(first).toHaveLength(96);

      // 10 racing requests for the last 4 places: exactly 4 succeed.
      const race = await Promise.all(Array.from({ length: 10 }, create));
      expect(race.filter((answer) => answer.status === 200)).toHaveLength(4);
      for (const refused of race.filter((answer) => answer.status !== 200)) expectError(refused, 422, 422000);

      const over = await create();
      expectError(over, 422, 422000);
      expect(over.body.message).toBe('MaxEntityApps limit reached. Current value: 100. Maximum value: 100.');
      const list = await server.api.get(`${AUTHN}/apps?limit=100`, { token: creator.accessToken });
      expect(list.body.total).toBe(100);

      const deleted = await server.api.delete(appPath(first[0] ?? ''), { token: creator.accessToken });
      expect(deleted.status).toBe(204);
      expect((await create()).status).toBe(200);
      expectError(await create(), 422, 422000);
    });
  });

  describe('apps creating apps', () => {
    it('only while appCreationEnabled is on', async () => {
      const { app, token } = await appWithToken(server.api, admin.accessToken, { name: 'Factory' });
      const enabled = () => server.api.get(appPath(app.clientId, '/appCreationEnabled'), { token: admin.accessToken });
      const createAsApp = () => server.api.post(`${AUTHN}/apps`, { name: 'Child' }, { token });

      expectError(await enabled(), 404, 404001);
      expectError(await createAsApp(), 403, 403403);

      const put = await server.api.put(appPath(app.hrn, '/appCreationEnabled'), undefined, {
        token: admin.accessToken,
      });
      expect(put.status, put.text).toBe(204);
      expect((await enabled()).status).toBe(204);
      expect((await server.api.get(appPath(app.clientId), { token: admin.accessToken })).body.appCreationEnabled).toBe(
        true,
      );

      const child = await createAsApp();
      expect(child.status, child.text).toBe(200);
      expect(child.body).toMatchObject({ realm: admin.realm, name: 'Child', ownerId: app.clientId });
      const mine = await server.api.get(`${AUTHN}/apps?action=manage`, { token });
      expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([child.body.clientId]);
      // The user who made the factory app does not get rights on what the app creates.
      expectError(await server.api.get(appPath(child.body.clientId), { token: admin.accessToken }), 403, 403403);

      const removed = await server.api.delete(appPath(app.clientId, '/appCreationEnabled'), {
        token: admin.accessToken,
      });
      expect(removed.status, removed.text).toBe(204);
      expectError(await enabled(), 404, 404001);
      expectError(await createAsApp(), 403, 403403);
    });

    it('only the app manager switches it', async () => {
      const { app, token } = await appWithToken(server.api, admin.accessToken);
      const other = await appWithToken(server.api, admin.accessToken);
      // An app holds no rights on itself, nor on its siblings.
      expectError(
        await server.api.put(appPath(app.clientId, '/appCreationEnabled'), undefined, { token }),
        403,
        403403,
      );
      expectError(
        await server.api.put(appPath(app.clientId, '/appCreationEnabled'), undefined, { token: other.token }),
        403,
        403403,
      );
    });
  });
});
