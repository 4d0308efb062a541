import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/storage/database.js';
import { appWithToken, grantPath, inviteMember, realmRoleHrn } from '../support/apps.js';
import { insertGroup, openServerDatabase } from '../support/authz-rows.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('grants on any resource, and Account v1 sharing', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  /** OrgAdmin of organization A. */
  let alice: SignedIn;
  /** Plain member of A. */
  let bob: SignedIn;
  /** ResourceManager of A: holds every action, share included, on A's data resources. */
  let rita: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    handle = openServerDatabase(server);
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    rita = await inviteMember(server, alice, {
      prefix: 'rita',
      roles: [await realmRoleHrn(server, alice.realm, 'ResourceManager')],
    });
    mallory = await signUpAndSignIn(server.api);
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  const catalog = (name: string, realm = alice.realm) => `hrn:here:data::${realm}:${name}-${randomUUID().slice(0, 8)}`;
  const decide = async (who: { accessToken: string } | string, action: string, resource: string) => {
    const token = typeof who === 'string' ? who : who.accessToken;
    const response = await server.api.post(
      '/decision/authorize',
      { actions: [{ action, resource }], diagnostics: true },
      { token },
    );
    expect(response.status, response.text).toBe(200);
    return response.body.diagnostics[0].permissions[0].reason as string;
  };
  const share = (token: string, kind: 'user' | 'app' | 'group', id: string, permissions: unknown[]) =>
    server.api.post(`/${kind}/${id}/authorization/share/permissions`, { permissions }, { token });
  const grantDirectly = (identityId: string, action: string, resourceHrn: string) =>
    server.gatehouse.storage.permissions.grant({
      realm: alice.realm,
      identityId,
      action,
      resourceHrn,
      effect: 'allow',
      createdAt: Date.now(),
    });

  describe('Authorization v1.1 grants', () => {
    it('grants an action on a data resource to a user, an app and a group; the next decision sees it', async () => {
      const resource = catalog('catalog');
      const { app, token: appToken } = await appWithToken(server.api, alice.accessToken);
      const groupId = await insertGroup(handle.db, alice.realm, [bob.userId]);
      expect(await decide(bob, 'readResource', resource)).toBe('no_matching_permission');

      for (const [entity, type] of [
        [bob.userId, 'user'],
        [app.clientId, 'app'],
        [groupId, 'group'],
      ] as const) {
        const granted = await server.api.post(grantPath(resource, entity, 'read', type), undefined, {
          token: rita.accessToken,
        });
        expect(granted.status, granted.text).toBe(200);
        expect(granted.body.entityId.type).toBe(type);
        expect(granted.body.permissions).toEqual([
          { id: expect.stringMatching(/^PERM-/), action: 'read', effect: 'allow', resource },
        ]);
      }
      const viaGroup = await server.api.post(grantPath(resource, groupId, 'readResource', 'group'), undefined, {
        token: rita.accessToken,
      });
      expect(viaGroup.body.entityId.hrn).toBe(`hrn:here:authorization::${alice.realm}:group/${groupId}`);
      expect(await decide(bob, 'readResource', resource)).toBe('allowed');
      expect(await decide(appToken, 'read', resource)).toBe('allowed');

      const listed = await server.api.get(grantPath(resource), { token: rita.accessToken });
      expect(listed.body.total).toBe(3);
      const groupsOnly = await server.api.get(`${grantPath(resource)}?entityType=group`, { token: rita.accessToken });
      expect(groupsOnly.body.data.map((grant: { entityId: { id: string } }) => grant.entityId.id)).toEqual([groupId]);

      const removed = await server.api.delete(grantPath(resource, groupId, 'readResource', 'group'), {
        token: rita.accessToken,
      });
      expect(removed.status).toBe(204);
      expect(await decide(bob, 'readResource', resource)).toBe('no_matching_permission');
    });

    it('needs share or addGrant:<action> to grant, share or removeGrant:<action> to take back', async () => {
      const resource = catalog('guarded');
      expectError(
        await server.api.post(grantPath(resource, bob.userId, 'read', 'user'), undefined, { token: bob.accessToken }),
        403,
        403403,
      );
      await grantDirectly(bob.userId, 'addGrant:read', resource);
      const added = await server.api.post(grantPath(resource, bob.userId, 'read', 'user'), undefined, {
        token: bob.accessToken,
      });
      expect(added.status, added.text).toBe(200);
      expectError(
        await server.api.delete(grantPath(resource, bob.userId, 'read', 'user'), { token: bob.accessToken }),
        403,
        403403,
      );
    });

    it('grants on groups, projects and users of the organization, not on missing ones', async () => {
      const groupId = await insertGroup(handle.db, alice.realm);
      const groupHrn = `hrn:here:authorization::${alice.realm}:group/${groupId}`;
      await grantDirectly(alice.userId, 'share', groupHrn);
      const granted = await server.api.post(grantPath(groupHrn, bob.userId, 'readMembers', 'user'), undefined, {
        token: alice.accessToken,
      });
      expect(granted.status, granted.text).toBe(200);
      expect(await decide(bob, 'readMembers', groupHrn)).toBe('allowed');

      for (const missing of [
        `hrn:here:authorization::${alice.realm}:group/GROUP-${randomUUID()}`,
        `hrn:here:authorization::${alice.realm}:project/no-such-project`,
        `hrn:here:account::${alice.realm}:user/HERE-${randomUUID()}`,
        `hrn:here:account::${alice.realm}:user/${groupId}`,
      ]) {
        expectError(
          await server.api.post(grantPath(missing, bob.userId, 'read', 'user'), undefined, {
            token: alice.accessToken,
          }),
          404,
          404001,
        );
      }
    });

    it('grants on HERE-wide patterns only with share on them', async () => {
      const pattern = 'hrn:here:data:::*';
      expectError(
        await server.api.post(grantPath(pattern, bob.userId, 'read', 'user'), undefined, { token: rita.accessToken }),
        403,
        403403,
      );
      await grantDirectly(alice.userId, 'share', pattern);
      const granted = await server.api.post(grantPath(pattern, bob.userId, 'read', 'user'), undefined, {
        token: alice.accessToken,
      });
      expect(granted.status, granted.text).toBe(200);
      expect(await decide(bob, 'read', 'hrn:here:data:::some-public-catalog')).toBe('allowed');
    });

    it('keeps organizations apart: no grants on their resources, none to their identities', async () => {
      expectError(
        await server.api.post(grantPath(catalog('theirs', mallory.realm), bob.userId, 'read', 'user'), undefined, {
          token: rita.accessToken,
        }),
        404,
        404001,
      );
      expectError(
        await server.api.post(grantPath(catalog('ours'), mallory.userId, 'read', 'user'), undefined, {
          token: rita.accessToken,
        }),
        403,
        400361,
      );
      expectError(
        await server.api.post(grantPath(catalog('ours'), bob.userId, 'read', 'app'), undefined, {
          token: rita.accessToken,
        }),
        400,
        400204,
      );
      // By HRN, an entity is named only by an HRN of its own service and type.
      const bobHrn = `hrn:here:account::${alice.realm}:user/${bob.userId}`;
      const read = await server.api.get(grantPath(catalog('ours'), bobHrn, undefined, 'user'), {
        token: rita.accessToken,
      });
      expect(read.status, read.text).toBe(200);
      expect(read.body.entityId.id).toBe(bob.userId);
      for (const hrn of [
        `hrn:here:authorization::${alice.realm}:user/${bob.userId}`,
        `hrn:here:account::${alice.realm}:app/${bob.userId}`,
        `hrn:${bob.userId}/${bob.userId}`,
      ]) {
        expectError(
          await server.api.get(grantPath(catalog('ours'), hrn, undefined, 'user'), { token: rita.accessToken }),
          400,
          400204,
        );
      }
    });
  });

  describe('Account v1 sharing', () => {
    it('shares allow and deny permissions; a deny wins over an allow from a group', async () => {
      const resource = catalog('shared');
      const groupId = await insertGroup(handle.db, alice.realm, [bob.userId]);
      const toGroup = await share(rita.accessToken, 'group', groupId, [
        { action: 'read', effect: 'allow', resource, serviceId: 'SERVICE-1' },
      ]);
      expect(toGroup.status, toGroup.text).toBe(200);
      expect(toGroup.body).toMatchObject({ id: groupId, scope: 'customer', policies: [] });
      expect(toGroup.body.permissions).toEqual([
        { id: expect.stringMatching(/^PERM-/), effect: 'allow', action: 'read', resource },
      ]);
      expect(await decide(bob, 'read', resource)).toBe('allowed');

      const toBob = await share(rita.accessToken, 'user', bob.userId, [{ action: 'read', effect: 'deny', resource }]);
      expect(toBob.status, toBob.text).toBe(200);
      expect(toBob.body.user).toMatchObject({ userId: bob.userId, realm: alice.realm, email: bob.email });
      expect(toBob.body.permissions).toContainEqual(expect.objectContaining({ effect: 'deny', resource }));
      expect(await decide(bob, 'read', resource)).toBe('denied_by_permission');

      const { app, token: appToken } = await appWithToken(server.api, alice.accessToken);
      const toApp = await share(rita.accessToken, 'app', app.clientId, [
        { action: 'write', effect: 'allow', resource },
      ]);
      expect(toApp.status, toApp.text).toBe(200);
      expect(toApp.body.app).toMatchObject({ clientId: app.clientId, realm: alice.realm });
      expect(await decide(appToken, 'write', resource)).toBe('allowed');

      const removed = await server.api.delete(
        `/permissions?hrn=${encodeURIComponent(resource)}&appId=${app.clientId}`,
        { token: rita.accessToken },
      );
      expect(removed.status, removed.text).toBe(204);
      expect(await decide(appToken, 'write', resource)).toBe('no_matching_permission');
    });

    it("answers HERE's errors", async () => {
      const resource = catalog('errors');
      const invalid = await share(rita.accessToken, 'user', bob.userId, [
        { action: 'read', effect: 'maybe', resource: 'not-an-hrn' },
      ]);
      expectError(invalid, 400, 400200);
      expect(invalid.body.errorFields).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'permissions[0].effect', errorCode: 400294 }),
          expect.objectContaining({ name: 'permissions[0].resource', errorCode: 400288 }),
        ]),
      );
      const notAllowed = await share(bob.accessToken, 'user', bob.userId, [
        { action: 'read', effect: 'allow', resource },
      ]);
      expectError(notAllowed, 400, 400322);
      expect(notAllowed.body.cause).toContain(`perform share|addGrant:read action on ${resource}`);

      const { app } = await appWithToken(server.api, alice.accessToken);
      const appHrn = `hrn:here:account::${alice.realm}:app/${app.clientId}`;
      expectError(
        await share(alice.accessToken, 'user', bob.userId, [{ action: 'delete', effect: 'allow', resource: appHrn }]),
        403,
        403103,
      );
      const permission = [{ action: 'read', effect: 'allow', resource }];
      expectError(await share(rita.accessToken, 'user', `HERE-${randomUUID()}`, permission), 404, 404600);
      expectError(await share(rita.accessToken, 'user', mallory.userId, permission), 404, 404600);
      expectError(await share(rita.accessToken, 'app', 'NoSuchApp0000000000', permission), 404, 404660);
      expectError(await share(rita.accessToken, 'group', `GROUP-${randomUUID()}`, permission), 404, 404780);
      expectError(
        await server.api.delete(`/permissions?hrn=${encodeURIComponent(resource)}`, { token: rita.accessToken }),
        400,
        400200,
      );
      const removeAll = `/permissions?hrn=${encodeURIComponent(resource)}&userId=${bob.userId}`;
      expectError(await server.api.delete(removeAll, { token: bob.accessToken }), 403, 403403);
      expect((await server.api.delete(removeAll, { token: rita.accessToken })).status).toBe(204);
    });

    it('enforces MaxPermissionsPerEntity (100,000)', async () => {
      const member = await inviteMember(server, alice, { prefix: 'full' });
      const rows = Array.from({ length: 100_000 }, (_, index) => ({
        id: `PERM-${randomUUID()}`,
        realm_id: alice.realm,
        identity_id: member.userId,
        action: 'read',
        resource_hrn: `hrn:here:data::${alice.realm}:bulk-${index}`,
        effect: 'allow' as const,
        created_at: 1,
      }));
      for (let start = 0; start < rows.length; start += 1000) {
        await handle.db
          .insertInto('permissions')
          .values(rows.slice(start, start + 1000))
          .execute();
      }
      const full = await share(rita.accessToken, 'user', member.userId, [
        { action: 'read', effect: 'allow', resource: catalog('one-more') },
      ]);
      expectError(full, 422, 422000);
      expect(full.body.message).toBe(
        'MaxPermissionsPerEntity limit reached. Current value: 100000. Maximum value: 100000.',
      );
      // Granting what is already held adds nothing, so it is not refused.
      const again = await share(rita.accessToken, 'user', member.userId, [
        { action: 'read', effect: 'allow', resource: `hrn:here:data::${alice.realm}:bulk-7` },
      ]);
      expect(again.status, again.text).toBe(200);
    }, 60_000);
  });
});
