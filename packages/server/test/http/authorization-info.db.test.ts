import { randomUUID } from 'node:crypto';
import { HrnFactory } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationInfoService } from '../../src/authz/authorization-info-service.js';
import { Authorizer } from '../../src/authz/authorizer.js';
import { AuthzVersions } from '../../src/authz/authz-versions.js';
import { AuthorizationEngine } from '../../src/authz/engine.js';
import type { DatabaseHandle } from '../../src/storage/database.js';
import { AUTHZ, appWithToken, inviteMember } from '../support/apps.js';
import { insertGroup, openServerDatabase } from '../support/authz-rows.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('authorization information', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  let alice: SignedIn;
  let bob: SignedIn;
  let mallory: SignedIn;
  let groupId: string;
  let groupResource: string;
  let bobResources: string[];

  beforeAll(async () => {
    server = await startTestServer();
    handle = openServerDatabase(server);
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
    const grant = (identityId: string, resourceHrn: string) =>
      server.gatehouse.storage.permissions.grant({
        realm: alice.realm,
        identityId,
        action: 'read',
        resourceHrn,
        effect: 'allow',
        createdAt: Date.now(),
      });
    bobResources = [`hrn:here:data::${alice.realm}:first`, `hrn:here:data::${alice.realm}:second`];
    for (const resource of bobResources) await grant(bob.userId, resource);
    groupId = await insertGroup(handle.db, alice.realm, [bob.userId]);
    groupResource = `hrn:here:data::${alice.realm}:of-the-group`;
    await grant(groupId, groupResource);
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  const resources = (permissions: { resource: string }[]) => permissions.map((p) => p.resource).sort();

  it('GET /user/me/authorization: roles and permissions, with or without those of my groups', async () => {
    const mine = await server.api.get('/user/me/authorization', { token: bob.accessToken });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.user).toEqual({
      userId: bob.userId,
      realm: alice.realm,
      email: bob.email,
      firstname: 'Grace',
      lastname: 'Hopper',
      hrn: `hrn:here:account::${alice.realm}:user/${bob.userId}`,
    });
    expect(mine.body.status).toBe('active');
    expect(mine.body.createdTime).toBeLessThan(10_000_000_000);
    expect(resources(mine.body.permissions)).toEqual([...bobResources, groupResource].sort());
    const direct = await server.api.get('/user/me/authorization?includeAllPermissions=false', {
      token: bob.accessToken,
    });
    expect(resources(direct.body.permissions)).toEqual([...bobResources].sort());

    const admin = await server.api.get('/user/me/authorization', { token: alice.accessToken });
    expect(admin.body.roles).toContainEqual({
      id: expect.stringMatching(/^ROLE-/),
      name: 'OrgAdmin',
      value: `hrn:here:account::${alice.realm}:realm/${alice.realm}`,
    });
  });

  it('GET /user/me/authorization/permissions pages with count and pageToken, with HERE error codes', async () => {
    const first = await server.api.get('/user/me/authorization/permissions?count=1', { token: bob.accessToken });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ total: 2, count: 1, pageToken: expect.any(String) });
    const second = await server.api.get(
      `/user/me/authorization/permissions?count=1&pageToken=${first.body.pageToken}`,
      { token: bob.accessToken },
    );
    expect(second.body).toMatchObject({ total: 2, count: 1 });
    expect(second.body.pageToken).toBeUndefined();
    expect(resources([...first.body.data, ...second.body.data])).toEqual([...bobResources].sort());

    const path = '/user/me/authorization/permissions';
    expectError(await server.api.get(`${path}?count=-1`, { token: bob.accessToken }), 400, 400001);
    expectError(await server.api.get(`${path}?count=x`, { token: bob.accessToken }), 400, 400001);
    expectError(await server.api.get(`${path}?pageToken=`, { token: bob.accessToken }), 400, 400202);
    expectError(await server.api.get(`${path}?pageToken=%21%21`, { token: bob.accessToken }), 400, 400203);
  });

  it('GET /app/me/authorization[/permissions] answer for app tokens only', async () => {
    const { app, token } = await appWithToken(server.api, alice.accessToken);
    const mine = await server.api.get('/app/me/authorization', { token });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body).toEqual({
      app: {
        clientId: app.clientId,
        name: app.name,
        status: 'active',
        hrn: app.hrn,
        realm: alice.realm,
        ...(app.description !== undefined ? { description: app.description } : {}),
      },
      permissions: [],
      policies: [],
      plans: [],
    });
    const page = await server.api.get('/app/me/authorization/permissions', { token });
    expect(page.body).toEqual({ total: 0, count: 0, data: [] });
    expectError(await server.api.get('/app/me/authorization', { token: bob.accessToken }), 401, 401303);
  });

  it('GET /groups/{groupId}/permissions lists what a group holds to OrgAdmins, not to plain members or others', async () => {
    const path = (group: string) => `${AUTHZ}/groups/${encodeURIComponent(group)}/permissions`;
    const byAdmin = await server.api.get(path(groupId), { token: alice.accessToken });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.body.items).toContainEqual({
      id: expect.stringMatching(/^PERM-/),
      action: 'read',
      effect: 'allow',
      resource: groupResource,
    });
    const byHrn = await server.api.get(path(`hrn:here:authorization::${alice.realm}:group/${groupId}`), {
      token: alice.accessToken,
    });
    expect(byHrn.body.items).toEqual(byAdmin.body.items);

    expectError(await server.api.get(path(groupId), { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(path(groupId), { token: mallory.accessToken }), 404, 404780);
    expectError(await server.api.get(path(`GROUP-${randomUUID()}`), { token: alice.accessToken }), 404, 404780);
  });

  describe('GET /realms/{realm}/members/{member}/permissions', () => {
    const path = (realm: string, member: string) =>
      `${AUTHZ}/realms/${realm}/members/${encodeURIComponent(member)}/permissions`;

    it("lists a member's unscoped permissions to an OrgAdmin and to the member, not to others", async () => {
      const memberHrn = `hrn:here:account::${alice.realm}:user/${bob.userId}`;
      const byAdmin = await server.api.get(path(alice.realm, memberHrn), { token: alice.accessToken });
      expect(byAdmin.status, byAdmin.text).toBe(200);
      expect(byAdmin.body).toMatchObject({ limit: 100, total: expect.any(Number) });
      const items = byAdmin.body.items as { id: string; action: string; resource: string }[];
      for (const resource of [...bobResources, groupResource]) {
        expect(items).toContainEqual({
          id: expect.stringMatching(/^PERM-/),
          action: 'read',
          effect: 'allow',
          resource,
        });
      }
      // What every member may do comes without a permission id.
      expect(items).toContainEqual({
        id: '',
        action: 'createApp',
        effect: 'allow',
        resource: `hrn:here:account::${alice.realm}:realm/${alice.realm}`,
      });

      const bySelf = await server.api.get(`${path(alice.realm, bob.userId)}?limit=2`, { token: bob.accessToken });
      expect(bySelf.status, bySelf.text).toBe(200);
      expect(bySelf.body.items).toHaveLength(2);
      expect(bySelf.body.pageToken).toEqual(expect.any(String));

      const aliceHrn = `hrn:here:account::${alice.realm}:user/${alice.userId}`;
      expectError(await server.api.get(path(alice.realm, aliceHrn), { token: bob.accessToken }), 403, 403403);
    });

    it('keeps organizations apart and answers unknown members with 404', async () => {
      expectError(await server.api.get(path(alice.realm, bob.userId), { token: mallory.accessToken }), 404, 404800);
      expectError(await server.api.get(path(mallory.realm, bob.userId), { token: mallory.accessToken }), 404, 404001);
      expectError(
        await server.api.get(path(alice.realm, `HERE-${randomUUID()}`), { token: alice.accessToken }),
        404,
        404001,
      );
    });
  });
});

