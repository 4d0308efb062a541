import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppView,
  AUTHN,
  acceptedInvitation,
  appMe,
  appPath,
  appToken,
  appWithToken,
  basicAuthorization,
  createAccessKey,
  createApp,
} from '../support/apps.js';
import {
  expectError,
  type SignedIn,
  signIn,
  signUpAndSignIn,
  signUpOrganization,
  strongPassword,
} from '../support/fixtures.js';
import { linkToken } from '../support/mailbox.js';
import { runSql } from '../support/raw-sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Bearer tokens are checked once and their principal cached: every write that ends a token must still end it on
 * the very next request. Each test first uses the token twice (so its principal is cached), then makes the write.
 */
describe('cached principals of bearer tokens', () => {
  let server: TestServer;
  let admin: SignedIn;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  const me = (accessToken: string) => server.api.get('/user/me', { token: accessToken });
  const refresh = (refreshToken: string) =>
    server.api.post('/oauth2/token', { grantType: 'refresh_token', refreshToken });

  async function warmUser(accessToken: string) {
    for (let use = 0; use < 2; use++) expect((await me(accessToken)).status).toBe(200);
  }
  async function warmApp(token: string) {
    for (let use = 0; use < 2; use++) expect((await appMe(server.api, { token })).status).toBe(200);
  }

  it('answers a token from the cache: a session ended behind the repositories is noticed at the next write', async () => {
    const member = await signUpOrganization(server.api);
    const session = await signIn(server.api, member);
    await warmUser(session.accessToken);
    // Raw SQL bumps no version: the cached principal is still used, which shows the database is not read.
    await runSql(server, () => `UPDATE sessions SET revoked_at = 1 WHERE user_id = '${member.userId}'`);
    expect((await me(session.accessToken)).status).toBe(200);
    // Any write of the organization through the repositories makes its cached principals stale.
    const other = await signIn(server.api, member);
    expect((await server.api.post('/logout', undefined, { token: other.accessToken })).status).toBe(204);
    expectError(await me(session.accessToken), 401, 401701);
  });

  it('revocation of an access token (RFC 7009)', async () => {
    const { key, token } = await appWithToken(server.api, admin.accessToken);
    const sibling = await appToken(server.api, key);
    await warmApp(token);
    await warmApp(sibling.accessToken);
    const revoked = await server.api.post('/oauth2/revoke', undefined, {
      form: { token },
      headers: { Authorization: basicAuthorization(key.accessKeyId, key.accessKeySecret) },
    });
    expect(revoked.status, revoked.text).toBe(200);
    expectError(await appMe(server.api, { token }), 401, 401701);
    expect((await appMe(server.api, { token: sibling.accessToken })).status).toBe(200);
  });

  it('revocation of a refresh token ends the access tokens of its session', async () => {
    const member = await signUpOrganization(server.api);
    const session = await signIn(server.api, member);
    await warmUser(session.accessToken);
    const revoked = await server.api.post(
      '/oauth2/revoke',
      { token: session.refreshToken },
      { token: session.accessToken },
    );
    expect(revoked.status, revoked.text).toBe(200);
    expectError(await me(session.accessToken), 401, 401701);
  });

  it('logout ends every access token of the session', async () => {
    const member = await signUpOrganization(server.api);
    const session = await signIn(server.api, member);
    const rotated = await refresh(session.refreshToken);
    expect(rotated.status).toBe(200);
    await warmUser(session.accessToken);
    await warmUser(rotated.body.accessToken);
    expect((await server.api.post('/logout', undefined, { token: rotated.body.accessToken })).status).toBe(204);
    expectError(await me(session.accessToken), 401, 401701);
    expectError(await me(rotated.body.accessToken), 401, 401701);
  });

  it('a reused refresh token ends its session', async () => {
    const member = await signUpOrganization(server.api);
    const session = await signIn(server.api, member);
    const rotated = await refresh(session.refreshToken);
    expect(rotated.status).toBe(200);
    await warmUser(rotated.body.accessToken);
    expectError(await refresh(session.refreshToken), 400, 400602);
    expectError(await me(rotated.body.accessToken), 401, 401701);
  });

  it('a password change ends the other sessions', async () => {
    const member = await signUpOrganization(server.api);
    const current = await signIn(server.api, member);
    const other = await signIn(server.api, member);
    await warmUser(current.accessToken);
    await warmUser(other.accessToken);
    const changed = await server.api.post(
      '/user/me/password',
      { currentPassword: member.password, newPassword: strongPassword() },
      { token: current.accessToken },
    );
    expect(changed.status, changed.text).toBe(204);
    expectError(await me(other.accessToken), 401, 401701);
    expect((await me(current.accessToken)).status).toBe(200);
  });

  it('a password reset ends every session', async () => {
    const member = await signUpOrganization(server.api);
    const session = await signIn(server.api, member);
    await warmUser(session.accessToken);
    let already = server.mailbox.for(member.email).length;
    expect((await server.api.post('/user/password/reset', { email: member.email })).status).toBe(202);
    let mail = await server.mailbox.next(member.email, already);
    while (mail.subject !== 'Reset your password') mail = await server.mailbox.next(member.email, ++already);
    const reset = await server.api.post('/user/password/reset/complete', {
      token: linkToken(mail, '/reset-password'),
      password: strongPassword(),
    });
    expect(reset.status, reset.text).toBe(204);
    expectError(await me(session.accessToken), 401, 401701);
  });

  it('deactivation by the user ends its tokens', async () => {
    const member = await acceptedInvitation(server, admin);
    const current = await signIn(server.api, member);
    const other = await signIn(server.api, member);
    await warmUser(current.accessToken);
    await warmUser(other.accessToken);
    expect((await server.api.post('/user/me/deactivate', undefined, { token: current.accessToken })).status).toBe(204);
    expectError(await me(current.accessToken), 401, 401500);
    expectError(await me(other.accessToken), 401, 401500);
  });

  it('deactivation by an OrgAdmin ends the member’s tokens, and the OrgAdmin’s go on', async () => {
    const member = await acceptedInvitation(server, admin);
    const session = await signIn(server.api, member);
    await warmUser(session.accessToken);
    await warmUser(admin.accessToken);
    const deactivated = await server.api.post(`${AUTHN}/users/${member.userId}/deactivate`, undefined, {
      token: admin.accessToken,
    });
    expect(deactivated.status, deactivated.text).toBe(204);
    expectError(await me(session.accessToken), 401, 401500);
    expect((await me(admin.accessToken)).status).toBe(200);
  });

  it('deactivation of an app ends its tokens', async () => {
    const { app, token } = await appWithToken(server.api, admin.accessToken);
    await warmApp(token);
    const deactivated = await server.api.post(appPath(app.clientId, '/deactivate'), undefined, {
      token: admin.accessToken,
    });
    expect(deactivated.status, deactivated.text).toBe(204);
    expectError(await appMe(server.api, { token }), 401, 401311);
  });

  it('deletion of an app ends its tokens', async () => {
    const { app, token } = await appWithToken(server.api, admin.accessToken);
    await warmApp(token);
    expect((await server.api.delete(appPath(app.clientId), { token: admin.accessToken })).status).toBe(204);
    expectError(await appMe(server.api, { token }), 401, 404660);
  });

  describe('access keys', () => {
    let app: AppView;
    beforeAll(async () => {
      app = await createApp(server.api, admin.accessToken);
    });

    it('disabling a key ends the tokens it obtained', async () => {
      const key = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const { accessToken } = await appToken(server.api, key);
      await warmApp(accessToken);
      const disabled = await server.api.post(
        appPath(app.clientId, `/accessKeys/${key.accessKeyId}/disable`),
        undefined,
        {
          token: admin.accessToken,
        },
      );
      expect(disabled.status, disabled.text).toBe(204);
      expectError(await appMe(server.api, { token: accessToken }), 401, 401424);
    });

    it('deleting a key ends the tokens it obtained', async () => {
      const key = await createAccessKey(server.api, admin.accessToken, app.clientId);
      const { accessToken } = await appToken(server.api, key);
      await warmApp(accessToken);
      const deleted = await server.api.delete(appPath(app.clientId, `/accessKeys/${key.accessKeyId}`), {
        token: admin.accessToken,
      });
      expect(deleted.status, deleted.text).toBe(204);
      expectError(await appMe(server.api, { token: accessToken }), 401, 401701);
    });
  });

  it('a write in another organization leaves this organization’s tokens working', async () => {
    const otherOrg = await signUpAndSignIn(server.api);
    await warmUser(admin.accessToken);
    const otherSession = await signIn(server.api, otherOrg);
    expect((await server.api.post('/logout', undefined, { token: otherSession.accessToken })).status).toBe(204);
    expectError(await me(otherSession.accessToken), 401, 401701);
    expect((await me(admin.accessToken)).status).toBe(200);
  });
});
