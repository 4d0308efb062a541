import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppView,
  AUTHN,
  AUTHZ,
  appMe,
  appPath,
  appWithToken,
  createAccessKey,
  createApiKey,
  createApp,
  grantActions,
  grantPath,
  inviteMember,
  rawColonHrn,
  realmRoleHrn,
  requestAppToken,
} from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALL = ['read', 'write', 'manage', 'share'] as const;
const MANAGER = ['read', 'write', 'manage'] as const;

describe('app managers, sharing and orphaned apps', () => {
  let server: TestServer;
  /** OrgAdmin of organization A, not a ResourceManager. */
  let alice: SignedIn;
  /** Plain members of organization A. */
  let bob: SignedIn;
  let carol: SignedIn;
  let dave: SignedIn;
  /** Member of organization A with the ResourceManager role. */
  let rita: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    [bob, carol, dave] = await Promise.all([
      inviteMember(server, alice, { prefix: 'bob' }),
      inviteMember(server, alice, { prefix: 'carol' }),
      inviteMember(server, alice, { prefix: 'dave' }),
    ]);
    rita = await inviteMember(server, alice, {
      prefix: 'rita',
      roles: [await realmRoleHrn(server, alice.realm, 'ResourceManager')],
    });
    mallory = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  const ids = (response: { body: { items: Array<{ id: string }> } }) => response.body.items.map((item) => item.id);
  const listApps = async (who: SignedIn, action?: string) => {
    const response = await server.api.get(`${AUTHN}/apps${action ? `?action=${action}` : ''}`, {
      token: who.accessToken,
    });
    expect(response.status, response.text).toBe(200);
    return ids(response);
  };
  const user = (who: SignedIn) => ({ id: who.userId, type: 'user' as const });

  describe('sharing an app with another user (read, write, manage, share)', () => {
    it('lets them see it under every action, manage it and share it further', async () => {
      const app = await createApp(server.api, alice.accessToken, { name: 'Shared' });
      expectError(await server.api.get(appPath(app.clientId), { token: bob.accessToken }), 403, 403403);
      expect(await listApps(bob, 'share')).not.toContain(app.clientId);

      const granted = await grantActions(server.api, alice.accessToken, app.hrn, user(bob), ALL);
      expect(granted.body.entityId).toEqual({
        id: bob.userId,
        hrn: `hrn:here:account::${alice.realm}:user/${bob.userId}`,
        realmHrn: `hrn:here:account::${alice.realm}:realm/${alice.realm}`,
        type: 'user',
      });
      expect(granted.body.permissions.map((p: { action: string }) => p.action).sort()).toEqual([...ALL].sort());
      for (const permission of granted.body.permissions) {
        expect(permission).toMatchObject({ id: expect.stringMatching(/^PERM-/), effect: 'allow', resource: app.hrn });
      }

      for (const action of ALL) expect(await listApps(bob, action)).toContain(app.clientId);
      expect((await server.api.get(appPath(app.hrn), { token: bob.accessToken })).status).toBe(200);
      const patched = await server.api.patch(
        appPath(app.clientId),
        { name: 'Renamed by Bob' },
        { token: bob.accessToken },
      );
      expect(patched.status, patched.text).toBe(200);
      await createAccessKey(server.api, bob.accessToken, app.clientId);

      // Bob holds share, so he may share further.
      await grantActions(server.api, bob.accessToken, app.hrn, user(dave), ['read']);
      const daveRead = await server.api.get(appPath(app.clientId), { token: dave.accessToken });
      expect(daveRead.status, daveRead.text).toBe(200);
      expect(daveRead.body.name).toBe('Renamed by Bob');
      expect(await listApps(dave, 'read')).toContain(app.clientId);
      expect(await listApps(dave, 'manage')).not.toContain(app.clientId);
      expectError(
        await server.api.patch(appPath(app.clientId), { name: 'x' }, { token: dave.accessToken }),
        403,
        403403,
      );
    });

    it('granting is idempotent, and accepts the entity as an HRN', async () => {
      const app = await createApp(server.api, alice.accessToken);
      const bobHrn = `hrn:here:account::${alice.realm}:user/${bob.userId}`;
      for (let round = 0; round < 2; round++) {
        const response = await server.api.post(grantPath(app.hrn, bobHrn, 'read', 'user'), undefined, {
          token: alice.accessToken,
        });
        expect(response.status, response.text).toBe(200);
        expect(response.body.permissions).toHaveLength(1);
      }
    });
  });

  describe('adding an app manager (read, write, manage)', () => {
    it('can create credentials and change the app, but cannot share it', async () => {
      const app = await createApp(server.api, alice.accessToken, { name: 'Managed' });
      await grantActions(server.api, alice.accessToken, app.hrn, user(carol), MANAGER);

      expect(await listApps(carol, 'manage')).toContain(app.clientId);
      expect(await listApps(carol, 'share')).not.toContain(app.clientId);
      const key = await createAccessKey(server.api, carol.accessToken, app.clientId);
      expect((await requestAppToken(server.api, key)).status).toBe(200);
      await createApiKey(server.api, carol.accessToken, app.clientId);
      const deactivated = await server.api.post(appPath(app.clientId, '/deactivate'), undefined, {
        token: carol.accessToken,
      });
      expect(deactivated.status).toBe(204);

      const share = await server.api.post(grantPath(app.hrn, dave.userId, 'read', 'user'), undefined, {
        token: carol.accessToken,
      });
      expectError(share, 403, 403403);
      expectError(await server.api.get(grantPath(app.hrn), { token: carol.accessToken }), 403, 403403);
      // …but she may read her own grant.
      const own = await server.api.get(`${grantPath(app.hrn, carol.userId)}?entityType=user`, {
        token: carol.accessToken,
      });
      expect(own.status, own.text).toBe(200);
      expect(own.body.permissions.map((p: { action: string }) => p.action).sort()).toEqual([...MANAGER].sort());
    });

    it('a reader cannot manage: no credentials, no changes, no deletion', async () => {
      const app = await createApp(server.api, alice.accessToken);
      await grantActions(server.api, alice.accessToken, app.hrn, user(dave), ['read']);
      expect((await server.api.get(appPath(app.clientId), { token: dave.accessToken })).status).toBe(200);
      const token = { token: dave.accessToken };
      expectError(await server.api.post(appPath(app.clientId, '/accessKeys'), undefined, token), 403, 403403);
      expectError(await server.api.post(appPath(app.clientId, '/apiKeys'), { name: 'k' }, token), 403, 403403);
      expectError(await server.api.patch(appPath(app.clientId), { name: 'x' }, token), 403, 403403);
      expectError(await server.api.delete(appPath(app.clientId), token), 403, 403403);
      expectError(await server.api.post(appPath(app.clientId, '/deactivate'), undefined, token), 403, 403403);
    });
  });

  describe('grants', () => {
    let app: AppView;
    beforeAll(async () => {
      app = await createApp(server.api, alice.accessToken, { name: 'Granted' });
      await grantActions(server.api, alice.accessToken, app.hrn, user(bob), ALL);
      await grantActions(server.api, alice.accessToken, app.hrn, user(carol), MANAGER);
    });

    it('lists who holds what on the app', async () => {
      const response = await server.api.get(grantPath(app.hrn), { token: alice.accessToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ total: 3, count: 3 });
      const byId = Object.fromEntries(
        response.body.data.map((grant: { entityId: { id: string }; permissions: Array<{ action: string }> }) => [
          grant.entityId.id,
          grant.permissions.map((p) => p.action).sort(),
        ]),
      );
      expect(byId).toEqual({
        [alice.userId]: [...ALL].sort(),
        [bob.userId]: [...ALL].sort(),
        [carol.userId]: [...MANAGER].sort(),
      });
      const apps = await server.api.get(`${grantPath(app.hrn)}?entityType=app`, { token: alice.accessToken });
      expect(apps.body).toMatchObject({ total: 0, data: [] });
      // The resource HRN may also come with raw colons and only the slash encoded.
      const rawColons = await server.api.get(`${AUTHZ}/grants/resources/${rawColonHrn(app.hrn)}/entities`, {
        token: alice.accessToken,
      });
      expect(rawColons.status, rawColons.text).toBe(200);
      expect(rawColons.body.total).toBe(3);
    });

    it('reads the grant of one entity', async () => {
      const response = await server.api.get(`${grantPath(app.hrn, carol.userId)}?entityType=user`, {
        token: bob.accessToken,
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body.entityId).toMatchObject({ id: carol.userId, type: 'user' });
      expect(response.body.permissions).toHaveLength(3);
    });

    it('shares with an app: its token then reads the app', async () => {
      const client = await appWithToken(server.api, alice.accessToken, { name: 'Reader app' });
      const target = await createApp(server.api, alice.accessToken, { name: 'Read by an app' });
      expectError(await server.api.get(appPath(target.clientId), { token: client.token }), 403, 403403);
      const granted = await grantActions(
        server.api,
        alice.accessToken,
        target.hrn,
        { id: client.app.clientId, type: 'app' },
        ['read'],
      );
      expect(granted.body.entityId).toMatchObject({ id: client.app.clientId, hrn: client.app.hrn, type: 'app' });
      const read = await server.api.get(appPath(target.clientId), { token: client.token });
      expect(read.status, read.text).toBe(200);
      const listed = await server.api.get(`${AUTHN}/apps?action=read`, { token: client.token });
      expect(ids(listed)).toEqual([target.clientId]);
      const list = await server.api.get(`${grantPath(target.hrn)}?entityType=app`, { token: alice.accessToken });
      expect(list.body.data.map((grant: { entityId: { id: string } }) => grant.entityId.id)).toEqual([
        client.app.clientId,
      ]);
    });

    it('removing grants takes the access away', async () => {
      const target = await createApp(server.api, alice.accessToken);
      await grantActions(server.api, alice.accessToken, target.hrn, user(dave), MANAGER);
      await createAccessKey(server.api, dave.accessToken, target.clientId);

      const removed = await server.api.delete(grantPath(target.hrn, dave.userId, 'manage', 'user'), {
        token: alice.accessToken,
      });
      expect(removed.status, removed.text).toBe(204);
      expect(await listApps(dave, 'manage')).not.toContain(target.clientId);
      expect(await listApps(dave, 'read')).toContain(target.clientId);
      // write alone still creates credentials (HERE: write or manage); without both it is refused.
      await server.api.delete(grantPath(target.hrn, dave.userId, 'write', 'user'), { token: alice.accessToken });
      expectError(
        await server.api.post(appPath(target.clientId, '/accessKeys'), undefined, { token: dave.accessToken }),
        403,
        403403,
      );
      expect((await server.api.get(appPath(target.clientId), { token: dave.accessToken })).status).toBe(200);

      await server.api.delete(grantPath(target.hrn, dave.userId, 'read', 'user'), { token: alice.accessToken });
      expectError(await server.api.get(appPath(target.clientId), { token: dave.accessToken }), 403, 403403);
      expect(await listApps(dave)).not.toContain(target.clientId);
      const grant = await server.api.get(`${grantPath(target.hrn, dave.userId)}?entityType=user`, {
        token: alice.accessToken,
      });
      expect(grant.body.permissions).toEqual([]);
    });

    it('a plain member without share can neither grant nor remove grants (HERE 403)', async () => {
      const grant = await server.api.post(grantPath(app.hrn, dave.userId, 'read', 'user'), undefined, {
        token: dave.accessToken,
      });
      expectError(grant, 403, 403403);
      expect(grant.body).toMatchObject({
        title: 'These credentials do not authorize access for this operation.',
        action: 'Add/Share the necessary permissions to the identity.',
      });
      expect(grant.body.cause).toContain(dave.userId);
      expect(grant.body.cause).toContain(app.hrn);
      expect(grant.body.cause).toContain('share');

      expectError(
        await server.api.delete(grantPath(app.hrn, bob.userId, 'share', 'user'), { token: dave.accessToken }),
        403,
        403403,
      );
      const still = await server.api.get(`${grantPath(app.hrn, bob.userId)}?entityType=user`, {
        token: alice.accessToken,
      });
      expect(still.body.permissions).toHaveLength(4);
    });

    it('addGrant:<action> lets its holder grant exactly that action', async () => {
      const target = await createApp(server.api, alice.accessToken);
      const reader = await createApp(server.api, alice.accessToken);
      await grantActions(server.api, alice.accessToken, target.hrn, user(dave), ['addGrant:read']);
      const read = await server.api.post(grantPath(target.hrn, reader.clientId, 'read', 'app'), undefined, {
        token: dave.accessToken,
      });
      expect(read.status, read.text).toBe(200);
      expectError(
        await server.api.post(grantPath(target.hrn, reader.clientId, 'write', 'app'), undefined, {
          token: dave.accessToken,
        }),
        403,
        403403,
      );
    });

    it('refuses unknown actions, unknown entities and entities of another organization', async () => {
      const token = { token: alice.accessToken };
      expectError(
        await server.api.post(grantPath(app.hrn, bob.userId, 'destroy', 'user'), undefined, token),
        400,
        400200,
      );
      expectError(
        await server.api.post(
          grantPath(app.hrn, 'HERE-00000000-0000-0000-0000-000000000000', 'read', 'user'),
          undefined,
          token,
        ),
        400,
        400204,
      );
      expectError(await server.api.post(grantPath(app.hrn, bob.userId, 'read'), undefined, token), 400, 400200);
      const foreign = await server.api.post(grantPath(app.hrn, mallory.userId, 'read', 'user'), undefined, token);
      expectError(foreign, 403, 400361);
      const held = await server.gatehouse.storage.permissions.listFor([mallory.userId]);
      expect(held).toEqual([]);
    });
  });

  describe('orphaned apps', () => {
    it('when the only manager deletes their account, only a ResourceManager can manage the app and add a manager', async () => {
      const erin = await inviteMember(server, alice, { prefix: 'erin' });
      const { app, key } = await appWithToken(server.api, erin.accessToken, { name: 'Orphan' });
      const apiKey = await createApiKey(server.api, erin.accessToken, app.clientId);

      const deactivated = await server.api.post('/user/me/deactivate', undefined, { token: erin.accessToken });
      expect(deactivated.status, deactivated.text).toBe(204);
      const deleted = await server.api.delete('/user/me', { token: erin.accessToken });
      expect(deleted.status, deleted.text).toBe(204);

      // The app itself keeps working: its credentials belong to the app, not to the departed user.
      expect((await requestAppToken(server.api, key)).status).toBe(200);
      expect((await appMe(server.api, { apiKey: apiKey.apiKeyId })).status).toBe(200);
      expect(await server.gatehouse.storage.permissions.listOn(app.hrn)).toEqual([]);

      // Nobody holds anything on it: the OrgAdmin without ResourceManager and members are refused.
      for (const who of [alice, bob]) {
        expectError(await server.api.get(appPath(app.clientId), { token: who.accessToken }), 403, 403403);
        expectError(
          await server.api.patch(appPath(app.clientId), { name: 'Adopted' }, { token: who.accessToken }),
          403,
          403403,
        );
        expectError(
          await server.api.post(grantPath(app.hrn, who.userId, 'manage', 'user'), undefined, {
            token: who.accessToken,
          }),
          403,
          403403,
        );
        expect(await listApps(who)).not.toContain(app.clientId);
      }

      // The ResourceManager sees and manages every app of the organization.
      expect(await listApps(rita)).toContain(app.clientId);
      expect(await listApps(rita, 'manage')).toContain(app.clientId);
      const read = await server.api.get(appPath(app.hrn), { token: rita.accessToken });
      expect(read.status, read.text).toBe(200);
      expect(read.body.ownerId).toBe(erin.userId);
      const renamed = await server.api.patch(appPath(app.clientId), { name: 'Adopted' }, { token: rita.accessToken });
      expect(renamed.status, renamed.text).toBe(200);
      expect((await server.api.get(grantPath(app.hrn), { token: rita.accessToken })).body.total).toBe(0);

      // …and adds a new manager, who can then manage it but not share it.
      await grantActions(server.api, rita.accessToken, app.hrn, user(carol), MANAGER);
      const patched = await server.api.patch(
        appPath(app.clientId),
        { description: 'Carol runs it now' },
        {
          token: carol.accessToken,
        },
      );
      expect(patched.status, patched.text).toBe(200);
      await createAccessKey(server.api, carol.accessToken, app.clientId);
      expectError(
        await server.api.post(grantPath(app.hrn, bob.userId, 'read', 'user'), undefined, { token: carol.accessToken }),
        403,
        403403,
      );
      // The ResourceManager may also share it in full.
      await grantActions(server.api, rita.accessToken, app.hrn, user(bob), ALL);
      expect(await listApps(bob, 'share')).toContain(app.clientId);
    });

    it("a ResourceManager reaches apps of other managers too, never another organization's", async () => {
      const app = await createApp(server.api, bob.accessToken);
      expect((await server.api.get(appPath(app.clientId), { token: rita.accessToken })).status).toBe(200);
      const foreign = await createApp(server.api, mallory.accessToken);
      expectError(await server.api.get(appPath(foreign.clientId), { token: rita.accessToken }), 404, 404660);
      expect(await listApps(rita)).not.toContain(foreign.clientId);
    });
  });

  describe('cross-organization isolation', () => {
    let app: AppView;
    let appToken: string;
    beforeAll(async () => {
      const made = await appWithToken(server.api, alice.accessToken, { name: 'Org A only' });
      app = made.app;
      appToken = made.token;
    });

    it('an admin of organization B gets 404 for the app by id and by HRN, and never sees it listed', async () => {
      const token = { token: mallory.accessToken };
      for (const path of [
        `${AUTHN}/apps/${app.clientId}`,
        appPath(app.hrn),
        `${AUTHN}/apps/${rawColonHrn(app.hrn)}`,
        appPath(app.hrn.replace(`::${alice.realm}:`, `::${mallory.realm}:`)),
      ]) {
        expectError(await server.api.get(path, token), 404, 404660);
      }
      for (const action of [undefined, ...ALL]) {
        const listed = await server.api.get(`${AUTHN}/apps${action ? `?action=${action}` : ''}`, token);
        expect(ids(listed)).not.toContain(app.clientId);
      }
      expectError(await server.api.get(`${AUTHN}/users/${alice.userId}/apps`, token), 404, 404000);
    });

    it('cannot change, deactivate, delete or take credentials of it', async () => {
      const token = { token: mallory.accessToken };
      const path = appPath(app.clientId);
      expectError(await server.api.patch(path, { name: 'Hijacked' }, token), 404, 404660);
      expectError(await server.api.post(appPath(app.clientId, '/deactivate'), undefined, token), 404, 404660);
      expectError(await server.api.delete(path, token), 404, 404660);
      expectError(await server.api.delete(appPath(app.hrn), token), 404, 404660);
      expectError(await server.api.post(appPath(app.clientId, '/accessKeys'), undefined, token), 404, 404660);
      expectError(await server.api.get(appPath(app.clientId, '/accessKeys'), token), 404, 404660);
      expectError(await server.api.post(appPath(app.hrn, '/apiKeys'), { name: 'stolen' }, token), 404, 404660);
      expectError(await server.api.get(appPath(app.clientId, '/apiKeys'), token), 404, 404660);
      expectError(await server.api.put(appPath(app.clientId, '/appCode'), undefined, token), 404, 404660);
      expectError(await server.api.put(appPath(app.clientId, '/appCreationEnabled'), undefined, token), 404, 404660);

      const intact = await server.api.get(path, { token: alice.accessToken });
      expect(intact.body).toMatchObject({ name: 'Org A only', status: 'active', appCodeEnabled: false });
      expect((await appMe(server.api, { token: appToken })).status).toBe(200);
    });

    it("cannot reach org A's credentials through an app of its own", async () => {
      const key = await createAccessKey(server.api, alice.accessToken, app.clientId);
      const apiKey = await createApiKey(server.api, alice.accessToken, app.clientId);
      const own = await createApp(server.api, mallory.accessToken);
      const token = { token: mallory.accessToken };
      expectError(
        await server.api.post(appPath(own.clientId, `/accessKeys/${key.accessKeyId}/disable`), undefined, token),
        404,
        404667,
      );
      expectError(
        await server.api.delete(appPath(own.clientId, `/apiKeys/${encodeURIComponent(apiKey.apiKey)}`), token),
        404,
        404666,
      );
      expect((await requestAppToken(server.api, key)).status).toBe(200);
      expect((await appMe(server.api, { apiKey: apiKey.apiKeyId })).body.clientId).toBe(app.clientId);
      await server.api.delete(appPath(app.clientId, `/accessKeys/${key.accessKeyId}`), { token: alice.accessToken });
      await server.api.delete(appPath(app.clientId, `/apiKeys/${encodeURIComponent(apiKey.apiKey)}`), {
        token: alice.accessToken,
      });
    });

    it('cannot use it in grants, nor grant its own apps to org A', async () => {
      const token = { token: mallory.accessToken };
      expectError(await server.api.get(grantPath(app.hrn), token), 404, 404001);
      expectError(
        await server.api.post(grantPath(app.hrn, mallory.userId, 'read', 'user'), undefined, token),
        404,
        404001,
      );
      expectError(
        await server.api.post(grantPath(app.hrn, mallory.userId, 'share', 'user'), undefined, token),
        404,
        404001,
      );
      expectError(await server.api.delete(grantPath(app.hrn, alice.userId, 'read', 'user'), token), 404, 404001);
      expectError(await server.api.get(`${grantPath(app.hrn, alice.userId)}?entityType=user`, token), 404, 404001);

      const own = await appWithToken(server.api, mallory.accessToken);
      expectError(
        await server.api.post(grantPath(own.app.hrn, alice.userId, 'read', 'user'), undefined, token),
        403,
        400361,
      );
      expectError(
        await server.api.post(grantPath(own.app.hrn, app.clientId, 'read', 'app'), undefined, token),
        403,
        400361,
      );
      // Granting org A's app to org B's app, by the owner in org A, is refused too.
      expectError(
        await server.api.post(grantPath(app.hrn, own.app.clientId, 'read', 'app'), undefined, {
          token: alice.accessToken,
        }),
        403,
        400361,
      );
      // Org B's app token does not reach org A's app either.
      expectError(await server.api.get(appPath(app.clientId), { token: own.token }), 404, 404660);
      const grants = await server.api.get(grantPath(app.hrn), { token: alice.accessToken });
      const holders = grants.body.data.map((grant: { entityId: { id: string } }) => grant.entityId.id);
      expect(holders).not.toContain(mallory.userId);
      expect(holders).not.toContain(own.app.clientId);
    });
  });
});
