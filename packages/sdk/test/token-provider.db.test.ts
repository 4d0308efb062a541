import { errorCatalogue } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { appPath } from '../../server/test/support/apps.js';
import { freePort, startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { GatehouseClient, GatehouseError, GatehouseNetworkError, TokenProvider } from '../src/index.js';
import { type AppCredentials, appCredentials, countingFetch } from './support.js';

const TOKEN_PATH = '/oauth2/token';

describe('token provider against a real server', () => {
  let server: TestServer;
  let app: AppCredentials;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
  });
  afterAll(() => server.close());

  it('gets a signed token once and serves it from the cache', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({ credentials: app.credentials, fetch: counter.fetch });
    const first = await provider.getToken();
    const second = await provider.getToken();
    expect(second).toEqual(first);
    expect(first.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(counter.count(TOKEN_PATH)).toBe(1);
    const me = await server.api.get('/app/me', { token: first.accessToken });
    expect(me.status, me.text).toBe(200);
    expect(me.body.clientId).toBe(app.appId);
  });

  it('shares one request among concurrent callers (single flight)', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({ credentials: app.credentials, fetch: counter.fetch });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.getToken()));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(counter.count(TOKEN_PATH)).toBe(1);
  });

  it('renews the token before it expires', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({
      credentials: app.credentials,
      fetch: counter.fetch,
      expiresIn: 60,
      refreshMarginSeconds: 59.7,
    });
    const first = await provider.getToken();
    expect(first.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect((await provider.getToken()).accessToken).toBe(first.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const renewed = await provider.getToken();
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(counter.count(TOKEN_PATH)).toBe(2);
  });

  it('a fresh token after invalidate()', async () => {
    const provider = new TokenProvider({ credentials: app.credentials });
    const first = await provider.getToken();
    provider.invalidate();
    expect((await provider.getToken()).accessToken).not.toBe(first.accessToken);
  });

  it('scope: explicit > here.token.scope > app default (server side)', async () => {
    const project = (id: string) => `hrn:here:authorization::${app.admin.realm}:project/${id}`;
    const restricted = await server.api.put(
      appPath(app.appId, '/defaultScope'),
      { scope: project('default-p'), isRestricted: true },
      { token: app.admin.accessToken },
    );
    expect(restricted.status, restricted.text).toBe(200);
    const refusal = async (options: { scope?: string; fileScope?: string }) => {
      const provider = new TokenProvider({
        credentials: { ...app.credentials, ...(options.fileScope ? { scope: options.fileScope } : {}) },
        ...(options.scope ? { scope: options.scope } : {}),
      });
      const error = await provider.getToken().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatehouseError);
      return (error as GatehouseError).errorCode;
    };
    try {
      // The default scope is restricted: another project is refused, the default one is tried (and the app is no
      // member of it), so each answer tells which scope was sent.
      expect(await refusal({ scope: project('flag-p'), fileScope: project('default-p') })).toBe(
        errorCatalogue['scope.restricted'].errorCode,
      );
      expect(await refusal({ scope: project('default-p'), fileScope: project('file-p') })).toBe(
        errorCatalogue['scope.not_member'].errorCode,
      );
      expect(await refusal({ fileScope: project('file-p') })).toBe(errorCatalogue['scope.restricted'].errorCode);
      expect(await refusal({})).toBe(errorCatalogue['scope.not_member'].errorCode);
    } finally {
      const removed = await server.api.delete(appPath(app.appId, '/defaultScope'), { token: app.admin.accessToken });
      expect(removed.status).toBe(204);
    }
  });

  it('wrong secret: 401 with HERE error fields, not retried', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({
      credentials: { ...app.credentials, accessKeySecret: 'wrong' },
      fetch: counter.fetch,
    });
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({
      httpStatus: 401,
      errorCode: expect.any(Number),
      errorId: expect.stringMatching(/^ERROR-/),
    });
    expect(counter.count(TOKEN_PATH)).toBe(1);
  });

  it('an unreachable server: network error after the retries', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({
      credentials: { ...app.credentials, tokenEndpointUrl: `http://127.0.0.1:${await freePort()}/oauth2/token` },
      fetch: counter.fetch,
      retry: { maxAttempts: 3, baseDelayMs: 5 },
    });
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(counter.count(TOKEN_PATH)).toBe(3);
  });
});

describe('clock re-sync', () => {
  let server: TestServer;
  let app: AppCredentials;
  const SKEW_MS = 3_600_000;

  beforeAll(async () => {
    server = await startTestServer({ mail: false, clock: () => Date.now() + SKEW_MS });
    app = await appCredentials(server);
  });
  afterAll(() => server.close());

  it('on 401204 reads GET /timestamp once and signs with the offset from then on', async () => {
    const counter = countingFetch();
    const provider = new TokenProvider({ credentials: app.credentials, fetch: counter.fetch });
    const token = await provider.getToken();
    expect(Math.abs(provider.clockOffsetMs - SKEW_MS)).toBeLessThan(5_000);
    expect(counter.count('/timestamp')).toBe(1);
    expect(counter.count(TOKEN_PATH)).toBe(2);

    provider.invalidate();
    expect((await provider.getToken()).accessToken).not.toBe(token.accessToken);
    expect(counter.count('/timestamp')).toBe(1);
    expect(counter.count(TOKEN_PATH)).toBe(3);
  });
});

describe('backoff under the rate limiter', () => {
  let server: TestServer;
  let app: AppCredentials;

  beforeAll(async () => {
    // HERE's per-app limit: every request of the app counts, its token requests included.
    server = await startTestServer({ mail: false, config: { appRateLimitPer15Minutes: 3 } });
    app = await appCredentials(server);
  });
  afterAll(() => server.close());

  it('gives up at once when Retry-After is beyond the time budget', async () => {
    const counter = countingFetch();
    const client = new GatehouseClient({
      credentials: app.credentials,
      fetch: counter.fetch,
      retry: { maxElapsedMs: 5_000 },
    });
    await client.apps.list();
    await client.apps.list();
    const started = Date.now();
    const error = await client.apps.list().catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ httpStatus: 429, errorCode: 429002 });
    expect((error as GatehouseError).retryAfterSeconds).toBeGreaterThan(800);
    expect(counter.count('/authentication/v1.1/apps')).toBe(3);
  });

  it('waits as long as Retry-After says, then succeeds once the window has passed', async () => {
    // Virtual time: the client's waits move the clock that the server's rate-limit windows read.
    let shiftMs = 0;
    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + shiftMs);
    onTestFinished(() => clock.mockRestore());
    const waits: number[] = [];
    const counter = countingFetch();
    const transport = {
      fetch: counter.fetch,
      retry: { maxElapsedMs: 3_600_000 },
      sleep: async (ms: number) => {
        waits.push(ms);
        shiftMs += ms;
      },
    };
    // OAuth timestamps stay on the real clock, which the server checks them against.
    const tokenProvider = new TokenProvider({ credentials: app.credentials, now: realNow, ...transport });
    const client = new GatehouseClient({ baseUrl: server.url, tokenProvider, ...transport });
    // The window of the previous test is still full: the token request is refused with a real 429, waits, and
    // goes through in the next window.
    const me = await client.me();
    expect(me.clientId).toBe(app.appId);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(800_000);
    expect(counter.count(TOKEN_PATH)).toBe(2);
    expect(counter.count('/app/me')).toBe(1);
  });
});
