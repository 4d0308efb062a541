import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, appHrn, appWithToken, inviteMember, realmRoleHrn } from '../support/apps.js';
import {
  expectError,
  type SignedIn,
  signIn,
  signUpAndSignIn,
  strongPassword,
  uniqueEmail,
} from '../support/fixtures.js';
import { linkToken } from '../support/mailbox.js';
import { padded, runSql, series } from '../support/raw-sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface GroupView {
  id: string;
  hrn: string;
  name: string;
  realm: string;
  description?: string;
}

const GROUPS = `${AUTHZ}/groups`;
const groupPath = (reference: string, suffix = '') => `${GROUPS}/${encodeURIComponent(reference)}${suffix}`;
const memberPath = (group: string, member: string) => groupPath(group, `/members/${encodeURIComponent(member)}`);
const userHrn = (realm: string, userId: string) => `hrn:here:account::${realm}:user/${userId}`;
const roleEntityPath = (role: string, entity: string) =>
  `${AUTHZ}/roles/${encodeURIComponent(role)}/entities/${encodeURIComponent(entity)}`;

describe('groups', () => {
  let server: TestServer;
  let admin: SignedIn;
  let member: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
    member = await inviteMember(server, admin);
  });
  afterAll(() => server.close());

  async function createGroup(actor: SignedIn | { accessToken: string }, body: Record<string, unknown> = {}) {
    const response = await server.api.post(GROUPS, { name: 'Power Users', ...body }, { token: actor.accessToken });
    expect(response.status, response.text).toBe(201);
    return response.body as GroupView;
  }

  async function memberIds(group: GroupView, token = admin.accessToken): Promise<string[]> {
    const response = await server.api.get(groupPath(group.id, '/members'), { token });
    expect(response.status, response.text).toBe(200);
    return response.body.data.map((item: { memberHrn: string }) =>
      item.memberHrn.slice(item.memberHrn.indexOf('/') + 1),
    );
  }

  async function groupAdminRole(group: GroupView): Promise<{ id: string; hrn: string; resource: string }> {
    const response = await server.api.get(groupPath(group.id, '/roles'), { token: admin.accessToken });
    expect(response.status, response.text).toBe(200);
    expect(response.body.data).toHaveLength(1);
    return response.body.data[0];
  }

  it('creates a group (201 Group); the creator becomes its member and GroupAdmin', async () => {
    const group = await createGroup(admin, { name: 'Power Users', description: 'This is the Power Users group' });
    expect(group).toEqual({
      id: expect.stringMatching(/^GROUP-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      hrn: `hrn:here:authorization::${admin.realm}:group/${group.id}`,
      name: 'Power Users',
      realm: admin.realm,
      description: 'This is the Power Users group',
    });

    for (const reference of [group.id, group.hrn, group.hrn.replace('/', '%2F')]) {
      const path = reference.includes('%2F') ? `${GROUPS}/${reference}` : groupPath(reference);
      const read = await server.api.get(path, { token: member.accessToken });
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual(group);
    }

    expect(await memberIds(group)).toEqual([admin.userId]);
    const role = await groupAdminRole(group);
    expect(role).toEqual({
      id: expect.stringMatching(/^ROLE-/),
      hrn: `hrn:here:authorization::${admin.realm}:role/${role.id}`,
      name: 'GroupAdmin',
      resource: group.hrn,
    });
    const mine = await server.api.get(`${AUTHZ}/roles/me`, { token: admin.accessToken });
    expect(mine.body.data.map((held: { id: string }) => held.id)).toContain(role.id);
    const myGroups = await server.api.get(`${GROUPS}/me`, { token: admin.accessToken });
    expect(myGroups.status, myGroups.text).toBe(200);
    expect(myGroups.body.data.map((held: GroupView) => held.id)).toContain(group.id);
  });

  it('lists and searches groups by id, name and description (GroupPageWToken), page by page', async () => {
    const tag = `zeta${Date.now()}`;
    const first = await createGroup(admin, { name: `${tag} One` });
    const second = await createGroup(admin, { name: 'Two', description: `About ${tag.toUpperCase()}` });
    const third = await createGroup(admin, { name: 'Three' });

    const search = await server.api.get(`${GROUPS}?q=${tag}`, { token: member.accessToken });
    expect(search.status, search.text).toBe(200);
    expect(search.body).toEqual({ total: 2, count: 2, data: [first, second] });

    const byId = await server.api.get(`${GROUPS}?q=${third.id.slice(6, 20)}`, { token: admin.accessToken });
    expect(byId.body.data).toEqual([third]);

    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const query = `count=2${pageToken ? `&pageToken=${pageToken}` : ''}`;
      const page = await server.api.get(`${GROUPS}?${query}`, { token: admin.accessToken });
      expect(page.status, page.text).toBe(200);
      expect(page.body.count).toBe(page.body.data.length);
      seen.push(...page.body.data.map((group: GroupView) => group.id));
      pageToken = page.body.pageToken;
      expect(seen.length).toBeLessThanOrEqual(page.body.total);
    } while (pageToken);
    expect(seen).toEqual(expect.arrayContaining([first.id, second.id, third.id]));
    expect(new Set(seen).size).toBe(seen.length);

    const badToken = await server.api.get(`${GROUPS}?pageToken=not-a-token`, { token: admin.accessToken });
    expectError(badToken, 400, 400203);
  });

  it('validates the group: name required, no forbidden characters, description at most 500 characters', async () => {
    const missing = await server.api.post(GROUPS, { description: 'x' }, { token: admin.accessToken });
    expectError(missing, 400, 400200);
    expect(missing.body.errorFields).toEqual([{ name: 'name', errorCode: 400201, message: expect.any(String) }]);

    for (const name of ['a<b', 'a/b', 'a*b', 'a|b', 'a\\b', 'non\u00a0breaking', 'tab\there']) {
      const bad = await server.api.post(GROUPS, { name }, { token: admin.accessToken });
      expectError(bad, 400, 400200);
      expect(bad.body.errorFields[0]).toMatchObject({ name: 'name', errorCode: 400203 });
    }
    const long = await server.api.post(
      GROUPS,
      { name: 'ok', description: 'd'.repeat(501) },
      { token: admin.accessToken },
    );
    expectError(long, 400, 400200);
    expect(long.body.errorFields[0]).toMatchObject({ name: 'description' });
    const fits = await server.api.post(
      GROUPS,
      { name: 'ok', description: 'd'.repeat(500) },
      { token: admin.accessToken },
    );
    expect(fits.status, fits.text).toBe(201);
  });

  it('updates a group with POST (201) and deletes it (204), its memberships and GroupAdmin role with it', async () => {
    const group = await createGroup(admin);
    const role = await groupAdminRole(group);
    await server.api.post(memberPath(group.id, member.userId), undefined, { token: admin.accessToken });

    const updated = await server.api.post(
      groupPath(group.id),
      { name: 'Renamed', description: 'New words' },
      { token: admin.accessToken },
    );
    expect(updated.status, updated.text).toBe(201);
    expect(updated.body).toEqual({ ...group, name: 'Renamed', description: 'New words' });
    expect((await server.api.get(groupPath(group.id), { token: admin.accessToken })).body.name).toBe('Renamed');

    const deleted = await server.api.delete(groupPath(group.hrn), { token: admin.accessToken });
    expect(deleted.status, deleted.text).toBe(204);
    expectError(await server.api.get(groupPath(group.id), { token: admin.accessToken }), 404, 404780);
    expectError(await server.api.delete(groupPath(group.id), { token: admin.accessToken }), 404, 404780);
    expectError(await server.api.get(`${AUTHZ}/roles/${role.id}`, { token: admin.accessToken }), 404, 404790);
    const mine = await server.api.get(`${GROUPS}/me`, { token: member.accessToken });
    expect(mine.body.data.map((held: GroupView) => held.id)).not.toContain(group.id);
    const roles = await server.api.get(`${AUTHZ}/roles/me`, { token: admin.accessToken });
    expect(roles.body.data.map((held: { id: string }) => held.id)).not.toContain(role.id);
  });

  it('adds users and apps by HRN or id (204), shows and lists them, filters by entityType, removes them', async () => {
    const group = await createGroup(admin);
    const { app } = await appWithToken(server.api, admin.accessToken, { name: 'Group app' });

    expect(
      (
        await server.api.post(memberPath(group.id, userHrn(admin.realm, member.userId)), undefined, {
          token: admin.accessToken,
        })
      ).status,
    ).toBe(204);
    expect(
      (await server.api.post(memberPath(group.id, app.clientId), undefined, { token: admin.accessToken })).status,
    ).toBe(204);
    // Idempotent.
    expect(
      (await server.api.post(memberPath(group.id, member.userId), undefined, { token: admin.accessToken })).status,
    ).toBe(204);
    expect(await memberIds(group)).toEqual([admin.userId, member.userId, app.clientId]);

    const one = await server.api.get(memberPath(group.id, appHrn(admin.realm, app.clientId)), {
      token: admin.accessToken,
    });
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({
      memberHrn: appHrn(admin.realm, app.clientId),
      entityType: 'app',
      info: { clientId: app.clientId, name: 'Group app', realm: admin.realm, status: 'active', state: 'enabled' },
    });
    const apps = await server.api.get(groupPath(group.id, '/members?entityType=app'), { token: admin.accessToken });
    expect(apps.body).toMatchObject({ total: 1, count: 1, data: [{ entityType: 'app' }] });
    const users = await server.api.get(groupPath(group.id, '/members?entityType=user&count=1'), {
      token: admin.accessToken,
    });
    expect(users.body).toMatchObject({ total: 2, count: 1, pageToken: expect.any(String) });

    expect((await server.api.delete(memberPath(group.id, app.clientId), { token: admin.accessToken })).status).toBe(
      204,
    );
    expectError(await server.api.get(memberPath(group.id, app.clientId), { token: admin.accessToken }), 404, 404781);
    expectError(await server.api.delete(memberPath(group.id, app.clientId), { token: admin.accessToken }), 404, 404781);
    expectError(
      await server.api.post(memberPath(group.id, 'HERE-00000000-0000-0000-0000-000000000000'), undefined, {
        token: admin.accessToken,
      }),
      404,
      404782,
    );
    expectError(
      await server.api.post(memberPath(group.id, 'hrn:here:data::x:catalog'), undefined, { token: admin.accessToken }),
      400,
      400200,
    );
  });

  it('lets a plain member create and manage their own group, but not groups they do not administer', async () => {
    const own = await createGroup(member, { name: 'Mine' });
    const other = await createGroup(admin, { name: 'Not mine' });
    const colleague = await inviteMember(server, admin, { prefix: 'colleague' });

    const add = await server.api.post(memberPath(own.id, colleague.userId), undefined, { token: member.accessToken });
    expect(add.status, add.text).toBe(204);
    expect(
      (await server.api.post(groupPath(own.id), { name: 'Mine, renamed' }, { token: member.accessToken })).status,
    ).toBe(201);

    const refused = await server.api.post(memberPath(other.id, colleague.userId), undefined, {
      token: member.accessToken,
    });
    expectError(refused, 403, 403403);
    expect(refused.body.cause).toContain(`perform manageMembers action on ${other.hrn}`);
    expectError(
      await server.api.post(groupPath(other.id), { name: 'Hijacked' }, { token: member.accessToken }),
      403,
      403403,
    );
    expectError(await server.api.delete(groupPath(other.id), { token: member.accessToken }), 403, 403403);
    expectError(
      await server.api.delete(memberPath(other.id, admin.userId), { token: member.accessToken }),
      403,
      403403,
    );

    // A GroupAdmin hands its role on to members of its group, and only its own role.
    const ownRole = await groupAdminRole(own);
    const promoted = await server.api.post(roleEntityPath(ownRole.id, colleague.userId), undefined, {
      token: member.accessToken,
    });
    expect(promoted.status, promoted.text).toBe(204);
    const otherRole = await groupAdminRole(other);
    await server.api.post(memberPath(other.id, colleague.userId), undefined, { token: admin.accessToken });
    expectError(
      await server.api.post(roleEntityPath(otherRole.id, colleague.userId), undefined, { token: member.accessToken }),
      403,
      403403,
    );

    // An OrgAdmin manages every group, the member's included.
    expect((await server.api.delete(memberPath(own.id, colleague.userId), { token: admin.accessToken })).status).toBe(
      204,
    );
    expect((await server.api.delete(groupPath(own.id), { token: admin.accessToken })).status).toBe(204);
  });

  it('makes a GroupAdmin only of a member, and the role works at once (read-your-writes)', async () => {
    const group = await createGroup(admin);
    const helper = await inviteMember(server, admin, { prefix: 'helper' });
    const newcomer = await inviteMember(server, admin, { prefix: 'newcomer' });
    const role = await groupAdminRole(group);

    const notMember = await server.api.post(roleEntityPath(role.hrn, helper.userId), undefined, {
      token: admin.accessToken,
    });
    expectError(notMember, 409, 409130);

    expectError(
      await server.api.post(memberPath(group.id, newcomer.userId), undefined, { token: helper.accessToken }),
      403,
      403403,
    );
    await server.api.post(memberPath(group.id, helper.userId), undefined, { token: admin.accessToken });
    const assigned = await server.api.post(roleEntityPath(role.id, helper.userId), undefined, {
      token: admin.accessToken,
    });
    expect(assigned.status, assigned.text).toBe(204);
    expect(
      (await server.api.post(memberPath(group.id, newcomer.userId), undefined, { token: helper.accessToken })).status,
    ).toBe(204);

    const managed = await server.api.get(`${AUTHZ}/realms/${admin.realm}/members/${helper.userId}/managedGroups`, {
      token: helper.accessToken,
    });
    expect(managed.body.data.map((held: GroupView) => held.id)).toEqual([group.id]);

    // Removing the helper from the group takes the group's GroupAdmin role too, at once.
    expect((await server.api.delete(memberPath(group.id, helper.userId), { token: admin.accessToken })).status).toBe(
      204,
    );
    expectError(
      await server.api.delete(memberPath(group.id, newcomer.userId), { token: helper.accessToken }),
      403,
      403403,
    );
    const roles = await server.api.get(`${AUTHZ}/roles/me`, { token: helper.accessToken });
    expect(roles.body.data.map((held: { id: string }) => held.id)).not.toContain(role.id);
  });

  it('lets a member leave a group (DELETE members/me), giving up its GroupAdmin role', async () => {
    const group = await createGroup(member);
    const role = await groupAdminRole(group);
    const left = await server.api.delete(groupPath(group.id, '/members/me'), { token: member.accessToken });
    expect(left.status, left.text).toBe(204);
    expect(await memberIds(group)).toEqual([]);
    const roles = await server.api.get(`${AUTHZ}/roles/me`, { token: member.accessToken });
    expect(roles.body.data.map((held: { id: string }) => held.id)).not.toContain(role.id);
    // No longer its GroupAdmin: it cannot rename it.
    expectError(
      await server.api.post(groupPath(group.id), { name: 'Back' }, { token: member.accessToken }),
      403,
      403403,
    );
    expectError(
      await server.api.delete(groupPath(group.id, '/members/me'), { token: member.accessToken }),
      404,
      404781,
    );
  });

  it('stops at MaxGroupMembers (500) and MaxEntityGroups (50) with 422000', async () => {
    const group = await createGroup(admin);
    // The creator plus 498 identities inserted directly: the group is one short of full.
    const prefix = `HERE-${group.id.slice(6, 14)}-0000-0000-0000-`;
    await runSql(
      server,
      (backend) => `
        INSERT INTO identities (id, realm_id, kind, created_at)
          SELECT '${prefix}' || ${padded(backend, 'i', 12)}, '${admin.realm}', 'user', 1 FROM ${series(backend, 498)} AS s;
        INSERT INTO group_members (group_id, member_id, created_at)
          SELECT '${group.id}', '${prefix}' || ${padded(backend, 'i', 12)}, 1 FROM ${series(backend, 498)} AS s;`,
    );
    const last = await server.api.post(memberPath(group.id, member.userId), undefined, { token: admin.accessToken });
    expect(last.status, last.text).toBe(204);
    const colleague = await inviteMember(server, admin, { prefix: 'full' });
    const full = await server.api.post(memberPath(group.id, colleague.userId), undefined, { token: admin.accessToken });
    expectError(full, 422, 422000);
    expect(full.body.message).toBe('MaxGroupMembers limit reached. Current value: 500. Maximum value: 500.');

    // The colleague is put in 50 groups directly; creating or joining one more is refused.
    await runSql(
      server,
      (backend) => `
        INSERT INTO identities (id, realm_id, kind, created_at)
          SELECT 'GROUP-${colleague.userId.slice(5, 13)}-' || ${padded(backend, 'i', 4)}, '${admin.realm}', 'group', 1 FROM ${series(backend, 50)} AS s;
        INSERT INTO groups (id, realm_id, name, description, created_at, updated_at)
          SELECT 'GROUP-${colleague.userId.slice(5, 13)}-' || ${padded(backend, 'i', 4)}, '${admin.realm}', 'bulk', NULL, 1, 1 FROM ${series(backend, 50)} AS s;
        INSERT INTO group_members (group_id, member_id, created_at)
          SELECT 'GROUP-${colleague.userId.slice(5, 13)}-' || ${padded(backend, 'i', 4)}, '${colleague.userId}', 1 FROM ${series(backend, 50)} AS s;`,
    );
    const create = await server.api.post(GROUPS, { name: 'One too many' }, { token: colleague.accessToken });
    expectError(create, 422, 422000);
    expect(create.body.message).toBe('MaxEntityGroups limit reached. Current value: 50. Maximum value: 50.');
    const another = await createGroup(admin);
    const join = await server.api.post(memberPath(another.id, colleague.userId), undefined, {
      token: admin.accessToken,
    });
    expectError(join, 422, 422000);
    expect(join.body.message).toBe('MaxEntityGroups limit reached. Current value: 50. Maximum value: 50.');
  });

  it('keeps organizations apart: groups of another organization are 404780, its members 403', async () => {
    const group = await createGroup(admin, { name: 'Private' });
    const outsider = await signUpAndSignIn(server.api);
    for (const response of [
      await server.api.get(groupPath(group.id), { token: outsider.accessToken }),
      await server.api.get(groupPath(group.hrn), { token: outsider.accessToken }),
      await server.api.get(groupPath(group.id, '/members'), { token: outsider.accessToken }),
      await server.api.get(groupPath(group.id, '/roles'), { token: outsider.accessToken }),
      await server.api.post(groupPath(group.id), { name: 'Mine now' }, { token: outsider.accessToken }),
      await server.api.delete(groupPath(group.id), { token: outsider.accessToken }),
      await server.api.post(memberPath(group.id, outsider.userId), undefined, { token: outsider.accessToken }),
      await server.api.delete(groupPath(group.id, '/members/me'), { token: outsider.accessToken }),
    ]) {
      expectError(response, 404, 404780);
    }
    const list = await server.api.get(GROUPS, { token: outsider.accessToken });
    expect(list.body).toEqual({ total: 0, count: 0, data: [] });

    const foreignMember = await server.api.post(memberPath(group.id, outsider.userId), undefined, {
      token: admin.accessToken,
    });
    expectError(foreignMember, 403, 400361);
    expect(await memberIds(group)).toEqual([admin.userId]);
    expect((await server.api.get(groupPath(group.id), { token: admin.accessToken })).body.name).toBe('Private');
  });

  it('adds an invitee to the invitation groups on acceptance; the inviter needs manageMembers on each group', async () => {
    // An organization of its own: 6 invitations per organization per minute.
    const admin = await signUpAndSignIn(server.api);
    const group = await createGroup(admin, { name: 'Newcomers' });
    const inviter = await inviteMember(server, admin, {
      prefix: 'inviter',
      roles: [await realmRoleHrn(server, admin.realm, 'OrgInviter')],
    });
    const invites = `${AUTHZ}/realms/${admin.realm}/invites`;

    const refused = await server.api.post(
      invites,
      { emailAddress: uniqueEmail('refused'), groupHrns: [group.hrn] },
      { token: inviter.accessToken },
    );
    expectError(refused, 403, 403403);
    const unknown = await server.api.post(
      invites,
      { emailAddress: uniqueEmail('unknown'), groupHrns: [`hrn:here:authorization::${admin.realm}:group/GROUP-nope`] },
      { token: admin.accessToken },
    );
    expectError(unknown, 400, 400200);
    expect(unknown.body.errorFields[0]).toMatchObject({ name: 'groupHrns[0]' });

    const email = uniqueEmail('joiner');
    const invited = await server.api.post(
      invites,
      { emailAddress: email, groupHrns: [group.hrn] },
      { token: admin.accessToken },
    );
    expect(invited.status, invited.text).toBe(201);
    const mail = await server.mailbox.next(email, 0);
    const password = strongPassword();
    const accepted = await server.api.post('/user', {
      email,
      password,
      firstname: 'Grace',
      lastname: 'Hopper',
      inviteToken: linkToken(mail, '/accept-invitation'),
    });
    expect(accepted.status, accepted.text).toBe(201);
    expect(await memberIds(group, admin.accessToken)).toEqual([admin.userId, accepted.body.userId]);
    const tokens = await signIn(server.api, { email, password, realm: admin.realm });
    const mine = await server.api.get(`${GROUPS}/me`, { token: tokens.accessToken });
    expect(mine.body.data).toEqual([group]);
  });

  it('refuses to accept an invitation into a group that filled up meanwhile (422000), leaving it pending', async () => {
    const admin = await signUpAndSignIn(server.api);
    const group = await createGroup(admin, { name: 'Soon full' });
    const email = uniqueEmail('late');
    const invites = `${AUTHZ}/realms/${admin.realm}/invites`;
    const invited = await server.api.post(
      invites,
      { emailAddress: email, groupHrns: [group.hrn] },
      { token: admin.accessToken },
    );
    expect(invited.status, invited.text).toBe(201);
    const prefix = `HERE-${group.id.slice(6, 14)}-4444-0000-0000-`;
    await runSql(
      server,
      (backend) => `
        INSERT INTO identities (id, realm_id, kind, created_at)
          SELECT '${prefix}' || ${padded(backend, 'i', 12)}, '${admin.realm}', 'user', 1 FROM ${series(backend, 499)} AS s;
        INSERT INTO group_members (group_id, member_id, created_at)
          SELECT '${group.id}', '${prefix}' || ${padded(backend, 'i', 12)}, 1 FROM ${series(backend, 499)} AS s;`,
    );
    const mail = await server.mailbox.next(email, 0);
    const accepted = await server.api.post('/user', {
      email,
      password: strongPassword(),
      firstname: 'Late',
      lastname: 'Comer',
      inviteToken: linkToken(mail, '/accept-invitation'),
    });
    expectError(accepted, 422, 422000);
    expect(accepted.body.message).toBe('MaxGroupMembers limit reached. Current value: 500. Maximum value: 500.');
    const pending = await server.api.get(invites, { token: admin.accessToken });
    expect(pending.body.data.map((invite: { emailAddress: string }) => invite.emailAddress)).toEqual([email]);
  });
});
