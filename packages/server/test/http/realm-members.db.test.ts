import { limits } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppView, AUTHZ, appHrn, appWithToken, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { padded, runSql, series } from '../support/raw-sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const membersPath = (realm: string, suffix = '') => `${AUTHZ}/realms/${encodeURIComponent(realm)}/members${suffix}`;
const memberPath = (realm: string, member: string, suffix = '') =>
  membersPath(realm, `/${encodeURIComponent(member)}${suffix}`);
const userHrn = (realm: string, userId: string) => `hrn:here:account::${realm}:user/${userId}`;
const realmHrn = (realm: string) => `hrn:here:account::${realm}:realm/${realm}`;

describe('realm members and limits', () => {
  let server: TestServer;
  let admin: SignedIn;
  let member: SignedIn;
  let app: AppView;
  let appToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api, { firstname: 'Ada', lastname: 'Lovelace' });
    member = await inviteMember(server, admin);
    ({ app, token: appToken } = await appWithToken(server.api, member.accessToken, {
      name: 'Members app',
      description: 'Lists things',
    }));
  });
  afterAll(() => server.close());

  it('answers RealmMember exactly as HERE: user and app info', async () => {
    const user = await server.api.get(memberPath(admin.realm, admin.userId), { token: member.accessToken });
    expect(user.status, user.text).toBe(200);
    expect(user.body).toEqual({
      memberHrn: userHrn(admin.realm, admin.userId),
      entityType: 'user',
      info: {
        userId: admin.userId,
        userHrn: userHrn(admin.realm, admin.userId),
        realm: admin.realm,
        firstname: 'Ada',
        lastname: 'Lovelace',
        email: admin.email,
        roles: ['OrgAdmin'],
        state: 'enabled',
        createdTime: expect.any(Number),
      },
    });

    const appMember = await server.api.get(memberPath(admin.realm, app.hrn), { token: member.accessToken });
    expect(appMember.status, appMember.text).toBe(200);
    expect(appMember.body).toEqual({
      memberHrn: appHrn(admin.realm, app.clientId),
      entityType: 'app',
      info: {
        clientId: app.clientId,
        clientHrn: appHrn(admin.realm, app.clientId),
        realm: admin.realm,
        name: 'Members app',
        description: 'Lists things',
        ownerId: member.userId,
        ownerHrn: userHrn(admin.realm, member.userId),
        isRestrictedScope: 'false',
        appCreationEnabled: 'false',
        alwaysProjectScope: 'false',
        status: 'active',
        roles: [],
        state: 'enabled',
        createdTime: app.createdTime,
      },
    });
    const byMe = await server.api.get(memberPath('me', 'me'), { token: appToken });
    expect(byMe.body).toEqual(appMember.body);
    expectError(
      await server.api.get(memberPath(admin.realm, 'HERE-00000000-0000-0000-0000-000000000000'), {
        token: admin.accessToken,
      }),
      404,
      404782,
    );
  });

  it('lists users and apps (RealmMemberPageWToken), by entityType and state, page by page', async () => {
    const all = await server.api.get(membersPath(admin.realm), { token: member.accessToken });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toMatchObject({ total: 3, count: 3 });
    expect(all.body.pageToken).toBeUndefined();
    expect(all.body.data.map((item: { memberHrn: string }) => item.memberHrn)).toEqual([
      userHrn(admin.realm, admin.userId),
      userHrn(admin.realm, member.userId),
      app.hrn,
    ]);

    const apps = await server.api.get(membersPath(admin.realm, '?entityType=app'), { token: admin.accessToken });
    expect(apps.body.data.map((item: { memberHrn: string }) => item.memberHrn)).toEqual([app.hrn]);
    const disabled = await server.api.get(membersPath(admin.realm, '?state=disabled'), { token: admin.accessToken });
    expect(disabled.body).toEqual({ total: 0, count: 0, data: [] });

    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await server.api.get(
        membersPath(admin.realm, `?count=1${pageToken ? `&pageToken=${pageToken}` : ''}`),
        {
          token: admin.accessToken,
        },
      );
      expect(page.body).toMatchObject({ total: 3, count: 1 });
      seen.push(page.body.data[0].memberHrn);
      pageToken = page.body.pageToken;
    } while (pageToken);
    expect(seen).toEqual(all.body.data.map((item: { memberHrn: string }) => item.memberHrn));

    expectError(
      await server.api.get(membersPath(admin.realm, '?entityType=robot'), { token: admin.accessToken }),
      400,
      400200,
    );
    expectError(
      await server.api.get(membersPath(admin.realm, '?count=101'), { token: admin.accessToken }),
      400,
      400200,
    );
  });

  it('searches userId, names, email, clientId, app name and role names (q=Org lists the OrgAdmins)', async () => {
    const ids = async (q: string) => {
      const response = await server.api.get(membersPath(admin.realm, `?q=${encodeURIComponent(q)}`), {
        token: admin.accessToken,
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body.total).toBe(response.body.data.length);
      return response.body.data.map((item: { memberHrn: string }) =>
        item.memberHrn.slice(item.memberHrn.indexOf('/') + 1),
      );
    };
    expect(await ids('Org')).toEqual([admin.userId]);
    expect(await ids('orgadmin')).toEqual([admin.userId]);
    expect(await ids('lovelace')).toEqual([admin.userId]);
    expect(await ids(member.email.slice(0, 14))).toEqual([member.userId]);
    expect(await ids(member.userId)).toEqual([member.userId]);
    expect(await ids('members APP')).toEqual([app.clientId]);
    expect(await ids(app.clientId)).toEqual([app.clientId]);
    expect(await ids('%')).toEqual([]);
    expect(await ids('nobody-matches-this')).toEqual([]);
  });

  it('shows the roles (PageWithToken), groups and managed groups of a member', async () => {
    const group = await server.api.post(`${AUTHZ}/groups`, { name: 'Readers' }, { token: member.accessToken });
    expect(group.status, group.text).toBe(201);

    const roles = await server.api.get(memberPath(admin.realm, member.userId, '/roles'), { token: member.accessToken });
    expect(roles.status, roles.text).toBe(200);
    expect(roles.body).toEqual({
      limit: 100,
      total: 1,
      items: [{ id: expect.any(String), hrn: expect.any(String), name: 'GroupAdmin', resource: group.body.hrn }],
    });
    const groups = await server.api.get(memberPath(admin.realm, userHrn(admin.realm, member.userId), '/groups'), {
      token: admin.accessToken,
    });
    expect(groups.body).toEqual({ total: 1, count: 1, data: [group.body] });
    const managed = await server.api.get(memberPath(admin.realm, member.userId, '/managedGroups'), {
      token: admin.accessToken,
    });
    expect(managed.body).toEqual({ total: 1, count: 1, data: [group.body] });
    const adminManaged = await server.api.get(memberPath(admin.realm, admin.userId, '/managedGroups'), {
      token: admin.accessToken,
    });
    expect(adminManaged.body).toEqual({ total: 0, count: 0, data: [] });

    // Another member's roles and groups need readRoles / readGroups on it: OrgAdmins have them, members do not.
    expect(
      (await server.api.get(memberPath(admin.realm, member.userId, '/roles'), { token: admin.accessToken })).status,
    ).toBe(200);
    expectError(
      await server.api.get(memberPath(admin.realm, admin.userId, '/roles'), { token: member.accessToken }),
      403,
      403403,
    );
    expectError(
      await server.api.get(memberPath(admin.realm, admin.userId, '/groups'), { token: member.accessToken }),
      403,
      403403,
    );
  });

  it('lists every limit as RealmLimit items (readLimits: every member)', async () => {
    const response = await server.api.get(`${AUTHZ}/realms/${admin.realm}/limits`, { token: appToken });
    expect(response.status, response.text).toBe(200);
    const names = Object.keys(limits);
    expect(response.body).toMatchObject({ limit: 100, total: names.length });
    expect(response.body.items.map((item: { type: string }) => item.type)).toEqual(names);
    expect(response.body.items).toContainEqual({
      hrn: expect.stringMatching(
        /^hrn:here:authorization::HERE:limit\/LIMIT-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
      type: 'MaxGroupMembers',
      maximum: 500,
      description: limits.MaxGroupMembers.description,
    });
    const one = await server.api.get(`${AUTHZ}/realms/me/limits?limitType=MaxEntityApps`, {
      token: member.accessToken,
    });
    expect(one.body.items).toEqual([expect.objectContaining({ type: 'MaxEntityApps', maximum: 100 })]);
    const first = await server.api.get(`${AUTHZ}/realms/${admin.realm}/limits?limit=5`, { token: member.accessToken });
    expect(first.body).toMatchObject({ limit: 5, total: names.length, pageToken: expect.any(String) });
    const second = await server.api.get(
      `${AUTHZ}/realms/${admin.realm}/limits?limit=5&pageToken=${first.body.pageToken}`,
      {
        token: member.accessToken,
      },
    );
    expect(second.body.items.map((item: { type: string }) => item.type)).toEqual(names.slice(5, 10));
  });

  it('keeps organizations apart: another realm in the path is 403, an unknown one 404, members of others 404', async () => {
    const outsider = await signUpAndSignIn(server.api);
    for (const path of [
      membersPath(admin.realm),
      membersPath(realmHrn(admin.realm)),
      memberPath(admin.realm, admin.userId),
      memberPath(admin.realm, admin.userId, '/roles'),
      memberPath(admin.realm, admin.userId, '/groups'),
      `${AUTHZ}/realms/${admin.realm}/limits`,
    ]) {
      expectError(await server.api.get(path, { token: outsider.accessToken }), 403, 400361);
    }
    expectError(
      await server.api.get(membersPath('no-such-org-anywhere'), { token: outsider.accessToken }),
      404,
      404800,
    );
    expectError(
      await server.api.get(memberPath(outsider.realm, admin.userId), { token: outsider.accessToken }),
      404,
      404782,
    );
    const own = await server.api.get(membersPath(outsider.realm, '?q=Org'), { token: outsider.accessToken });
    expect(own.body.data.map((item: { memberHrn: string }) => item.memberHrn)).toEqual([
      userHrn(outsider.realm, outsider.userId),
    ]);
  });

  it('takes a realm HRN only of the Account service, and a user or app HRN only for a member of that kind', async () => {
    const token = { token: admin.accessToken };
    const authorizationRealmHrn = `hrn:here:authorization::${admin.realm}:realm/${admin.realm}`;
    expectError(await server.api.get(membersPath(authorizationRealmHrn), token), 400, 400255);
    expectError(await server.api.get(memberPath(admin.realm, userHrn(admin.realm, app.clientId)), token), 404, 404782);
    const appMember = await server.api.get(memberPath(admin.realm, appHrn(admin.realm, app.clientId)), token);
    expect(appMember.status).toBe(200);
  });

  it('pages and searches an organization of 10,000 users quickly', async () => {
    const big = await signUpAndSignIn(server.api);
    const prefix = `HERE-${big.userId.slice(5, 13)}-1111-2222-3333-`;
    const id = (backend: 'sqlite' | 'postgres') => `'${prefix}' || ${padded(backend, 'i', 12)}`;
    await runSql(
      server,
      (backend) => `
        INSERT INTO identities (id, realm_id, kind, created_at)
          SELECT ${id(backend)}, '${big.realm}', 'user', 2000000000000 + i FROM ${series(backend, 10_000)} AS s;
        INSERT INTO users (id, realm_id, email, email_normalized, password_hash, firstname, lastname, marketing_enabled,
                           email_verified, state, password_changed_at, created_at, updated_at)
          SELECT ${id(backend)}, '${big.realm}', 'bulk' || i || '@example.com', 'bulk' || i || '@example.com', 'x',
                 'Bulk', 'User ' || i, 0, 1, 'enabled', 1, 2000000000000 + i, 2000000000000 + i
          FROM ${series(backend, 10_000)} AS s;`,
    );
    const timed = async (path: string) => {
      const started = performance.now();
      const response = await server.api.get(path, { token: big.accessToken });
      expect(response.status, response.text).toBe(200);
      return { body: response.body, ms: performance.now() - started };
    };
    const first = await timed(membersPath(big.realm));
    expect(first.body).toMatchObject({ total: 10_001, count: 100, pageToken: expect.any(String) });
    const second = await timed(membersPath(big.realm, `?pageToken=${first.body.pageToken}`));
    expect(second.body.data[0].info.lastname).toBe('User 100');
    const search = await timed(membersPath(big.realm, '?q=user%209999'));
    expect(search.body.data.map((item: { info: { lastname: string } }) => item.info.lastname)).toEqual(['User 9999']);
    const byRole = await timed(membersPath(big.realm, '?q=OrgAdmin'));
    expect(byRole.body.total).toBe(1);
    // A generous bound for a shared machine: each request reads one page from the database, not the organization.
    expect(first.ms + second.ms + search.ms + byRole.ms).toBeLessThan(2000);
  });
});
