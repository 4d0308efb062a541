import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectError,
  signIn,
  signUpOrganization,
  strongPassword,
  uniqueEmail,
  uniqueRealm,
} from '../support/fixtures.js';
import type { ApiResponse } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A short lock, so that its end can be reached by moving the server's clock. */
const LOCK_SECONDS = 120;

/** An error answer without what differs on every request: what a caller can compare between two answers. */
function comparable(response: ApiResponse) {
  const { errorId, correlationId, ...body } = response.body as Record<string, unknown>;
  expect(errorId).toEqual(expect.any(String));
  expect(correlationId).toEqual(expect.any(String));
  return {
    status: response.status,
    body,
    retryAfter: response.headers.get('retry-after'),
    wwwAuthenticate: response.headers.get('www-authenticate'),
    contentType: response.headers.get('content-type'),
  };
}

describe('sign-in with POST /oauth2/token', () => {
  let server: TestServer;
  let offsetMs = 0;
  const advance = (seconds: number) => {
    offsetMs += seconds * 1000;
  };
  beforeAll(async () => {
    server = await startTestServer({
      config: { lockoutDurationSeconds: LOCK_SECONDS },
      clock: () => Date.now() + offsetMs,
    });
  });
  afterAll(() => server.close());

  const passwordGrant = (email: string, password: string, realm?: string) =>
    server.api.post('/oauth2/token', { grantType: 'password', email, password, ...(realm ? { realm } : {}) });

  describe('password grant', () => {
    it('answers a JSON request in camelCase with a working access token', async () => {
      const account = await signUpOrganization(server.api);
      const response = await passwordGrant(account.email, account.password);
      expect(response.status, response.text).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([
        'accessToken',
        'expiresIn',
        'refreshToken',
        'tokenType',
        'userId',
      ]);
      expect(response.body).toMatchObject({ tokenType: 'bearer', expiresIn: 3600, userId: account.userId });
      expect(response.headers.get('cache-control')).toBe('no-store');
      const me = await server.api.get('/user/me', { token: response.body.accessToken });
      expect(me.status, me.text).toBe(200);
      expect(me.body.userId).toBe(account.userId);
    });

    it('answers a form request in snake_case', async () => {
      const account = await signUpOrganization(server.api);
      const response = await server.api.post('/oauth2/token', undefined, {
        form: { grant_type: 'password', email: account.email, password: account.password, realm: account.realm },
      });
      expect(response.status, response.text).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
        'user_id',
      ]);
      expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user_id: account.userId });
      const me = await server.api.get('/user/me', { token: response.body.access_token });
      expect(me.status, me.text).toBe(200);
    });

    it('gives shorter lifetimes on request and caps longer ones', async () => {
      const account = await signUpOrganization(server.api);
      const asked = async (expiresIn: number) => {
        const response = await server.api.post('/oauth2/token', {
          grantType: 'password',
          email: account.email,
          password: account.password,
          expiresIn,
        });
        expect(response.status, response.text).toBe(200);
        return response.body.expiresIn;
      };
      expect(await asked(600)).toBe(600);
      expect(await asked(0)).toBe(3600);
      expect(await asked(90_000)).toBe(3600);
    });

    it('accepts the email address in any letter case', async () => {
      const account = await signUpOrganization(server.api);
      const tokens = await signIn(server.api, { email: account.email.toUpperCase(), password: account.password });
      expect(tokens.userId).toBe(account.userId);
    });

    it('takes the orgId in any letter case, as organizations are unique in any case', async () => {
      const account = await signUpOrganization(server.api, { realm: uniqueRealm('MixedCase') });
      for (const realm of [account.realm, account.realm.toLowerCase(), account.realm.toUpperCase()]) {
        expect((await signIn(server.api, { ...account, realm })).userId).toBe(account.userId);
      }
    });

    it('answers a wrong password, an unknown email and a wrong orgId identically', async () => {
      const account = await signUpOrganization(server.api);
      const other = await signUpOrganization(server.api);
      const answers = [
        await passwordGrant(account.email, strongPassword()),
        await passwordGrant(uniqueEmail('nobody'), account.password),
        await passwordGrant(account.email, account.password, other.realm),
        await passwordGrant(account.email, account.password, uniqueRealm('missing')),
        await passwordGrant(uniqueEmail('nobody'), strongPassword(), account.realm),
      ];
      for (const answer of answers) {
        expectError(answer, 401, 401300);
        expect(answer.body).toMatchObject({ error: 'invalid_grant' });
        expect(answer.text).not.toContain(account.email);
        expect(answer.text).not.toContain(account.realm);
      }
      const first = comparable(answers[0] as ApiResponse);
      for (const answer of answers.slice(1)) expect(comparable(answer)).toEqual(first);
      expect(new Set(answers.map((answer) => answer.body.errorId)).size).toBe(answers.length);
    });

    it('rejects an unknown grant type with HERE field codes', async () => {
      const response = await server.api.post('/oauth2/token', { grantType: 'magic', email: 'a@example.com' });
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([expect.objectContaining({ name: 'grantType', errorCode: 400290 })]);
    });
  });

  describe('an email address with accounts in two organizations', () => {
    it('asks for the orgId without naming any organization, and signs in with it', async () => {
      const email = uniqueEmail('twice');
      const password = strongPassword();
      const first = await signUpOrganization(server.api, { email, password });
      const second = await signUpOrganization(server.api, { email, password });
      expect(second.userId).not.toBe(first.userId);

      const ambiguous = await passwordGrant(email, password);
      expectError(ambiguous, 400, 400256);
      expect(ambiguous.body.message).toMatch(/orgId/);
      expect(ambiguous.body.error).toBe('invalid_request');
      for (const realm of [first.realm, second.realm]) {
        expect(ambiguous.text.toLowerCase()).not.toContain(realm.toLowerCase());
      }
      expect(ambiguous.text).not.toContain(first.userId);
      expect(ambiguous.text).not.toContain(second.userId);

      expect((await signIn(server.api, { email, password, realm: first.realm })).userId).toBe(first.userId);
      expect((await signIn(server.api, { email, password, realm: second.realm })).userId).toBe(second.userId);
      const form = await server.api.post('/oauth2/token', undefined, {
        form: { grant_type: 'password', email, password, realm: second.realm },
      });
      expect(form.status, form.text).toBe(200);
      expect(form.body.user_id).toBe(second.userId);
    });

    it('signs in where the password is right when only one account has it', async () => {
      const email = uniqueEmail('twice');
      const first = await signUpOrganization(server.api, { email });
      const second = await signUpOrganization(server.api, { email });
      expect((await signIn(server.api, { email, password: first.password })).userId).toBe(first.userId);
      expect((await signIn(server.api, { email, password: second.password })).userId).toBe(second.userId);
      expectError(await passwordGrant(email, first.password, second.realm), 401, 401300);
      expectError(await passwordGrant(email, strongPassword()), 401, 401300);
    });
  });

  describe('lockout', () => {
    it('locks after five invalid attempts, says so, and refuses even the right password', async () => {
      const account = await signUpOrganization(server.api);
      for (let attempt = 1; attempt <= 4; attempt++) {
        expectError(await passwordGrant(account.email, strongPassword()), 401, 401300);
      }
      const fifth = await passwordGrant(account.email, strongPassword());
      expectError(fifth, 401, 401430);
      expect(fifth.headers.get('retry-after')).toBe(String(LOCK_SECONDS));
      expect(fifth.body.message).toContain('locked');
      expect(fifth.body.message).toContain(`Wait ${LOCK_SECONDS / 60} minutes`);
      expect(fifth.body.error).toBe('invalid_grant');

      const sixth = await passwordGrant(account.email, account.password);
      expectError(sixth, 401, 401430);
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(LOCK_SECONDS);
      // The lock is per email address, not per organization.
      expectError(await passwordGrant(account.email, account.password, account.realm), 401, 401430);
    });

    it('locks an unknown email address the same way, with the same answers', async () => {
      const account = await signUpOrganization(server.api);
      const unknown = uniqueEmail('nobody');
      for (let attempt = 1; attempt <= 6; attempt++) {
        const known = await passwordGrant(account.email, strongPassword());
        const stranger = await passwordGrant(unknown, strongPassword());
        expectError(known, 401, attempt < 5 ? 401300 : 401430);
        expect(comparable(stranger)).toEqual(comparable(known));
      }
    });

    it('counts attempts per email address whatever its letter case', async () => {
      const account = await signUpOrganization(server.api);
      for (let attempt = 0; attempt < 4; attempt++) {
        const email = attempt % 2 === 0 ? account.email : account.email.toUpperCase();
        expectError(await passwordGrant(email, strongPassword()), 401, 401300);
      }
      expectError(await passwordGrant(account.email.toUpperCase(), strongPassword()), 401, 401430);
      expectError(await passwordGrant(account.email, account.password), 401, 401430);
    });

    it('starts counting again after a successful sign-in', async () => {
      const account = await signUpOrganization(server.api);
      for (let attempt = 0; attempt < 4; attempt++) {
        expectError(await passwordGrant(account.email, strongPassword()), 401, 401300);
      }
      await signIn(server.api, account);
      for (let attempt = 0; attempt < 4; attempt++) {
        expectError(await passwordGrant(account.email, strongPassword()), 401, 401300);
      }
      await signIn(server.api, account);
    });

    it('lets none of 50 parallel wrong attempts slip past the fifth', async () => {
      const account = await signUpOrganization(server.api);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => passwordGrant(account.email, strongPassword())),
      );
      const codes = answers.map((answer) => answer.body?.errorCode);
      expect(codes.filter((code) => code === 401300)).toHaveLength(4);
      expect(codes.filter((code) => code === 401430)).toHaveLength(46);
      for (const answer of answers) expect(answer.status).toBe(401);
      expectError(await passwordGrant(account.email, account.password), 401, 401430);
    });

    it('lets the right password in again once lockoutDurationSeconds have passed', async () => {
      const account = await signUpOrganization(server.api);
      for (let attempt = 0; attempt < 5; attempt++) await passwordGrant(account.email, strongPassword());
      expectError(await passwordGrant(account.email, account.password), 401, 401430);

      advance(LOCK_SECONDS - 5);
      const almost = await passwordGrant(account.email, account.password);
      expectError(almost, 401, 401430);
      expect(Number(almost.headers.get('retry-after'))).toBeLessThanOrEqual(5);

      advance(6);
      expect((await signIn(server.api, account)).userId).toBe(account.userId);
      // A new period: four more wrong attempts are only wrong.
      for (let attempt = 0; attempt < 4; attempt++) {
        expectError(await passwordGrant(account.email, strongPassword()), 401, 401300);
      }
    });

    it('ends the lock of an unknown email address after the same time', async () => {
      const unknown = uniqueEmail('nobody');
      for (let attempt = 0; attempt < 5; attempt++) await passwordGrant(unknown, strongPassword());
      expectError(await passwordGrant(unknown, strongPassword()), 401, 401430);
      advance(LOCK_SECONDS + 1);
      expectError(await passwordGrant(unknown, strongPassword()), 401, 401300);
    });
  });
});
