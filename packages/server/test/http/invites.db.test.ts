import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import {
  expectError,
  type SignedIn,
  signIn,
  signUpAndSignIn,
  strongPassword,
  uniqueEmail,
} from '../support/fixtures.js';
import { linkToken } from '../support/mailbox.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DAY_MS = 86_400_000;
const invitesPath = (realm: string) => `/authorization/v1.1/realms/${realm}/invites`;
const realmHrn = (realm: string) => `hrn:here:account::${realm}:realm/${realm}`;
const inviteId = (hrn: string) => hrn.slice(hrn.lastIndexOf('/') + 1);

describe('invitations', () => {
  let server: TestServer;
  /** Added to the real time by the server's clock: moves invitations past their expiry. */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    server = await startTestServer({ clock: () => Date.now() + clockOffsetMs });
  });
  afterAll(() => server.close());

  /** A new organization and its signed-in OrgAdmin; each test gets its own (6 invitations per realm per minute). */
  const newOrganization = () => signUpAndSignIn(server.api);

  async function roleHrn(realm: string, name: string): Promise<string> {
    const role = await server.gatehouse.storage.roles.findByName(realm, name, realmHrn(realm));
    if (!role) throw new Error(`No role ${name} in ${realm}`);
    return `hrn:here:authorization::${realm}:role/${role.id}`;
  }

  async function roleNamesOf(userId: string, realm: string): Promise<string[]> {
    const roles = await server.gatehouse.storage.roles.rolesOf(userId);
    return roles
      .filter((role) => role.resourceHrn === realmHrn(realm))
      .map((role) => role.name)
      .sort();
  }

  /** The next invitation mail to `email` after its first `already` mails (other mails, e.g. verification, skipped). */
  async function nextInvitation(email: string, already: number) {
    for (let index = already; ; index++) {
      const mail = await server.mailbox.next(email, index);
      if (mail.subject.startsWith('You are invited to')) return mail;
    }
  }

  /** Creates an invitation (201) and returns its answer and the token of the link in its mail. */
  async function invite(actor: SignedIn, body: Record<string, unknown>) {
    const email = String(body.emailAddress);
    const before = server.mailbox.for(email).length;
    const response = await server.api.post(invitesPath(actor.realm), body, { token: actor.accessToken });
    expect(response.status, response.text).toBe(201);
    const mail = await nextInvitation(email, before);
    return { invite: response.body, mail, token: linkToken(mail, '/accept-invitation') };
  }

  function accept(token: string, account: { email: string; password: string; firstname?: string; lastname?: string }) {
    return server.api.post('/user', {
      email: account.email,
      password: account.password,
      firstname: account.firstname ?? 'Grace',
      lastname: account.lastname ?? 'Hopper',
      inviteToken: token,
    });
  }

  const preview = (token: string) => server.api.post('/user/invites/preview', { token });

  /** Invites `email` with `roles`, accepts, signs in: a new member of the admin's organization. */
  async function member(admin: SignedIn, roles: string[] = []): Promise<SignedIn> {
    const email = uniqueEmail('member');
    const password = strongPassword();
    const { token } = await invite(admin, { emailAddress: email, roles });
    const accepted = await accept(token, { email, password });
    expect(accepted.status, accepted.text).toBe(201);
    const tokens = await signIn(server.api, { email, password, realm: admin.realm });
    return {
      email,
      password,
      userId: accepted.body.userId,
      realm: admin.realm,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    };
  }

  it('lets an OrgAdmin invite by email: 201 with the RealmAuthInviteResponse and a mail with the link', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('invitee');
    const inviter = await roleHrn(admin.realm, 'OrgInviter');
    const {
      invite: created,
      mail,
      token,
    } = await invite(admin, {
      emailAddress: email,
      firstName: 'Grace',
      lastName: 'Hopper',
      roles: [inviter],
    });

    expect(Object.keys(created).sort()).toEqual(
      [
        'allowPasswordLogin',
        'createdTime',
        'creatorHrn',
        'emailAddress',
        'expiresTime',
        'firstName',
        'groupHrns',
        'hrn',
        'lastName',
        'realmHrn',
        'roles',
        'updatedTime',
      ].sort(),
    );
    expect(created).toMatchObject({
      emailAddress: email,
      firstName: 'Grace',
      lastName: 'Hopper',
      roles: [{ hrn: inviter, name: 'OrgInviter' }],
      groupHrns: [],
      creatorHrn: `hrn:here:account::${admin.realm}:user/${admin.userId}`,
      realmHrn: realmHrn(admin.realm),
      allowPasswordLogin: true,
    });
    expect(created.hrn).toMatch(new RegExp(`^hrn:here:authorization::${admin.realm}:invite/AUTHINVITE-[0-9a-f-]{36}$`));
    expect(Math.abs(created.createdTime - Date.now())).toBeLessThan(60_000);
    expect(created.updatedTime).toBe(created.createdTime);
    expect(created.expiresTime - created.createdTime).toBe(7 * DAY_MS); // default inviteTtlSeconds

    expect(mail.subject).toBe(`You are invited to ${admin.realm}`);
    expect(mail.text).toContain(`${server.url}/accept-invitation#token=${token}`);
    expect(mail.text).toContain(`orgId ${admin.realm}`);

    const shown = await preview(token);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body).toEqual({
      emailAddress: email,
      realm: admin.realm,
      organizationName: admin.realm,
      firstName: 'Grace',
      lastName: 'Hopper',
      expiresTime: created.expiresTime,
      accountExists: false,
    });
  });

  it('lists pending invitations with q and paging (PageWToken)', async () => {
    const admin = await newOrganization();
    const people = [
      { emailAddress: uniqueEmail('alice'), firstName: 'Alice', lastName: 'Anders' },
      { emailAddress: uniqueEmail('bob'), firstName: 'Bob', lastName: 'Berg' },
      { emailAddress: uniqueEmail('carol'), firstName: 'Carol', lastName: 'Anders' },
    ];
    const hrns: string[] = [];
    for (const person of people) hrns.push((await invite(admin, person)).invite.hrn);

    const all = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(all.status, all.text).toBe(200);
    expect(all.body).toMatchObject({ total: 3, count: 3 });
    expect(all.body).not.toHaveProperty('pageToken');
    expect(all.body.data.map((item: { hrn: string }) => item.hrn).sort()).toEqual([...hrns].sort());

    const first = await server.api.get(`${invitesPath(admin.realm)}?count=2`, { token: admin.accessToken });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ total: 3, count: 2, pageToken: expect.any(String) });
    expect(first.body.data).toHaveLength(2);
    const second = await server.api.get(
      `${invitesPath(admin.realm)}?count=2&pageToken=${encodeURIComponent(first.body.pageToken)}`,
      { token: admin.accessToken },
    );
    expect(second.status, second.text).toBe(200);
    expect(second.body).toMatchObject({ total: 3, count: 1 });
    expect(second.body).not.toHaveProperty('pageToken');
    const paged = [...first.body.data, ...second.body.data].map((item: { hrn: string }) => item.hrn);
    expect(new Set(paged).size).toBe(3);
    expect(paged.sort()).toEqual([...hrns].sort());

    const anders = await server.api.get(`${invitesPath(admin.realm)}?q=ANDERS`, { token: admin.accessToken });
    expect(anders.body.total).toBe(2);
    expect(anders.body.data.map((item: { firstName: string }) => item.firstName).sort()).toEqual(['Alice', 'Carol']);

    const byEmail = await server.api.get(
      `${invitesPath(admin.realm)}?q=${encodeURIComponent(people[1]?.emailAddress.split('@')[0] ?? '')}`,
      { token: admin.accessToken },
    );
    expect(byEmail.body).toMatchObject({ total: 1, count: 1, data: [{ emailAddress: people[1]?.emailAddress }] });

    const wildcard = await server.api.get(`${invitesPath(admin.realm)}?q=%25`, { token: admin.accessToken });
    expect(wildcard.body.total).toBe(0); // LIKE wildcards in q are literal

    const viaMe = await server.api.get(invitesPath('me'), { token: admin.accessToken });
    expect(viaMe.body.total).toBe(3);
    const viaHrn = await server.api.get(invitesPath(encodeURIComponent(realmHrn(admin.realm))), {
      token: admin.accessToken,
    });
    expect(viaHrn.body.total).toBe(3);
    const authorizationRealmHrn = `hrn:here:authorization::${admin.realm}:realm/${admin.realm}`;
    expectError(
      await server.api.get(invitesPath(encodeURIComponent(authorizationRealmHrn)), { token: admin.accessToken }),
      400,
      400255,
    );

    expectError(
      await server.api.get(`${invitesPath(admin.realm)}?pageToken=bm9wZQ`, { token: admin.accessToken }),
      400,
      400203,
    );
    expectError(await server.api.get(`${invitesPath(admin.realm)}?count=0`, { token: admin.accessToken }), 400, 400200);
  });

  it("refuses a plain member with HERE's verbose 403", async () => {
    const admin = await newOrganization();
    const plain = await member(admin);

    const create = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail() },
      { token: plain.accessToken },
    );
    expectError(create, 403, 403403);
    expect(create.body).toMatchObject({
      message: 'These credentials do not authorize access for this operation.',
      action: 'Add/Share the necessary permissions to the identity.',
      code: 'E403403',
      status: 403,
    });
    expect(create.body.cause).toBe(
      `App/User /${plain.userId} credentials do not authorize access to perform manageInvites action on ` +
        `${realmHrn(admin.realm)} because No matching permissions found for the identity, its groups and roles, ` +
        'or the realm.',
    );
    expect(create.body.correlationId).toBe(create.headers.get('x-correlation-id'));

    // Reading pending invitations needs manageInvites or readMembers, which every user of the organization has.
    const listed = await server.api.get(invitesPath(admin.realm), { token: plain.accessToken });
    expect(listed.status, listed.text).toBe(200);
    expect((await server.api.get(invitesPath('me'), { token: plain.accessToken })).status).toBe(200);
    expectError(await server.api.post(invitesPath(admin.realm), { emailAddress: uniqueEmail() }), 401, 401200);
  });

  it('lets an OrgInviter invite, list, resend and cancel, but not give roles', async () => {
    const admin = await newOrganization();
    const inviterRole = await roleHrn(admin.realm, 'OrgInviter');
    const inviter = await member(admin, [inviterRole]);
    expect(await roleNamesOf(inviter.userId, admin.realm)).toEqual(['OrgInviter']);

    const email = uniqueEmail('by-inviter');
    const { invite: created, token } = await invite(inviter, { emailAddress: email });
    expect(created.creatorHrn).toBe(`hrn:here:account::${admin.realm}:user/${inviter.userId}`);
    expect(created.roles).toEqual([]);

    const withRoles = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), roles: [inviterRole] },
      { token: inviter.accessToken },
    );
    expectError(withRoles, 403, 403403);
    // Giving a role needs manageEntities on that role (HERE), which an OrgInviter does not hold.
    expect(withRoles.body.cause).toContain(`perform manageEntities action on ${inviterRole}`);

    const list = await server.api.get(invitesPath(admin.realm), { token: inviter.accessToken });
    expect(list.status, list.text).toBe(200);
    expect(list.body.data.map((item: { emailAddress: string }) => item.emailAddress)).toContain(email);

    const before = server.mailbox.for(email).length;
    const resent = await server.api.post(`${invitesPath(admin.realm)}/${inviteId(created.hrn)}`, undefined, {
      token: inviter.accessToken,
    });
    expect(resent.status, resent.text).toBe(204);
    const newToken = linkToken(await nextInvitation(email, before), '/accept-invitation');
    expect(newToken).not.toBe(token);

    const cancelled = await server.api.delete(`${invitesPath(admin.realm)}/${encodeURIComponent(created.hrn)}`, {
      token: inviter.accessToken,
    });
    expect(cancelled.status, cancelled.text).toBe(204);
    expectError(await preview(newToken), 400, 400610);
  });

  it('allows at most 5 roles and 5 groups (422000)', async () => {
    const admin = await newOrganization();
    const names = ['OrgInviter', 'ResourceManager', 'CrossRealmTrustManager', 'LicensingAdmin'];
    names.push('MonitoringDashboardEditor', 'MarketplaceConsumer');
    const roles = await Promise.all(names.map((name) => roleHrn(admin.realm, name)));
    const groups: string[] = [];
    for (let index = 0; index < 6; index++) {
      const group = await server.api.post(
        '/authorization/v1.1/groups',
        { name: `Group ${index}` },
        { token: admin.accessToken },
      );
      expect(group.status, group.text).toBe(201);
      groups.push(group.body.hrn);
    }

    const tooManyRoles = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), roles },
      { token: admin.accessToken },
    );
    expectError(tooManyRoles, 422, 422000);
    expect(tooManyRoles.body.message).toBe('MaxInviteRoles limit reached. Current value: 6. Maximum value: 5.');

    const tooManyGroups = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), groupHrns: groups },
      { token: admin.accessToken },
    );
    expectError(tooManyGroups, 422, 422000);
    expect(tooManyGroups.body.message).toBe('MaxInviteGroups limit reached. Current value: 6. Maximum value: 5.');

    const five = await invite(admin, {
      emailAddress: uniqueEmail(),
      roles: roles.slice(0, 5),
      groupHrns: groups.slice(0, 5),
    });
    expect(five.invite.roles.map((role: { name: string }) => role.name)).toEqual(names.slice(0, 5));
    expect(five.invite.groupHrns).toEqual(groups.slice(0, 5));

    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body.total).toBe(1); // the refused ones were not created
  });

  it('refuses roles and groups of another organization (400200)', async () => {
    const admin = await newOrganization();
    const other = await newOrganization();
    const foreignRole = await roleHrn(other.realm, 'OrgInviter');
    const ownRole = await roleHrn(admin.realm, 'OrgInviter');

    const foreign = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), roles: [ownRole, foreignRole] },
      { token: admin.accessToken },
    );
    expectError(foreign, 400, 400200);
    expect(foreign.body.errorFields).toEqual([{ name: 'roles[1]', errorCode: 400203, message: 'Invalid value.' }]);

    const disguised = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), roles: [foreignRole.replace(`::${other.realm}:`, `::${admin.realm}:`)] },
      { token: admin.accessToken },
    );
    expectError(disguised, 400, 400200);
    expect(disguised.body.errorFields).toMatchObject([{ name: 'roles[0]', errorCode: 400203 }]);

    for (const bad of ['not-an-hrn', `hrn:here:authorization::${admin.realm}:role/ROLE-unknown`]) {
      const response = await server.api.post(
        invitesPath(admin.realm),
        { emailAddress: uniqueEmail(), roles: [bad] },
        { token: admin.accessToken },
      );
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toMatchObject([{ name: 'roles[0]', errorCode: 400203 }]);
    }

    const foreignGroup = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), groupHrns: [`hrn:here:authorization::${other.realm}:group/GROUP-1`] },
      { token: admin.accessToken },
    );
    expectError(foreignGroup, 400, 400200);
    expect(foreignGroup.body.errorFields).toMatchObject([{ name: 'groupHrns[0]', errorCode: 400203 }]);

    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body.total).toBe(0);
  });

  it('refuses a second pending invitation (409122) and inviting a member (409120)', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('twice');
    await invite(admin, { emailAddress: email });

    const again = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: email.toUpperCase() },
      { token: admin.accessToken },
    );
    expectError(again, 409, 409122);
    expect(again.body.action).toBe('Resend or update the pending invitation.');

    expectError(
      await server.api.post(invitesPath(admin.realm), { emailAddress: admin.email }, { token: admin.accessToken }),
      409,
      409120,
    );
    const joined = await member(admin);
    expectError(
      await server.api.post(invitesPath(admin.realm), { emailAddress: joined.email }, { token: admin.accessToken }),
      409,
      409120,
    );
  });

  it('resends with a new link: the old one stops working', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('resend');
    const { invite: created, token: oldToken } = await invite(admin, { emailAddress: email });

    const before = server.mailbox.for(email).length;
    const resent = await server.api.post(`${invitesPath(admin.realm)}/${encodeURIComponent(created.hrn)}`, undefined, {
      token: admin.accessToken,
    });
    expect(resent.status, resent.text).toBe(204);
    expect(resent.text).toBe('');
    const mail = await nextInvitation(email, before);
    expect(mail.subject).toBe(`You are invited to ${admin.realm}`);
    const newToken = linkToken(mail, '/accept-invitation');
    expect(newToken).not.toBe(oldToken);

    expectError(await preview(oldToken), 400, 400610);
    expectError(await accept(oldToken, { email, password: strongPassword() }), 400, 400610);
    expect((await preview(newToken)).status).toBe(200);

    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].updatedTime).toBeGreaterThanOrEqual(created.updatedTime);
    expect(list.body.data[0].expiresTime).toBeGreaterThanOrEqual(created.expiresTime);

    expectError(
      await server.api.post(`${invitesPath(admin.realm)}/AUTHINVITE-00000000-0000-0000-0000-000000000000`, undefined, {
        token: admin.accessToken,
      }),
      404,
      404810,
    );
    // An invitation HRN is of Authorization (invite APIs) or Account (InviteInfo); other services name no invitation.
    const resendAs = (hrn: string) =>
      server.api.post(`${invitesPath(admin.realm)}/${encodeURIComponent(hrn)}`, undefined, {
        token: admin.accessToken,
      });
    const id = inviteId(created.hrn);
    expect((await resendAs(`hrn:here:account::${admin.realm}:invite/${id}`)).status).toBe(204);
    expectError(await resendAs(`hrn:here:data::${admin.realm}:invite/${id}`), 404, 404810);
  });

  it('updates an invitation with PUT: new names and roles, sent again', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('update');
    const { invite: created, token: oldToken } = await invite(admin, { emailAddress: email, firstName: 'Old' });
    const inviterRole = await roleHrn(admin.realm, 'OrgInviter');
    const url = `${invitesPath(admin.realm)}/${inviteId(created.hrn)}`;

    const otherEmail = await server.api.put(url, { emailAddress: uniqueEmail() }, { token: admin.accessToken });
    expectError(otherEmail, 400, 400200);
    expect(otherEmail.body.errorFields).toMatchObject([{ name: 'emailAddress', errorCode: 400203 }]);

    const before = server.mailbox.for(email).length;
    const updated = await server.api.put(
      url,
      { emailAddress: email, firstName: 'New', lastName: 'Name', roles: [inviterRole] },
      { token: admin.accessToken },
    );
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({
      hrn: created.hrn,
      emailAddress: email,
      firstName: 'New',
      lastName: 'Name',
      roles: [{ hrn: inviterRole, name: 'OrgInviter' }],
      createdTime: created.createdTime,
    });
    expect(updated.body.updatedTime).toBeGreaterThanOrEqual(created.updatedTime);
    const newToken = linkToken(await nextInvitation(email, before), '/accept-invitation');
    expectError(await preview(oldToken), 400, 400610);
    expect((await preview(newToken)).body).toMatchObject({ firstName: 'New', lastName: 'Name' });

    const password = strongPassword();
    const accepted = await accept(newToken, { email, password });
    expect(accepted.status, accepted.text).toBe(201);
    expect(await roleNamesOf(accepted.body.userId, admin.realm)).toEqual(['OrgInviter']);
  });

  it('cancels: the link stops working and the invitation is gone', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('cancel');
    const { invite: created, token } = await invite(admin, { emailAddress: email });
    const url = `${invitesPath(admin.realm)}/${inviteId(created.hrn)}`;

    const cancelled = await server.api.delete(url, { token: admin.accessToken });
    expect(cancelled.status, cancelled.text).toBe(204);

    expectError(await preview(token), 400, 400610);
    expectError(await accept(token, { email, password: strongPassword() }), 400, 400610);
    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body).toMatchObject({ total: 0, count: 0, data: [] });

    expectError(await server.api.delete(url, { token: admin.accessToken }), 409, 409121);
    expectError(await server.api.post(url, undefined, { token: admin.accessToken }), 409, 409121);
    expectError(await server.api.put(url, { emailAddress: email }, { token: admin.accessToken }), 409, 409121);
    expectError(
      await server.api.delete(`${invitesPath(admin.realm)}/AUTHINVITE-00000000-0000-0000-0000-000000000000`, {
        token: admin.accessToken,
      }),
      404,
      404810,
    );

    // A new invitation for the same address is possible again.
    const again = await invite(admin, { emailAddress: email });
    expect(again.invite.hrn).not.toBe(created.hrn);
  });

  it('expires after 7 days; "Request invitation again" sends a new link', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('expiry');
    const { token: expiredToken } = await invite(admin, { emailAddress: email });
    try {
      clockOffsetMs = 7 * DAY_MS - 60_000;
      expect((await preview(expiredToken)).status).toBe(200);

      clockOffsetMs = 7 * DAY_MS + 60_000;
      expectError(await preview(expiredToken), 400, 400610);
      expectError(await accept(expiredToken, { email, password: strongPassword() }), 400, 400610);

      const before = server.mailbox.for(email).length;
      const renewal = await server.api.post('/user/invites/renewal', { email: email.toUpperCase() });
      expect(renewal.status, renewal.text).toBe(202);
      const newToken = linkToken(await nextInvitation(email, before), '/accept-invitation');
      expect(newToken).not.toBe(expiredToken);
      const shown = await preview(newToken);
      expect(shown.status, shown.text).toBe(200);
      expect(shown.body.expiresTime - (Date.now() + clockOffsetMs)).toBeGreaterThan(7 * DAY_MS - 60_000);

      const accepted = await accept(newToken, { email, password: strongPassword() });
      expect(accepted.status, accepted.text).toBe(201);
      expect(accepted.body.realm).toBe(admin.realm);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('"Request invitation again" re-sends every pending invitation with new links, and answers 202 for anyone', async () => {
    const first = await newOrganization();
    const second = await newOrganization();
    const email = uniqueEmail('renewal');
    const { token: firstOld } = await invite(first, { emailAddress: email });
    const { token: secondOld } = await invite(second, { emailAddress: email });

    const before = server.mailbox.for(email).length;
    const renewal = await server.api.post('/user/invites/renewal', { email });
    expect(renewal.status, renewal.text).toBe(202);
    expect(renewal.text).toBe('');
    await server.mailbox.next(email, before + 1);
    const mails = server.mailbox.for(email).slice(before);
    expect(mails.map((mail) => mail.subject).sort()).toEqual(
      [`You are invited to ${first.realm}`, `You are invited to ${second.realm}`].sort(),
    );
    const newTokens = mails.map((mail) => linkToken(mail, '/accept-invitation'));
    for (const old of [firstOld, secondOld]) expectError(await preview(old), 400, 400610);
    const realms = [];
    for (const token of newTokens) {
      const shown = await preview(token);
      expect(shown.status, shown.text).toBe(200);
      realms.push(shown.body.realm);
    }
    expect(realms.sort()).toEqual([first.realm, second.realm].sort());

    // The same answer for an address without invitations, and no mail.
    const nobody = uniqueEmail('nobody');
    const unknown = await server.api.post('/user/invites/renewal', { email: nobody });
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe('');
    await server.gatehouse.background.drain();
    await server.gatehouse.mailer.deliverDue();
    expect(server.mailbox.for(nobody)).toEqual([]);

    // Accepted invitations are not re-sent.
    const accepted = await accept(newTokens[0] as string, { email, password: strongPassword() });
    expect(accepted.status, accepted.text).toBe(201);
    const count = server.mailbox.for(email).length;
    expect((await server.api.post('/user/invites/renewal', { email })).status).toBe(202);
    await server.mailbox.next(email, count);
    await server.gatehouse.background.drain();
    await server.gatehouse.mailer.deliverDue();
    expect(server.mailbox.for(email).length).toBe(count + 1);

    expectError(await server.api.post('/user/invites/renewal', { email: 'not-an-email' }), 400, 400200);
  });

  it('accepting creates the user with the invited roles; the link works once', async () => {
    const admin = await newOrganization();
    const email = uniqueEmail('accept');
    const inviterRole = await roleHrn(admin.realm, 'OrgInviter');
    const { token } = await invite(admin, { emailAddress: email, roles: [inviterRole] });
    const password = strongPassword();

    const wrongEmail = await accept(token, { email: uniqueEmail(), password });
    expectError(wrongEmail, 400, 400200);
    expect(wrongEmail.body.errorFields).toMatchObject([{ name: 'email', errorCode: 400203 }]);
    const weak = await accept(token, { email, password: 'short' });
    expectError(weak, 400, 400200);
    expect(weak.body.errorFields).toMatchObject([{ name: 'password', errorCode: 400206 }]);

    const accepted = await accept(token, { email: email.toUpperCase(), password, firstname: 'Ada', lastname: 'King' });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body).toEqual({ userId: expect.stringMatching(/^HERE-/), realm: admin.realm });
    expectError(await accept(token, { email, password }), 400, 400610);
    expectError(await preview(token), 400, 400610);

    const tokens = await signIn(server.api, { email, password });
    const me = await server.api.get('/user/me', { token: tokens.accessToken });
    expect(me.body).toMatchObject({
      userId: accepted.body.userId,
      realm: admin.realm,
      firstname: 'Ada',
      lastname: 'King',
      emailVerified: true,
      state: 'enabled',
    });
    expect(await roleNamesOf(accepted.body.userId, admin.realm)).toEqual(['OrgInviter']);
    // The role works: the new member can invite.
    const invitee = uniqueEmail();
    const byMember = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: invitee },
      { token: tokens.accessToken },
    );
    expect(byMember.status, byMember.text).toBe(201);

    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body.data.map((item: { emailAddress: string }) => item.emailAddress)).toEqual([invitee]);
  });

  it('an address with an account in another organization gets a second account', async () => {
    const home = await newOrganization();
    const inviting = await newOrganization();
    const { token } = await invite(inviting, { emailAddress: home.email });
    const shown = await preview(token);
    expect(shown.body.accountExists).toBe(false);

    // The same password in both organizations: signing in needs the orgId.
    const accepted = await accept(token, { email: home.email, password: home.password });
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.realm).toBe(inviting.realm);
    expect(accepted.body.userId).not.toBe(home.userId);

    const ambiguous = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: home.email,
      password: home.password,
    });
    expectError(ambiguous, 400, 400256);
    const there = await signIn(server.api, { email: home.email, password: home.password, realm: inviting.realm });
    expect(there.userId).toBe(accepted.body.userId);
    const back = await signIn(server.api, { email: home.email, password: home.password, realm: home.realm });
    expect(back.userId).toBe(home.userId);
  });

  it('accepting links an account the address already has in the organization, only with its password', async () => {
    const admin = await newOrganization();
    const existing = await member(admin);
    expect(await roleNamesOf(existing.userId, admin.realm)).toEqual([]);

    // Creating an invitation for a member is refused (409120), so a pending invitation for an address that has an
    // account arises only when the account is created while the invitation is pending (concurrent requests). That
    // state is arranged through the storage; everything else goes over HTTP.
    const token = randomToken();
    const role = await server.gatehouse.storage.roles.findByName(admin.realm, 'OrgInviter', realmHrn(admin.realm));
    const now = Date.now();
    await server.gatehouse.storage.invites.insert(
      {
        id: `AUTHINVITE-${randomUUID()}`,
        realm: admin.realm,
        email: existing.email,
        roleIds: [role?.id ?? ''],
        groupIds: [],
        allowPasswordLogin: true,
        creatorId: admin.userId,
        state: 'pending',
        expiresAt: now + DAY_MS,
        createdAt: now,
        updatedAt: now,
      },
      sha256(token),
    );
    expect((await preview(token)).body).toMatchObject({ accountExists: true, realm: admin.realm });

    expectError(await accept(token, { email: existing.email, password: strongPassword() }), 401, 401300);
    expect(await roleNamesOf(existing.userId, admin.realm)).toEqual([]);

    const linked = await accept(token, { email: existing.email, password: existing.password });
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toEqual({ userId: existing.userId, realm: admin.realm });
    expect(await roleNamesOf(existing.userId, admin.realm)).toEqual(['OrgInviter']);
    expectError(await accept(token, { email: existing.email, password: existing.password }), 400, 400610);

    // The password is unchanged.
    await signIn(server.api, { email: existing.email, password: existing.password, realm: admin.realm });
  });

  it("keeps every organization's invitations to itself", async () => {
    const a = await newOrganization();
    const b = await newOrganization();
    const email = uniqueEmail('isolated');
    const { invite: created, token } = await invite(a, { emailAddress: email, firstName: 'Kept' });
    const id = inviteId(created.hrn);

    expectError(await server.api.get(invitesPath(a.realm), { token: b.accessToken }), 403, 403403);
    expectError(
      await server.api.post(invitesPath(a.realm), { emailAddress: uniqueEmail() }, { token: b.accessToken }),
      403,
      403403,
    );
    for (const realm of [a.realm, b.realm, 'me']) {
      for (const reference of [id, encodeURIComponent(created.hrn)]) {
        const url = `${invitesPath(realm)}/${reference}`;
        const resend = await server.api.post(url, undefined, { token: b.accessToken });
        const update = await server.api.put(
          url,
          { emailAddress: email, firstName: 'Stolen' },
          { token: b.accessToken },
        );
        const cancel = await server.api.delete(url, { token: b.accessToken });
        for (const response of [resend, update, cancel]) {
          if (realm === a.realm) expectError(response, 403, 403403);
          else expectError(response, 404, 404810);
        }
      }
    }
    const bList = await server.api.get(invitesPath(b.realm), { token: b.accessToken });
    expect(bList.body).toMatchObject({ total: 0, data: [] });
    const searched = await server.api.get(`${invitesPath('me')}?q=${encodeURIComponent(email)}`, {
      token: b.accessToken,
    });
    expect(searched.body.total).toBe(0);

    // Org A's invitation is untouched: same name, no new mail, the link still works.
    const aList = await server.api.get(invitesPath(a.realm), { token: a.accessToken });
    expect(aList.body.data).toMatchObject([{ hrn: created.hrn, firstName: 'Kept', updatedTime: created.updatedTime }]);
    expect(server.mailbox.for(email)).toHaveLength(1);
    expect((await preview(token)).status).toBe(200);
  });

  it('allows 6 invitations per organization per minute (429002 with Retry-After)', async () => {
    const admin = await newOrganization();
    for (let index = 0; index < 6; index++) {
      const response = await server.api.post(
        invitesPath(admin.realm),
        { emailAddress: uniqueEmail(`burst${index}`) },
        { token: admin.accessToken },
      );
      expect(response.status, response.text).toBe(201);
    }
    const limited = await server.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail('seventh') },
      { token: admin.accessToken },
    );
    expectError(limited, 429, 429002);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const list = await server.api.get(invitesPath(admin.realm), { token: admin.accessToken });
    expect(list.body.total).toBe(6);
    const resend = await server.api.post(`${invitesPath(admin.realm)}/${inviteId(list.body.data[0].hrn)}`, undefined, {
      token: admin.accessToken,
    });
    expectError(resend, 429, 429002);

    // Other organizations are not affected.
    const other = await newOrganization();
    await invite(other, { emailAddress: uniqueEmail() });
  });
});
