import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, signUpOrganization } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('a new organization', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('signs up, signs in and reads its profile', async () => {
    const account = await signUpOrganization(server.api);
    const tokens = await signIn(server.api, account);
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 3600, userId: account.userId });
    const me = await server.api.get('/user/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      userId: account.userId,
      realm: account.realm,
      email: account.email,
      emailVerified: false,
      state: 'enabled',
      hrn: `hrn:here:account::${account.realm}:user/${account.userId}`,
    });
    expect(me.body).not.toHaveProperty('passwordHash');
    const mail = await server.mailbox.next(account.email, 0);
    expect(mail.subject).toBe('Confirm your email address');
  });
});
