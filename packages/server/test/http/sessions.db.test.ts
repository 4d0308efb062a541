import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signIn, signUpAndSignIn, signUpOrganization } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('sessions: refresh tokens and sign-out', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const refresh = (refreshToken: string, extra: Record<string, unknown> = {}) =>
    server.api.post('/oauth2/token', { grantType: 'refresh_token', refreshToken, ...extra });
  const me = (accessToken: string) => server.api.get('/user/me', { token: accessToken });

  describe('refresh_token grant', () => {
    it('rotates: each refresh gives new tokens and the used refresh token stops working', async () => {
      const account = await signUpAndSignIn(server.api);
      const first = await refresh(account.refreshToken);
      expect(first.status, first.text).toBe(200);
      expect(Object.keys(first.body).sort()).toEqual([
        'accessToken',
        'expiresIn',
        'refreshToken',
        'tokenType',
        'userId',
      ]);
      expect(first.body).toMatchObject({ tokenType: 'bearer', expiresIn: 3600, userId: account.userId });
      expect(first.body.refreshToken).not.toBe(account.refreshToken);
      expect(first.body.accessToken).not.toBe(account.accessToken);
      expect((await me(first.body.accessToken)).status).toBe(200);

      const second = await refresh(first.body.refreshToken, { expiresIn: 300 });
      expect(second.status, second.text).toBe(200);
      expect(second.body.expiresIn).toBe(300);
      expect((await me(second.body.accessToken)).status).toBe(200);
      // Access tokens of the session issued before stay valid while the session lives.
      expect((await me(account.accessToken)).status).toBe(200);
    });

    it('ends the whole session when a used refresh token comes back', async () => {
      const account = await signUpAndSignIn(server.api);
      const other = await signIn(server.api, account);
      const rotated = await refresh(account.refreshToken);
      expect(rotated.status, rotated.text).toBe(200);

      const replay = await refresh(account.refreshToken);
      expectError(replay, 400, 400602);
      expect(replay.body.error).toBe('invalid_grant');

      expectError(await refresh(rotated.body.refreshToken), 400, 400602);
      for (const token of [account.accessToken, rotated.body.accessToken]) {
        const answer = await me(token);
        expectError(answer, 401, 401701);
      }
      // The user's other session is not touched.
      expect((await me(other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it('lets exactly one of several parallel refreshes with one token through, and then ends the session', async () => {
      const account = await signUpAndSignIn(server.api);
      const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(account.refreshToken)));
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
        expectError(answer, 400, 400602);
      }
      const winner = winners[0]?.body as { accessToken: string; refreshToken: string };
      expectError(await refresh(winner.refreshToken), 400, 400602);
      expectError(await me(winner.accessToken), 401, 401701);
    });

    it('answers a form refresh in snake_case', async () => {
      const account = await signUpAndSignIn(server.api);
      const response = await server.api.post('/oauth2/token', undefined, {
        form: { grant_type: 'refresh_token', refresh_token: account.refreshToken },
      });
      expect(response.status, response.text).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
        'user_id',
      ]);
      expect(response.body.user_id).toBe(account.userId);
      expect((await refresh(response.body.refresh_token)).status).toBe(200);
    });

    it('refuses a refresh token it never issued', async () => {
      const response = await refresh('c29tZXRoaW5nLW1hZGUtdXA');
      expectError(response, 400, 400602);
      expect(response.body).toMatchObject({
        error: 'invalid_grant',
        error_description: "errorCode: '400602'. Invalid refreshToken.",
      });
    });

    it('accepts the C++ SDK refresh that sends the previous access token along', async () => {
      const account = await signUpAndSignIn(server.api);
      const response = await refresh(account.refreshToken, { accessToken: account.accessToken });
      expect(response.status, response.text).toBe(200);
      expect(response.body.userId).toBe(account.userId);
      expect((await me(response.body.accessToken)).status).toBe(200);
    });

    it('refuses the C++ SDK refresh with a bogus or foreign access token (401, 400601)', async () => {
      const account = await signUpAndSignIn(server.api);
      const stranger = await signUpAndSignIn(server.api);
      for (const accessToken of ['bogus', `${account.accessToken.slice(0, -4)}AAAA`, stranger.accessToken]) {
        const session = await signIn(server.api, account);
        const response = await refresh(session.refreshToken, { accessToken });
        expectError(response, 401, 400601);
        expect(response.body).toMatchObject({
          message: 'Invalid accessToken.',
          error: 'invalid_request',
          error_description: "errorCode: '400601'. Invalid accessToken.",
        });
      }
    });
  });

  describe('POST /logout', () => {
    it('ends the session of the token used, and only that one', async () => {
      const account = await signUpAndSignIn(server.api);
      const other = await signIn(server.api, account);
      const rotated = await refresh(account.refreshToken);
      expect(rotated.status).toBe(200);

      const logout = await server.api.post('/logout', undefined, { token: rotated.body.accessToken });
      expect(logout.status, logout.text).toBe(204);
      expect(logout.text).toBe('');

      expectError(await me(rotated.body.accessToken), 401, 401701);
      expectError(await me(account.accessToken), 401, 401701);
      expectError(await refresh(rotated.body.refreshToken), 400, 400602);
      expectError(await server.api.post('/logout', undefined, { token: rotated.body.accessToken }), 401, 401701);

      expect((await me(other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it('needs a token', async () => {
      expectError(await server.api.post('/logout'), 401, 401200);
    });

    it('is followed by a normal sign-in', async () => {
      const account = await signUpOrganization(server.api);
      const session = await signIn(server.api, account);
      expect((await server.api.post('/logout', undefined, { token: session.accessToken })).status).toBe(204);
      const again = await signIn(server.api, account);
      expect((await me(again.accessToken)).status).toBe(200);
    });
  });
});
