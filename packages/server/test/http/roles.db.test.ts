import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, appWithToken, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { padded, runSql, series } from '../support/raw-sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface RoleView {
  id: string;
  hrn: string;
  name: string;
  resource: string;
}

const ROLES = `${AUTHZ}/roles`;
const rolePath = (reference: string, suffix = '') => `${ROLES}/${encodeURIComponent(reference)}${suffix}`;
const entityPath = (role: string, entity: string) => rolePath(role, `/entities/${encodeURIComponent(entity)}`);
const realmHrn = (realm: string) => `hrn:here:account::${realm}:realm/${realm}`;
const userHrn = (realm: string, userId: string) => `hrn:here:account::${realm}:user/${userId}`;
const REALM_ROLES = [
  'CrossRealmTrustManager',
  'LicensingAdmin',
  'MarketplaceConsumer',
  'MarketplaceProvider',
  'MonitoringDashboardEditor',
  'OrgAdmin',
  'OrgInviter',
  'ResourceManager',
  'RestrictedAccess',
];

describe('roles', () => {
  let server: TestServer;
  let admin: SignedIn;
  let member: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
    member = await inviteMember(server, admin);
  });
  afterAll(() => server.close());

  async function roleNamed(name: string): Promise<RoleView> {
    const scope = encodeURIComponent(realmHrn(admin.realm));
    const response = await server.api.get(`${ROLES}?roleName=${name}&resourceHrn=${scope}`, {
      token: admin.accessToken,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.total).toBe(1);
    return response.body.data[0];
  }

  it('lists the roles of the organization (RolePageWToken), filtered by name and scope', async () => {
    const all = await server.api.get(ROLES, { token: member.accessToken });
    expect(all.status, all.text).toBe(200);
    expect(all.body.total).toBe(REALM_ROLES.length);
    expect(all.body.count).toBe(REALM_ROLES.length);
    expect(all.body.data.map((role: RoleView) => role.name).sort()).toEqual(REALM_ROLES);
    for (const role of all.body.data as RoleView[]) {
      expect(role).toEqual({
        id: expect.stringMatching(/^ROLE-[0-9a-f-]{36}$/),
        hrn: `hrn:here:authorization::${admin.realm}:role/${role.id}`,
        name: role.name,
        resource: realmHrn(admin.realm),
      });
    }
    const orgAdmin = await roleNamed('OrgAdmin');
    expect(orgAdmin.name).toBe('OrgAdmin');
    const none = await server.api.get(`${ROLES}?roleName=NoSuchRole`, { token: admin.accessToken });
    expect(none.body).toEqual({ total: 0, count: 0, data: [] });

    const page = await server.api.get(`${ROLES}?count=4`, { token: admin.accessToken });
    expect(page.body).toMatchObject({ total: REALM_ROLES.length, count: 4, pageToken: expect.any(String) });
    const next = await server.api.get(`${ROLES}?count=4&pageToken=${page.body.pageToken}`, {
      token: admin.accessToken,
    });
    expect(next.body.count).toBe(4);
    expect(next.body.data[0].id).not.toBe(page.body.data[0].id);

    const byHrn = await server.api.get(rolePath(orgAdmin.hrn), { token: member.accessToken });
    expect(byHrn.status, byHrn.text).toBe(200);
    expect(byHrn.body).toEqual(orgAdmin);
    expect((await server.api.get(rolePath(orgAdmin.id), { token: member.accessToken })).body).toEqual(orgAdmin);
    expectError(
      await server.api.get(rolePath('ROLE-00000000-0000-0000-0000-000000000000'), { token: admin.accessToken }),
      404,
      404790,
    );
  });

  it('shows what a role allows as ActivePermission items, page by page', async () => {
    const orgAdmin = await roleNamed('OrgAdmin');
    const all = await server.api.get(rolePath(orgAdmin.id, '/permissions'), { token: member.accessToken });
    expect(all.status, all.text).toBe(200);
    expect(all.body.total).toBe(all.body.data.length);
    expect(all.body.data).toContainEqual({
      id: expect.stringMatching(/^PERM-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      action: 'manageInvites',
      effect: 'allow',
      resource: realmHrn(admin.realm),
    });
    const ids = all.body.data.map((permission: { id: string }) => permission.id);
    expect(new Set(ids).size).toBe(ids.length);

    const first = await server.api.get(rolePath(orgAdmin.id, '/permissions?count=5'), { token: admin.accessToken });
    const second = await server.api.get(
      rolePath(orgAdmin.id, `/permissions?count=5&pageToken=${first.body.pageToken}`),
      {
        token: admin.accessToken,
      },
    );
    expect([...first.body.data, ...second.body.data]).toEqual(all.body.data.slice(0, 10));
  });

  it('gives and takes roles (manageEntities on the role); the change applies to the next request', async () => {
    const inviter = await roleNamed('OrgInviter');
    // Whether the member may invite, as the decision API tells it.
    const mayInvite = async () => {
      const question = { action: 'manageInvites', resource: `hrn:here:account::${admin.realm}:realm/${admin.realm}` };
      const response = await server.api.post(
        '/decision/authorize',
        { actions: [question] },
        { token: member.accessToken },
      );
      expect(response.status, response.text).toBe(200);
      return response.body.decision;
    };
    expect(await mayInvite()).toBe('deny');

    const given = await server.api.post(entityPath(inviter.id, userHrn(admin.realm, member.userId)), undefined, {
      token: admin.accessToken,
    });
    expect(given.status, given.text).toBe(204);
    expect(await mayInvite()).toBe('allow');
    // Idempotent.
    expect(
      (await server.api.post(entityPath(inviter.id, member.userId), undefined, { token: admin.accessToken })).status,
    ).toBe(204);

    const holder = await server.api.get(entityPath(inviter.hrn, member.userId), { token: member.accessToken });
    expect(holder.status, holder.text).toBe(200);
    expect(holder.body).toMatchObject({
      entityHrn: userHrn(admin.realm, member.userId),
      entityType: 'user',
      info: { userId: member.userId, roles: ['OrgInviter'] },
    });
    const holders = await server.api.get(rolePath(inviter.id, '/entities'), { token: admin.accessToken });
    expect(holders.body).toMatchObject({
      total: 1,
      count: 1,
      data: [{ entityHrn: userHrn(admin.realm, member.userId) }],
    });
    const mine = await server.api.get(`${ROLES}/me`, { token: member.accessToken });
    expect(mine.body.data).toEqual([inviter]);

    const taken = await server.api.delete(entityPath(inviter.id, member.userId), { token: admin.accessToken });
    expect(taken.status, taken.text).toBe(204);
    expect(await mayInvite()).toBe('deny');
    expectError(await server.api.get(entityPath(inviter.id, member.userId), { token: admin.accessToken }), 404, 404791);
    expectError(
      await server.api.delete(entityPath(inviter.id, member.userId), { token: admin.accessToken }),
      404,
      404791,
    );
  });

  it('gives roles to apps too', async () => {
    const { app, token } = await appWithToken(server.api, admin.accessToken, { name: 'Role app' });
    const manager = await roleNamed('ResourceManager');
    expect(
      (await server.api.post(entityPath(manager.id, app.hrn), undefined, { token: admin.accessToken })).status,
    ).toBe(204);
    const mine = await server.api.get(`${ROLES}/me`, { token });
    expect(mine.body.data).toEqual([manager]);
    const holder = await server.api.get(entityPath(manager.id, app.clientId), { token: admin.accessToken });
    expect(holder.body).toMatchObject({
      entityType: 'app',
      info: { clientId: app.clientId, roles: ['ResourceManager'] },
    });
  });

  it('refuses role management to plain members and keeps the last OrgAdmin', async () => {
    const orgAdmin = await roleNamed('OrgAdmin');
    const refused = await server.api.post(entityPath(orgAdmin.id, member.userId), undefined, {
      token: member.accessToken,
    });
    expectError(refused, 403, 403403);
    expect(refused.body.cause).toContain(`manageEntities action on ${orgAdmin.hrn}`);
    expectError(await server.api.get(rolePath(orgAdmin.id, '/entities'), { token: member.accessToken }), 403, 403403);
    expectError(
      await server.api.get(entityPath(orgAdmin.id, admin.userId), { token: member.accessToken }),
      403,
      403403,
    );

    const last = await server.api.delete(entityPath(orgAdmin.id, admin.userId), { token: admin.accessToken });
    expectError(last, 409, 409102);

    // With a second OrgAdmin, the first may step down.
    const second = await inviteMember(server, admin, { prefix: 'second', roles: [orgAdmin.hrn] });
    expect((await server.api.delete(entityPath(orgAdmin.id, admin.userId), { token: second.accessToken })).status).toBe(
      204,
    );
    expectError(
      await server.api.post(entityPath(orgAdmin.id, member.userId), undefined, { token: admin.accessToken }),
      403,
      403403,
    );
    expect(
      (await server.api.post(entityPath(orgAdmin.id, admin.userId), undefined, { token: second.accessToken })).status,
    ).toBe(204);
  });

  it('stops at MaxEntityRoles (100) with 422000', async () => {
    const target = await inviteMember(server, admin, { prefix: 'many-roles' });
    const prefix = `ROLE-${target.userId.slice(5, 13)}-0000-0000-0000-`;
    await runSql(
      server,
      (backend) => `
        INSERT INTO roles (id, realm_id, name, resource_hrn, created_at)
          SELECT '${prefix}' || ${padded(backend, 'i', 12)}, '${admin.realm}', 'GroupAdmin',
                 'hrn:here:authorization::${admin.realm}:group/bulk-' || ${padded(backend, 'i', 4)}, 1
          FROM ${series(backend, 100)} AS s;
        INSERT INTO role_assignments (role_id, identity_id, created_at)
          SELECT '${prefix}' || ${padded(backend, 'i', 12)}, '${target.userId}', 1 FROM ${series(backend, 100)} AS s;`,
    );
    const manager = await roleNamed('ResourceManager');
    const refused = await server.api.post(entityPath(manager.id, target.userId), undefined, {
      token: admin.accessToken,
    });
    expectError(refused, 422, 422000);
    expect(refused.body.message).toBe('MaxEntityRoles limit reached. Current value: 100. Maximum value: 100.');
  });

  it('keeps organizations apart: roles of another organization are 404790, its members 403', async () => {
    const outsider = await signUpAndSignIn(server.api);
    const orgAdmin = await roleNamed('OrgAdmin');
    for (const response of [
      await server.api.get(rolePath(orgAdmin.id), { token: outsider.accessToken }),
      await server.api.get(rolePath(orgAdmin.hrn, '/permissions'), { token: outsider.accessToken }),
      await server.api.get(rolePath(orgAdmin.id, '/entities'), { token: outsider.accessToken }),
      await server.api.post(entityPath(orgAdmin.id, outsider.userId), undefined, { token: outsider.accessToken }),
      await server.api.delete(entityPath(orgAdmin.id, admin.userId), { token: outsider.accessToken }),
    ]) {
      expectError(response, 404, 404790);
    }
    const theirs = await server.api.get(ROLES, { token: outsider.accessToken });
    expect(theirs.body.data.every((role: RoleView) => role.resource === realmHrn(outsider.realm))).toBe(true);

    const foreign = await server.api.post(entityPath(orgAdmin.id, outsider.userId), undefined, {
      token: admin.accessToken,
    });
    expectError(foreign, 403, 400361);
    expect(
      (await server.api.get(rolePath(orgAdmin.id, '/entities'), { token: admin.accessToken })).body.data,
    ).not.toContainEqual(expect.objectContaining({ entityHrn: userHrn(outsider.realm, outsider.userId) }));
  });
});
