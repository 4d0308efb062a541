import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  expectError,
  signIn,
  signUpAndSignIn,
  signUpOrganization,
  strongPassword,
  uniqueEmail,
} from '../support/fixtures.js';
import type { ApiResponse } from '../support/http-client.js';
import { linkToken, linkTokens, type ReceivedMail } from '../support/mailbox.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MINUTE = 60;

describe('account recovery', () => {
  let server: TestServer;
  let offsetMs = 0;
  const advance = (seconds: number) => {
    offsetMs += seconds * 1000;
  };
  beforeAll(async () => {
    server = await startTestServer({ clock: () => Date.now() + offsetMs });
  });
  afterAll(() => server.close());

  const passwordGrant = (email: string, password: string, realm?: string) =>
    server.api.post('/oauth2/token', { grantType: 'password', email, password, ...(realm ? { realm } : {}) });
  const requestReset = (email: string, realm?: string) =>
    server.api.post('/user/password/reset', { email, ...(realm ? { realm } : {}) });
  const completeReset = (token: string, password: string) =>
    server.api.post('/user/password/reset/complete', { token, password });

  /** Waits until every mail under way has been delivered, so that an absent mail is really absent. */
  async function mailSettled() {
    await server.gatehouse.background.drain();
    await server.gatehouse.mailer.deliverDue();
    await server.gatehouse.mailer.deliverDue();
  }

  /** The next mail with `subject` to `email` among those after the first `already`. */
  async function mailWithSubject(email: string, subject: string, already: number): Promise<ReceivedMail> {
    for (let index = already; ; index++) {
      const mail = await server.mailbox.next(email, index);
      if (mail.subject === subject) return mail;
    }
  }

  /** Signs up an organization and waits for its verification mail, so later mails are counted from there. */
  async function signUp(overrides: Parameters<typeof signUpOrganization>[1] = {}): Promise<Account> {
    const email = overrides.email ?? uniqueEmail('user');
    const already = server.mailbox.for(email).length;
    const account = await signUpOrganization(server.api, { ...overrides, email });
    await mailWithSubject(email, 'Confirm your email address', already);
    return account;
  }

  /** Requests a reset and returns its mail. */
  async function resetMail(email: string, realm?: string): Promise<ReceivedMail> {
    const already = server.mailbox.for(email).length;
    const response = await requestReset(email, realm);
    expect(response.status, response.text).toBe(202);
    return mailWithSubject(email, 'Reset your password', already);
  }

  /** What a caller can compare between two answers. */
  const comparable = (response: ApiResponse) => ({
    status: response.status,
    text: response.text,
    contentType: response.headers.get('content-type'),
    contentLength: response.headers.get('content-length'),
  });

  describe('forgot password', () => {
    it('mails a link that sets a new password once, ends every session and proves the address', async () => {
      const account = await signUp();
      const session = await signIn(server.api, account);
      const mail = await resetMail(account.email);
      expect(mail.text).toContain(`${server.url}/reset-password#token=`);
      expect(mail.text).toContain('60 minutes');
      expect(linkTokens(mail, '/reset-password')).toHaveLength(1);
      const token = linkToken(mail, '/reset-password');

      const newPassword = strongPassword();
      const done = await completeReset(token, newPassword);
      expect(done.status, done.text).toBe(204);
      expectError(await completeReset(token, strongPassword()), 400, 400610);

      expectError(await passwordGrant(account.email, account.password), 401, 401300);
      const tokens = await signIn(server.api, { email: account.email, password: newPassword });
      expectError(await server.api.get('/user/me', { token: session.accessToken }), 401, 401701);
      expectError(
        await server.api.post('/oauth2/token', { grantType: 'refresh_token', refreshToken: session.refreshToken }),
        400,
        400602,
      );
      const profile = await server.api.get('/user/me', { token: tokens.accessToken });
      expect(profile.body.emailVerified).toBe(true);
    });

    it('keeps the link when the new password is rejected', async () => {
      const account = await signUp();
      const token = linkToken(await resetMail(account.email), '/reset-password');

      const common = await completeReset(token, 'password1234');
      expectError(common, 400, 400200);
      expect(common.body.errorFields).toEqual([expect.objectContaining({ name: 'password', errorCode: 400205 })]);
      const short = await completeReset(token, 'Xk3-short!9');
      expectError(short, 400, 400200);
      expect(short.body.errorFields).toEqual([expect.objectContaining({ name: 'password', errorCode: 400206 })]);
      await signIn(server.api, account);

      const newPassword = strongPassword();
      expect((await completeReset(token, newPassword)).status).toBe(204);
      await signIn(server.api, { email: account.email, password: newPassword });
    });

    it('refuses a link after 60 minutes', async () => {
      const account = await signUp();
      const fresh = linkToken(await resetMail(account.email), '/reset-password');
      advance(59 * MINUTE);
      const newPassword = strongPassword();
      expect((await completeReset(fresh, newPassword)).status).toBe(204);

      const stale = linkToken(await resetMail(account.email), '/reset-password');
      advance(60 * MINUTE + 1);
      expectError(await completeReset(stale, strongPassword()), 400, 400610);
      await signIn(server.api, { email: account.email, password: newPassword });
    });

    it('replaces the previous link with a new request', async () => {
      const account = await signUp();
      const first = linkToken(await resetMail(account.email), '/reset-password');
      const second = linkToken(await resetMail(account.email), '/reset-password');
      expectError(await completeReset(first, strongPassword()), 400, 400610);
      expect((await completeReset(second, strongPassword())).status).toBe(204);
    });

    it('refuses a token it never issued', async () => {
      expectError(await completeReset('bm90LWEtcmVhbC10b2tlbg', strongPassword()), 400, 400610);
    });

    it('unlocks a locked sign-in (15 minutes by default)', async () => {
      const account = await signUp();
      for (let attempt = 0; attempt < 4; attempt++) {
        expectError(await passwordGrant(account.email, strongPassword()), 401, 401300);
      }
      const locked = await passwordGrant(account.email, strongPassword());
      expectError(locked, 401, 401430);
      expect(locked.headers.get('retry-after')).toBe('900');
      expect(locked.body.message).toContain('Wait 15 minutes');
      expectError(await passwordGrant(account.email, account.password), 401, 401430);

      const token = linkToken(await resetMail(account.email), '/reset-password');
      const newPassword = strongPassword();
      expect((await completeReset(token, newPassword)).status).toBe(204);
      expect((await signIn(server.api, { email: account.email, password: newPassword })).userId).toBe(account.userId);
    });

    it('mails one link per organization, or only the one of `realm`', async () => {
      const email = uniqueEmail('twice');
      const first = await signUp({ email });
      const second = await signUp({ email });

      const already = server.mailbox.for(email).length;
      const mail = await resetMail(email);
      await mailSettled();
      expect(server.mailbox.for(email)).toHaveLength(already + 1);
      expect(linkTokens(mail, '/reset-password')).toHaveLength(2);
      // Each organization's paragraph is followed by its own link.
      const sections = mail.text.split(/Organization /).slice(1);
      const tokenOf = (realm: string) => {
        const section = sections.find((text) => text.includes(`(orgId ${realm})`));
        expect(section, mail.text).toBeDefined();
        return linkToken({ ...mail, text: section as string }, '/reset-password');
      };
      const firstToken = tokenOf(first.realm);
      const secondToken = tokenOf(second.realm);
      expect(firstToken).not.toBe(secondToken);

      const firstPassword = strongPassword();
      expect((await completeReset(firstToken, firstPassword)).status).toBe(204);
      expect((await signIn(server.api, { email, password: firstPassword, realm: first.realm })).userId).toBe(
        first.userId,
      );
      expect((await signIn(server.api, { email, password: second.password, realm: second.realm })).userId).toBe(
        second.userId,
      );

      const only = await resetMail(email, second.realm);
      expect(linkTokens(only, '/reset-password')).toHaveLength(1);
      expect(only.text).not.toContain(first.realm);
      const secondPassword = strongPassword();
      expect((await completeReset(linkToken(only, '/reset-password'), secondPassword)).status).toBe(204);
      expect((await signIn(server.api, { email, password: secondPassword, realm: second.realm })).userId).toBe(
        second.userId,
      );
      expect((await signIn(server.api, { email, password: firstPassword, realm: first.realm })).userId).toBe(
        first.userId,
      );
    });
  });

  describe('forgot orgId', () => {
    it('mails the orgIds of every account of the address', async () => {
      const email = uniqueEmail('twice');
      const first = await signUp({ email });
      const second = await signUp({ email });
      const already = server.mailbox.for(email).length;
      const response = await server.api.post('/user/orgid/recovery', { email: email.toUpperCase() });
      expect(response.status, response.text).toBe(202);
      const mail = await mailWithSubject(email, 'Your organization IDs', already);
      expect(mail.text).toContain(`orgId ${first.realm}`);
      expect(mail.text).toContain(`orgId ${second.realm}`);
      expect(mail.text).toContain(`${server.url}/sign-in`);
    });
  });

  describe('no enumeration', () => {
    it('answers reset, orgId recovery and invitation renewal the same for known and unknown addresses', async () => {
      const known = await signUp();
      const admin = await signUpAndSignIn(server.api);
      const invited = uniqueEmail('invited');
      const invite = await server.api.post(
        `/authorization/v1.1/realms/${admin.realm}/invites`,
        { emailAddress: invited },
        { token: admin.accessToken },
      );
      expect(invite.status, invite.text).toBe(201);
      const oldInviteToken = linkToken(await server.mailbox.next(invited, 0), '/accept-invitation');

      const unknown = uniqueEmail('nobody');
      const requests: [string, string, string][] = [
        ['/user/password/reset', known.email, 'Reset your password'],
        ['/user/orgid/recovery', known.email, 'Your organization IDs'],
        ['/user/invites/renewal', invited, `You are invited to ${admin.realm}`],
      ];
      for (const [path, address, subject] of requests) {
        const already = server.mailbox.for(address).length;
        const forKnown = await server.api.post(path, { email: address });
        const forUnknown = await server.api.post(path, { email: unknown });
        expect(forKnown.status, `${path} ${forKnown.text}`).toBe(202);
        expect(comparable(forUnknown)).toEqual(comparable(forKnown));
        expect((await mailWithSubject(address, subject, already)).subject).toBe(subject);
      }
      // A known address with an orgId where it has no account is treated like an unknown one.
      const elsewhere = await server.api.post('/user/password/reset', { email: known.email, realm: admin.realm });
      expect(elsewhere.status).toBe(202);
      const knownMails = server.mailbox.for(known.email).length;

      await mailSettled();
      expect(server.mailbox.for(unknown)).toHaveLength(0);
      expect(server.mailbox.for(known.email)).toHaveLength(knownMails);

      // The renewed invitation replaced the old link.
      const renewed = server.mailbox.for(invited).at(-1) as ReceivedMail;
      const newInviteToken = linkToken(renewed, '/accept-invitation');
      expect(newInviteToken).not.toBe(oldInviteToken);
      expectError(await server.api.post('/user/invites/preview', { token: oldInviteToken }), 400, 400610);
      const preview = await server.api.post('/user/invites/preview', { token: newInviteToken });
      expect(preview.status, preview.text).toBe(200);
      expect(preview.body).toMatchObject({ emailAddress: invited, realm: admin.realm });
    });

    it('answers a reset request for a locked unknown address like for a locked known one', async () => {
      const known = await signUp();
      const unknown = uniqueEmail('nobody');
      for (let attempt = 0; attempt < 5; attempt++) {
        await passwordGrant(known.email, strongPassword());
        await passwordGrant(unknown, strongPassword());
      }
      const forKnown = await requestReset(known.email);
      const forUnknown = await requestReset(unknown);
      expect(forKnown.status).toBe(202);
      expect(comparable(forUnknown)).toEqual(comparable(forKnown));
      await mailSettled();
      expect(server.mailbox.for(unknown)).toHaveLength(0);
      // The unknown address stays locked: a reset request alone unlocks nothing.
      expectError(await passwordGrant(unknown, strongPassword()), 401, 401430);
    });
  });
});
