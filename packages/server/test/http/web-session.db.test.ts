import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signUpOrganization } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Cookies set by an answer, by name, with their attributes. */
function setCookies(response: { headers: Headers }) {
  const cookies = new Map<string, { value: string; attributes: string }>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';');
    const equals = pair.indexOf('=');
    cookies.set(pair.slice(0, equals).trim(), { value: pair.slice(equals + 1), attributes: attributes.join(';') });
  }
  return cookies;
}

const cookieHeader = (cookies: Map<string, { value: string }>) =>
  [...cookies].map(([name, { value }]) => `${name}=${value}`).join('; ');

describe('browser sessions of the web console', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function startSession() {
    const account = await signUpOrganization(server.api);
    const response = await server.api.post('/web/session', { email: account.email, password: account.password });
    expect(response.status, response.text).toBe(200);
    return { account, response, cookies: setCookies(response) };
  }

  it('signs in with cookies only: HttpOnly, Secure, SameSite=Strict tokens, a readable CSRF token, no token in the body', async () => {
    const { account, response, cookies } = await startSession();
    expect(response.body).toEqual({ userId: account.userId, realm: account.realm, expiresIn: 3600 });
    expect(response.text).not.toMatch(/eyJ/);
    const session = cookies.get('gh_session');
    const refresh = cookies.get('gh_refresh');
    const csrf = cookies.get('gh_csrf');
    expect(session?.value).toMatch(/^eyJ/);
    expect(session?.attributes).toMatch(/HttpOnly/);
    expect(session?.attributes).toMatch(/Secure/);
    expect(session?.attributes).toMatch(/SameSite=Strict/);
    expect(refresh?.attributes).toMatch(/HttpOnly/);
    expect(refresh?.attributes).toMatch(/Path=\/web\/session/);
    expect(csrf?.attributes).not.toMatch(/HttpOnly/);
    expect(csrf?.attributes).toMatch(/Secure/);
  });

  it('authenticates the public APIs with the cookie only together with the matching X-CSRF-Token', async () => {
    const { account, cookies } = await startSession();
    const headers = { Cookie: cookieHeader(cookies) };
    const csrf = cookies.get('gh_csrf')?.value ?? '';

    const ok = await server.api.get('/user/me', { headers: { ...headers, 'X-CSRF-Token': csrf } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.userId).toBe(account.userId);

    expectError(await server.api.get('/user/me', { headers }), 403, 403120);
    expectError(await server.api.get('/user/me', { headers: { ...headers, 'X-CSRF-Token': `${csrf}x` } }), 403, 403120);
    const changed = await server.api.patch('/user/me', { firstname: 'Grace' }, { headers });
    expectError(changed, 403, 403120);
    expect((await server.api.get('/user/me', { headers: { ...headers, 'X-CSRF-Token': csrf } })).body.firstname).toBe(
      'Ada',
    );
  });

  it('rotates the cookies on refresh; a replayed refresh cookie ends the session', async () => {
    const { cookies } = await startSession();
    const csrf = cookies.get('gh_csrf')?.value ?? '';
    expectError(
      await server.api.post('/web/session/refresh', undefined, { headers: { Cookie: cookieHeader(cookies) } }),
      403,
      403120,
    );

    const refreshed = await server.api.post('/web/session/refresh', undefined, {
      headers: { Cookie: cookieHeader(cookies), 'X-CSRF-Token': csrf },
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    const next = setCookies(refreshed);
    expect(next.get('gh_session')?.value).not.toBe(cookies.get('gh_session')?.value);
    const nextHeaders = { Cookie: cookieHeader(next), 'X-CSRF-Token': next.get('gh_csrf')?.value ?? '' };
    expect((await server.api.get('/user/me', { headers: nextHeaders })).status).toBe(200);

    const replay = await server.api.post('/web/session/refresh', undefined, {
      headers: { Cookie: cookieHeader(cookies), 'X-CSRF-Token': csrf },
    });
    expectError(replay, 400, 400602);
    expectError(await server.api.get('/user/me', { headers: nextHeaders }), 401, 401701);
  });

  it('signs out: the session ends and the cookies are cleared', async () => {
    const { cookies } = await startSession();
    const headers = { Cookie: cookieHeader(cookies), 'X-CSRF-Token': cookies.get('gh_csrf')?.value ?? '' };
    const out = await server.api.delete('/web/session', { headers });
    expect(out.status, out.text).toBe(204);
    const cleared = setCookies(out);
    for (const name of ['gh_session', 'gh_refresh', 'gh_csrf']) {
      expect(cleared.get(name)?.value).toBe('');
      expect(cleared.get(name)?.attributes).toMatch(/Max-Age=0/);
    }
    expectError(await server.api.get('/user/me', { headers }), 401, 401701);
  });

  it('shares the lockout and the answers of the password grant', async () => {
    const account = await signUpOrganization(server.api);
    const wrong = await server.api.post('/web/session', { email: account.email, password: 'not the password at all' });
    expectError(wrong, 401, 401300);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    for (let attempt = 2; attempt <= 5; attempt++) {
      await server.api.post('/web/session', { email: account.email, password: 'not the password at all' });
    }
    expectError(
      await server.api.post('/web/session', { email: account.email, password: account.password }),
      401,
      401430,
    );
  });
});
