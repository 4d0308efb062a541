import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedInvitation } from '../support/apps.js';
import {
  expectError,
  signIn,
  signUpAndSignIn,
  signUpOrganization,
  strongPassword,
  uniqueEmail,
} from '../support/fixtures.js';
import type { ApiResponse } from '../support/http-client.js';
import { linkToken } from '../support/mailbox.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const AUTHN = '/authentication/v1.1';

describe('the user account', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const me = (accessToken: string) => server.api.get('/user/me', { token: accessToken });
  const refresh = (refreshToken: string) =>
    server.api.post('/oauth2/token', { grantType: 'refresh_token', refreshToken });
  const passwordGrant = (email: string, password: string, realm?: string) =>
    server.api.post('/oauth2/token', { grantType: 'password', email, password, ...(realm ? { realm } : {}) });

  /** Waits until every mail under way has been delivered, so that an absent mail is really absent. */
  async function mailSettled() {
    await server.gatehouse.background.drain();
    await server.gatehouse.mailer.deliverDue();
    await server.gatehouse.mailer.deliverDue();
  }

  /** The error answer without what differs on every request. */
  function comparable(response: ApiResponse) {
    const { errorId: _errorId, correlationId: _correlationId, ...body } = response.body as Record<string, unknown>;
    return { status: response.status, body };
  }

  describe('profile', () => {
    it('changes the given fields, and null clears an optional one', async () => {
      const account = await signUpAndSignIn(server.api);
      const before = await me(account.accessToken);
      expect(before.status).toBe(200);

      const changed = await server.api.patch(
        '/user/me',
        {
          firstname: 'Grace',
          lastname: 'Hopper',
          dob: '09/12/1906',
          countryCode: 'USA',
          language: 'en',
          phoneNumber: '+15555550100',
          marketingEnabled: true,
        },
        { token: account.accessToken },
      );
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body).toMatchObject({
        userId: account.userId,
        email: account.email,
        firstname: 'Grace',
        lastname: 'Hopper',
        dob: '09/12/1906',
        countryCode: 'USA',
        language: 'en',
        phoneNumber: '+15555550100',
        marketingEnabled: true,
        createdTime: before.body.createdTime,
      });
      expect(changed.body.updatedTime).toBeGreaterThanOrEqual(before.body.updatedTime);
      expect((await me(account.accessToken)).body).toEqual(changed.body);

      const cleared = await server.api.patch(
        '/user/me',
        { dob: null, phoneNumber: null, marketingEnabled: false },
        { token: account.accessToken },
      );
      expect(cleared.status, cleared.text).toBe(200);
      expect(cleared.body).not.toHaveProperty('dob');
      expect(cleared.body).not.toHaveProperty('phoneNumber');
      expect(cleared.body).toMatchObject({ firstname: 'Grace', countryCode: 'USA', language: 'en' });
      expect(cleared.body.marketingEnabled).toBe(false);
      expect((await me(account.accessToken)).body).toEqual(cleared.body);
    });

    it('does not let the profile update change the email, state or verification', async () => {
      const account = await signUpAndSignIn(server.api);
      const response = await server.api.patch(
        '/user/me',
        { email: uniqueEmail('other'), emailVerified: true, state: 'disabled', realm: 'elsewhere', lastname: 'Byron' },
        { token: account.accessToken },
      );
      expect(response.status, response.text).toBe(200);
      const profile = (await me(account.accessToken)).body;
      expect(profile).toMatchObject({
        email: account.email,
        emailVerified: false,
        state: 'enabled',
        realm: account.realm,
        lastname: 'Byron',
      });
    });

    it('rejects bad values with 400200 and HERE field codes, changing nothing', async () => {
      const account = await signUpAndSignIn(server.api);
      const response = await server.api.patch(
        '/user/me',
        {
          firstname: '',
          lastname: 'Ada <script>',
          dob: '1990-01-31',
          countryCode: 'de',
          language: 'eng',
          phoneNumber: '0049 30 1234',
          marketingEnabled: 'yes',
        },
        { token: account.accessToken },
      );
      expectError(response, 400, 400200);
      const fields = Object.fromEntries(
        (response.body.errorFields as { name: string; errorCode: number }[]).map((field) => [
          field.name,
          field.errorCode,
        ]),
      );
      expect(fields).toEqual({
        firstname: 400202,
        lastname: 400203,
        dob: 400203,
        countryCode: 400203,
        language: 400203,
        phoneNumber: 400203,
        marketingEnabled: 400219,
      });
      const wrongType = await server.api.patch('/user/me', { firstname: null }, { token: account.accessToken });
      expectError(wrongType, 400, 400200);
      expect(wrongType.body.errorFields).toEqual([expect.objectContaining({ name: 'firstname', errorCode: 400217 })]);
      expect((await me(account.accessToken)).body).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace' });
    });

    it('needs a token', async () => {
      expectError(await server.api.get('/user/me'), 401, 401200);
      expectError(await server.api.patch('/user/me', { firstname: 'X' }), 401, 401200);
    });
  });

  describe('password change', () => {
    it('needs the right current password', async () => {
      const account = await signUpAndSignIn(server.api);
      const response = await server.api.post(
        '/user/me/password',
        { currentPassword: strongPassword(), newPassword: strongPassword() },
        { token: account.accessToken },
      );
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([
        expect.objectContaining({ name: 'currentPassword', errorCode: 400220 }),
      ]);
      await signIn(server.api, account);
    });

    it('refuses short and common new passwords (400206, 400205)', async () => {
      const account = await signUpAndSignIn(server.api);
      const attempt = (newPassword: string) =>
        server.api.post(
          '/user/me/password',
          { currentPassword: account.password, newPassword },
          { token: account.accessToken },
        );
      const short = await attempt('Xk3-short!9');
      expectError(short, 400, 400200);
      expect(short.body.errorFields).toEqual([
        expect.objectContaining({ name: 'newPassword', errorCode: 400206, message: expect.stringContaining('12') }),
      ]);
      for (const common of ['password1234', 'Password2024!', 'qwertyuiop123', 'abcabcabcabc', 'Lovelace2024!']) {
        const answer = await attempt(common);
        expectError(answer, 400, 400200);
        expect(answer.body.errorFields, common).toEqual([
          expect.objectContaining({ name: 'newPassword', errorCode: 400205 }),
        ]);
      }
      await signIn(server.api, account);
    });

    it('ends the other sessions but not the current one', async () => {
      const account = await signUpAndSignIn(server.api);
      const other = await signIn(server.api, account);
      const newPassword = strongPassword();
      const response = await server.api.post(
        '/user/me/password',
        { currentPassword: account.password, newPassword },
        { token: account.accessToken },
      );
      expect(response.status, response.text).toBe(204);

      expect((await me(account.accessToken)).status).toBe(200);
      expect((await refresh(account.refreshToken)).status).toBe(200);
      expectError(await me(other.accessToken), 401, 401701);
      expectError(await refresh(other.refreshToken), 400, 400602);

      expectError(await passwordGrant(account.email, account.password), 401, 401300);
      await signIn(server.api, { email: account.email, password: newPassword });
    });
  });

  describe('deactivation', () => {
    it('by the user: tokens are refused (401500) except to delete, and signing in reactivates', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const current = await signIn(server.api, member);
      const other = await signIn(server.api, member);

      const deactivate = await server.api.post('/user/me/deactivate', undefined, { token: current.accessToken });
      expect(deactivate.status, deactivate.text).toBe(204);

      const refusals = [
        await me(current.accessToken),
        await server.api.patch('/user/me', { firstname: 'X' }, { token: current.accessToken }),
        await server.api.post(
          '/user/me/password',
          { currentPassword: member.password, newPassword: strongPassword() },
          { token: current.accessToken },
        ),
        await server.api.post('/user/me/email/verification', undefined, { token: current.accessToken }),
        await server.api.post('/logout', undefined, { token: current.accessToken }),
        await server.api.post(`${AUTHN}/users/me/deactivate`, undefined, { token: current.accessToken }),
        await server.api.delete(`${AUTHN}/users/me`, { token: current.accessToken }),
        await me(other.accessToken),
      ];
      for (const refusal of refusals) {
        expectError(refusal, 401, 401500);
        expect(refusal.body.message).toBe(`User: ${member.userId} is not enabled.`);
      }
      expectError(await refresh(other.refreshToken), 400, 400602);
      // A wrong password does not reactivate.
      expectError(await passwordGrant(member.email, strongPassword()), 401, 401300);

      const admins = await server.api.get('/user/me', { token: admin.accessToken });
      expect(admins.status).toBe(200);

      const again = await signIn(server.api, member);
      const profile = await me(again.accessToken);
      expect(profile.status, profile.text).toBe(200);
      expect(profile.body.state).toBe('enabled');
      // Sessions from before the deactivation stay ended.
      expectError(await me(current.accessToken), 401, 401701);
      expectError(await me(other.accessToken), 401, 401701);
      expectError(await server.api.delete('/user/me', { token: current.accessToken }), 401, 401701);
    });

    it('by an OrgAdmin: signing in does not reactivate, /activate does', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);

      const deactivate = await server.api.post(`${AUTHN}/users/${member.userId}/deactivate`, undefined, {
        token: admin.accessToken,
      });
      expect(deactivate.status, deactivate.text).toBe(204);
      expectError(await me(session.accessToken), 401, 401500);
      expectError(await refresh(session.refreshToken), 400, 400602);
      const signInAgain = await passwordGrant(member.email, member.password);
      expectError(signInAgain, 401, 401500);
      expect(signInAgain.body.error).toBe('invalid_grant');
      expectError(await passwordGrant(member.email, member.password), 401, 401500);

      const hrn = `hrn:here:account::${member.realm}:user/${member.userId}`;
      const activate = await server.api.post(`${AUTHN}/users/${encodeURIComponent(hrn)}/activate`, undefined, {
        token: admin.accessToken,
      });
      expect(activate.status, activate.text).toBe(204);
      // A user HRN is of Account and of type user; any other HRN ending in the user's id names nothing.
      for (const other of [hrn.replace(':account:', ':authorization:'), hrn.replace(':user/', ':app/')]) {
        expectError(
          await server.api.post(`${AUTHN}/users/${encodeURIComponent(other)}/deactivate`, undefined, {
            token: admin.accessToken,
          }),
          404,
          404000,
        );
      }
      const tokens = await signIn(server.api, member);
      expect((await me(tokens.accessToken)).body.state).toBe('enabled');
      expectError(await me(session.accessToken), 401, 401701);
    });

    it('by an OrgAdmin overrides an earlier self-deactivation', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);
      expect((await server.api.post('/user/me/deactivate', undefined, { token: session.accessToken })).status).toBe(
        204,
      );
      const byAdmin = await server.api.post(`${AUTHN}/users/${member.userId}/deactivate`, undefined, {
        token: admin.accessToken,
      });
      expect(byAdmin.status, byAdmin.text).toBe(204);

      expectError(await passwordGrant(member.email, member.password), 401, 401500);
      // The session kept for deleting the account no longer works either.
      expectError(await server.api.delete('/user/me', { token: session.accessToken }), 401, 401500);
      expect(
        (await server.api.post(`${AUTHN}/users/${member.userId}/activate`, undefined, { token: admin.accessToken }))
          .status,
      ).toBe(204);
      expectError(await server.api.delete('/user/me', { token: session.accessToken }), 401, 401701);
      expect((await signIn(server.api, member)).userId).toBe(member.userId);
    });

    it('of someone else needs OrgAdmin', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);
      const response = await server.api.post(`${AUTHN}/users/${admin.userId}/deactivate`, undefined, {
        token: session.accessToken,
      });
      expectError(response, 403, 403403);
      expect((await me(admin.accessToken)).body.state).toBe('enabled');

      const stranger = await signUpAndSignIn(server.api);
      const foreign = await server.api.post(`${AUTHN}/users/${member.userId}/deactivate`, undefined, {
        token: stranger.accessToken,
      });
      expectError(foreign, 404, 404000);
      expect((await me(session.accessToken)).body.state).toBe('enabled');
    });

    it('is refused to the last OrgAdmin (409102)', async () => {
      const admin = await signUpAndSignIn(server.api);
      expectError(await server.api.post('/user/me/deactivate', undefined, { token: admin.accessToken }), 409, 409102);
      expectError(
        await server.api.post(`${AUTHN}/users/${admin.userId}/deactivate`, undefined, { token: admin.accessToken }),
        409,
        409102,
      );
      expect((await me(admin.accessToken)).body.state).toBe('enabled');
    });
  });

  describe('deletion', () => {
    it('is only possible after deactivation (409101)', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);
      expectError(await server.api.delete('/user/me', { token: session.accessToken }), 409, 409101);
      expectError(
        await server.api.delete(`${AUTHN}/users/${member.userId}`, { token: admin.accessToken }),
        409,
        409101,
      );
      expect((await me(session.accessToken)).status).toBe(200);
    });

    it('removes profile, credentials, sessions and memberships for good', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);

      // A password-reset link issued before the deletion.
      const mailsBefore = server.mailbox.for(member.email).length;
      expect((await server.api.post('/user/password/reset', { email: member.email })).status).toBe(202);
      const resetToken = linkToken(await server.mailbox.next(member.email, mailsBefore), '/reset-password');

      expect((await server.api.post('/user/me/deactivate', undefined, { token: session.accessToken })).status).toBe(
        204,
      );
      const deleted = await server.api.delete('/user/me', { token: session.accessToken });
      expect(deleted.status, deleted.text).toBe(204);

      expectError(await me(session.accessToken), 401, 401600);
      expectError(await refresh(session.refreshToken), 400, 400602);
      expectError(
        await server.api.post('/user/password/reset/complete', { token: resetToken, password: strongPassword() }),
        400,
        400610,
      );
      expectError(
        await server.api.post(`${AUTHN}/users/${member.userId}/activate`, undefined, { token: admin.accessToken }),
        404,
        404000,
      );
      // Signing in answers exactly as for an address that never had an account.
      const gone = await passwordGrant(member.email, member.password);
      const never = await passwordGrant(uniqueEmail('never'), member.password);
      expectError(gone, 401, 401300);
      expect(comparable(gone)).toEqual(comparable(never));

      // The organization can invite the address again: a new account, not the old one.
      const rejoined = await acceptedInvitation(server, admin, { email: member.email });
      expect(rejoined.userId).not.toBe(member.userId);
      expect((await signIn(server.api, rejoined)).userId).toBe(rejoined.userId);
    });

    it('lets the deleted address sign up again, with nothing of the old account left', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);
      await server.api.post('/user/me/deactivate', undefined, { token: session.accessToken });
      expect((await server.api.delete('/user/me', { token: session.accessToken })).status).toBe(204);

      // Same email and password: if the old account were left, signing in without orgId would be ambiguous.
      const fresh = await signUpOrganization(server.api, { email: member.email, password: member.password });
      const tokens = await signIn(server.api, { email: member.email, password: member.password });
      expect(tokens.userId).toBe(fresh.userId);
      expect((await me(tokens.accessToken)).body).toMatchObject({ realm: fresh.realm, firstname: 'Ada' });
    });

    it('by an OrgAdmin removes a deactivated member', async () => {
      const admin = await signUpAndSignIn(server.api);
      const member = await acceptedInvitation(server, admin);
      const session = await signIn(server.api, member);
      expect(
        (await server.api.post(`${AUTHN}/users/${member.userId}/deactivate`, undefined, { token: admin.accessToken }))
          .status,
      ).toBe(204);
      const deleted = await server.api.delete(`${AUTHN}/users/${member.userId}`, { token: admin.accessToken });
      expect(deleted.status, deleted.text).toBe(204);
      expectError(await me(session.accessToken), 401, 401600);
      expectError(await passwordGrant(member.email, member.password), 401, 401300);
      expectError(
        await server.api.delete(`${AUTHN}/users/${member.userId}`, { token: admin.accessToken }),
        404,
        404000,
      );
    });
  });

  describe('email verification', () => {
    it('verifies the address with the mailed link, once', async () => {
      const account = await signUpOrganization(server.api);
      const mail = await server.mailbox.next(account.email, 0);
      expect(mail.subject).toBe('Confirm your email address');
      const token = linkToken(mail, '/verify-email');
      expect(mail.text).toContain(`${server.url}/verify-email#token=`);

      const verified = await server.api.post('/user/email/verify', { token });
      expect(verified.status, verified.text).toBe(204);
      const tokens = await signIn(server.api, account);
      expect((await me(tokens.accessToken)).body.emailVerified).toBe(true);

      expectError(await server.api.post('/user/email/verify', { token }), 400, 400610);
      expectError(await server.api.post('/user/email/verify', { token: 'not-a-real-token' }), 400, 400610);
    });

    it('sends a new link on request; the earlier one stops working', async () => {
      const account = await signUpAndSignIn(server.api);
      const firstToken = linkToken(await server.mailbox.next(account.email, 0), '/verify-email');

      const resend = await server.api.post('/user/me/email/verification', undefined, { token: account.accessToken });
      expect(resend.status, resend.text).toBe(202);
      const secondToken = linkToken(await server.mailbox.next(account.email, 1), '/verify-email');
      expect(secondToken).not.toBe(firstToken);

      expectError(await server.api.post('/user/email/verify', { token: firstToken }), 400, 400610);
      expect((await server.api.post('/user/email/verify', { token: secondToken })).status).toBe(204);
      expect((await me(account.accessToken)).body.emailVerified).toBe(true);

      // Once verified, asking again sends nothing.
      const after = await server.api.post('/user/me/email/verification', undefined, { token: account.accessToken });
      expect(after.status).toBe(202);
      await mailSettled();
      expect(server.mailbox.for(account.email)).toHaveLength(2);
    });
  });
});
