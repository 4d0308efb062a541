import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn, strongPassword, uniqueEmail } from '../support/fixtures.js';
import { linkToken } from '../support/mailbox.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const GROUPS = `${AUTHZ}/groups`;
const membersPath = (groupId: string, query = '') => `${GROUPS}/${encodeURIComponent(groupId)}/members${query}`;

describe('pending invitations as group members (entityType=invite)', () => {
  let server: TestServer;
  let admin: SignedIn;
  let reader: SignedIn;
  let mallory: SignedIn;
  let first: { id: string; hrn: string };
  let second: { id: string; hrn: string };
  const invited: Record<string, { hrn: string; email: string }> = {};

  async function createGroup(name: string) {
    const response = await server.api.post(GROUPS, { name }, { token: admin.accessToken });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; hrn: string };
  }

  async function invite(key: string, groupHrns: string[], names: { firstName?: string; lastName?: string } = {}) {
    const email = uniqueEmail(key);
    const response = await server.api.post(
      `${AUTHZ}/realms/${admin.realm}/invites`,
      { emailAddress: email, groupHrns, ...names },
      { token: admin.accessToken },
    );
    expect(response.status, response.text).toBe(201);
    invited[key] = { hrn: response.body.hrn, email };
  }

  const inviteList = async (groupId: string, token = admin.accessToken, query = '') => {
    const response = await server.api.get(membersPath(groupId, `?entityType=invite${query}`), { token });
    expect(response.status, response.text).toBe(200);
    return response.body as {
      total: number;
      count: number;
      pageToken?: string;
      data: Array<{ memberHrn: string; entityType: string; info: Record<string, unknown> }>;
    };
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
    reader = await inviteMember(server, admin, { prefix: 'reader' });
    mallory = await signUpAndSignIn(server.api);
    first = await createGroup('First');
    second = await createGroup('Second');
    await invite('ada', [first.hrn], { firstName: 'Ada', lastName: 'Byron' });
    await invite('both', [first.hrn, second.hrn]);
    await invite('only-second', [second.hrn]);
    await invite('none', []);
  });
  afterAll(() => server.close());

  it('lists the pending invitations that carry the group, with HERE InviteInfo', async () => {
    const list = await inviteList(first.id);
    expect(list).toMatchObject({ total: 2, count: 2 });
    // Newest first; invitations made in the same millisecond may come in either order.
    expect(list.data.map((member) => member.memberHrn).sort()).toEqual([invited.both?.hrn, invited.ada?.hrn].sort());
    const ada = list.data.find((member) => member.memberHrn === invited.ada?.hrn);
    const adaId = invited.ada?.hrn.slice(invited.ada.hrn.indexOf('/') + 1);
    expect(ada).toEqual({
      memberHrn: invited.ada?.hrn,
      entityType: 'invite',
      info: {
        inviteId: adaId,
        inviteHrn: invited.ada?.hrn,
        realm: admin.realm,
        firstname: 'Ada',
        lastname: 'Byron',
        email: invited.ada?.email,
      },
    });
    expect((await inviteList(second.id)).data.map((member) => member.memberHrn).sort()).toEqual(
      [invited['only-second']?.hrn, invited.both?.hrn].sort(),
    );
    // Users and apps stay apart: the creator is the only user member; invitations are not listed without the type.
    const users = await server.api.get(membersPath(first.id), { token: admin.accessToken });
    expect(users.body.data.map((member: { entityType: string }) => member.entityType)).toEqual(['user']);
    // Every user of the organization may read members.
    expect((await inviteList(first.id, reader.accessToken)).total).toBe(2);
  });

  it('pages with count and pageToken', async () => {
    const page = await inviteList(first.id, admin.accessToken, '&count=1');
    expect(page).toMatchObject({ total: 2, count: 1 });
    expect(page.pageToken).toBeDefined();
    const next = await inviteList(first.id, admin.accessToken, `&count=1&pageToken=${page.pageToken}`);
    expect([...page.data, ...next.data].map((member) => member.memberHrn).sort()).toEqual(
      [invited.both?.hrn, invited.ada?.hrn].sort(),
    );
    expect(next.pageToken).toBeUndefined();
  });

  it('drops invitations once accepted (the invitee is a user member then) or cancelled', async () => {
    const mail = await server.mailbox.next(invited.ada?.email ?? '', 0);
    const accepted = await server.api.post('/user', {
      email: invited.ada?.email,
      password: strongPassword(),
      firstname: 'Ada',
      lastname: 'Byron',
      inviteToken: linkToken(mail, '/accept-invitation'),
    });
    expect(accepted.status, accepted.text).toBe(201);
    expect((await inviteList(first.id)).data.map((member) => member.memberHrn)).toEqual([invited.both?.hrn]);
    const users = await server.api.get(membersPath(first.id, '?entityType=user'), { token: admin.accessToken });
    expect(users.body.total).toBe(2);

    const cancelled = await server.api.delete(
      `${AUTHZ}/realms/${admin.realm}/invites/${encodeURIComponent(invited.both?.hrn ?? '')}`,
      { token: admin.accessToken },
    );
    expect(cancelled.status, cancelled.text).toBe(204);
    expect(await inviteList(first.id)).toEqual({ total: 0, count: 0, data: [] });
    expect((await inviteList(second.id)).total).toBe(1);
  });

  it('validates entityType and keeps organizations apart', async () => {
    expectError(
      await server.api.get(membersPath(first.id, '?entityType=car'), { token: admin.accessToken }),
      400,
      400200,
    );
    expectError(
      await server.api.get(membersPath(second.id, '?entityType=invite'), { token: mallory.accessToken }),
      404,
      404780,
    );
    // Organization B's own group with a pending invitation does not show A's, and the other way round.
    const theirs = await server.api.post(GROUPS, { name: 'Theirs' }, { token: mallory.accessToken });
    const theirInvite = await server.api.post(
      `${AUTHZ}/realms/${mallory.realm}/invites`,
      { emailAddress: uniqueEmail('theirs'), groupHrns: [theirs.body.hrn] },
      { token: mallory.accessToken },
    );
    expect(theirInvite.status, theirInvite.text).toBe(201);
    const list = await server.api.get(membersPath(theirs.body.id, '?entityType=invite'), {
      token: mallory.accessToken,
    });
    expect(list.body.data.map((member: { memberHrn: string }) => member.memberHrn)).toEqual([theirInvite.body.hrn]);
    expectError(
      await server.api.get(membersPath(theirs.body.id, '?entityType=invite'), { token: admin.accessToken }),
      404,
      404780,
    );
  });
});