describe('AuthorizationInfoService, the "permissions of X" computation', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    handle = openServerDatabase(server);
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  it('lists what a group holds and what a role stands for', async () => {
    const storage = server.gatehouse.storage;
    const hrns = new HrnFactory('here');
    const engine = new AuthorizationEngine({
      store: storage.authz,
      versions: new AuthzVersions(),
      partition: 'here',
      clock: Date.now,
    });
    const info = new AuthorizationInfoService({ storage, authorizer: new Authorizer(engine, hrns), hrns });

    const realm = `org-${randomUUID().slice(0, 8)}`;
    await storage.organizations.insert({ id: realm, name: realm, createdAt: 1, updatedAt: 1 });
    const groupId = await insertGroup(handle.db, realm);
    const resource = `hrn:here:data::${realm}:group-catalog`;
    await storage.permissions.grant({
      realm,
      identityId: groupId,
      action: 'read',
      resourceHrn: resource,
      effect: 'allow',
      createdAt: 1,
    });
    const ofGroup = await info.unscopedPermissions({ id: groupId, realm, kind: 'group' });
    expect(ofGroup).toEqual([{ id: expect.stringMatching(/^PERM-/), action: 'read', effect: 'allow', resource }]);

    const role = await storage.roles.ensure(realm, 'GroupAdmin', hrns.group(realm, groupId), 1);
    const ofRole = info.rolePermissions(role);
    expect(ofRole).toContainEqual({
      id: '',
      action: 'manageMembers',
      effect: 'allow',
      resource: hrns.group(realm, groupId),
    });
    expect(ofRole).toContainEqual({
      id: '',
      action: 'manageEntities',
      effect: 'allow',
      resource: hrns.role(realm, role.id),
    });
  });
});
