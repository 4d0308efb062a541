import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signUpAndSignIn, uniqueEmail } from '../support/fixtures.js';
import type { ApiResponse } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BODY_LIMIT = 4096;

type JsonSchema = {
  type?: string;
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** The smallest body the schema accepts, with a fresh email address wherever one is needed. */
function sampleOf(schema: JsonSchema, email: () => string): unknown {
  if (schema.const !== undefined) return schema.const;
  const branch = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (branch) return sampleOf(branch, email);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, sampleOf(schema.properties?.[name] ?? {}, email)]),
      );
    case 'string': {
      if (schema.format === 'email') return email();
      const candidates = ['x'.repeat(Math.max(1, schema.minLength ?? 1)), 'abc-123', 'Abcdefgh1'];
      const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
      const value = candidates.find((candidate) => pattern?.test(candidate) ?? true);
      if (value === undefined) throw new Error(`No sample for pattern ${schema.pattern}`);
      return value;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return 'x';
  }
}

/** Every `METHOD /path` Fastify routes, from its route tree (HEAD routes Fastify adds by itself left out). */
function registeredRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[└├]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const parent = depth === 0 ? '' : (stack[depth - 1] ?? '');
    // A wildcard under `/console` prints as `* `: its slash belongs between them.
    const segment = match[2] === '*' && !parent.endsWith('/') ? '/*' : (match[2] ?? '');
    const path = parent + segment;
    stack[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter((name) => name !== '' && name !== 'HEAD')) {
      routes.add(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

function expectHereHeaders(response: ApiResponse) {
  expect(response.headers.get('x-correlation-id')).toBeTruthy();
  expect(response.headers.get('x-request-id')).toMatch(UUID);
  const date = Date.parse(response.headers.get('date') ?? '');
  expect(Math.abs(date - Date.now())).toBeLessThan(60_000);
}

describe('the HTTP server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { bodyLimitBytes: BODY_LIMIT } });
  });
  afterAll(() => server.close());

  it('echoes a well-formed X-Correlation-ID and generates one otherwise, on every answer', async () => {
    const requests: Array<(headers: Record<string, string>) => Promise<ApiResponse>> = [
      (headers) => server.api.get('/healthz', { headers }),
      (headers) => server.api.get('/no/such/route', { headers }),
      (headers) => server.api.get('/user/me', { headers }),
      (headers) =>
        server.api.post('/user', undefined, { headers: { ...headers, 'Content-Type': 'application/json' }, raw: '{' }),
      (headers) => server.api.post('/oauth2/token', { grantType: 'password' }, { headers }),
      (headers) => server.api.get('/authorization/v1.1/realms/%E0%A4%A/invites', { headers }),
    ];
    for (const send of requests) {
      const echoed = await send({ 'X-Correlation-ID': 'trace-42.abc:DEF_1' });
      expect(echoed.headers.get('x-correlation-id')).toBe('trace-42.abc:DEF_1');
      expectHereHeaders(echoed);
      if (echoed.status >= 400) expect(echoed.body.correlationId).toBe('trace-42.abc:DEF_1');

      for (const bad of ['has spaces', 'x'.repeat(129), 'semi;colon', '']) {
        const generated = await send({ 'X-Correlation-ID': bad });
        expect(generated.headers.get('x-correlation-id')).toMatch(UUID);
        if (generated.status >= 400)
          expect(generated.body.correlationId).toBe(generated.headers.get('x-correlation-id'));
      }
      const absent = await send({});
      expect(absent.headers.get('x-correlation-id')).toMatch(UUID);
    }
    const [one, two] = await Promise.all([server.api.get('/healthz'), server.api.get('/healthz')]);
    expect(one?.headers.get('x-correlation-id')).not.toBe(two?.headers.get('x-correlation-id'));
    expect(one?.headers.get('x-request-id')).not.toBe(two?.headers.get('x-request-id'));
  });

  it('sends Date, X-Request-ID, Cache-Control: no-store and nosniff', async () => {
    for (const response of [
      await server.api.get('/healthz'),
      await server.api.get('/timestamp'),
      await server.api.get('/nope'),
      await server.api.post('/oauth2/token', {}),
    ]) {
      expectHereHeaders(response);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // RFC 1123, as the C++ SDK parses it on clock skew.
    expect((await server.api.get('/healthz')).headers.get('date')).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
  });

  it('answers the probes and Prometheus metrics', async () => {
    const health = await server.api.get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await server.api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });

    await server.api.get('/timestamp');
    const metrics = await server.api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('# TYPE gatehouse_http_request_duration_seconds histogram');
    expect(metrics.text).toMatch(
      /gatehouse_http_request_duration_seconds_count\{method="GET",route="\/timestamp",status="200"\} [1-9]/,
    );
    expect(metrics.text).toContain('gatehouse_process_cpu_user_seconds_total');
  });

  it('publishes an OpenAPI 3.1 document that lists every route the server has', async () => {
    const response = await server.api.get('/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Gatehouse', version: server.gatehouse.version });
    expect(doc.servers).toEqual([{ url: server.url }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.ErrorBody.required).toEqual(
      expect.arrayContaining(['errorId', 'httpStatus', 'errorCode', 'message']),
    );

    const documented = new Set<string>();
    const operationIds = new Set<string>();
    for (const [path, operations] of Object.entries((doc as OpenApi).paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      for (const [method, operation] of Object.entries(operations)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-zA-Z]+$/);
        expect(operationIds.has(operation.operationId), operation.operationId).toBe(false);
        operationIds.add(operation.operationId);
        expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect(declared.map((parameter) => parameter.name).sort(), `${method} ${path}`).toEqual(pathParams.sort());
      }
    }
    for (const id of ['requestToken', 'signUp', 'createInvite', 'completeSetup', 'getHealth', 'getJwks']) {
      expect(operationIds.has(id), id).toBe(true);
    }

    const registered = registeredRoutes(server.gatehouse.http.printRoutes({ commonPrefix: false }));
    expect(registered.size).toBeGreaterThan(20);
    for (const route of documented) expect(registered.has(route), `${route} is documented but not served`).toBe(true);
    // What is not documented is for browsers: pages, their assets, the redirect to the sign-in page.
    for (const route of registered) {
      if (documented.has(route)) continue;
      const [method, path] = route.split(' ') as [string, string];
      expect(method, `${route} is served but not documented`).toBe('GET');
      const answer = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      const type = answer.headers.get('content-type') ?? '';
      const forBrowsers = /^text\/(html|css|javascript)/.test(type) || (answer.status >= 300 && answer.status < 400);
      expect(forBrowsers, `${route} (${answer.status} ${type}) is served but not documented`).toBe(true);
    }
  });

  it('publishes the signing keys as a JWKS that verifies issued tokens', async () => {
    const response = await server.api.get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const keys = response.body.keys as Array<Record<string, string>>;
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      const ec = key.kty === 'EC' && key.crv === 'P-256' && key.alg === 'ES256';
      const okp = key.kty === 'OKP' && key.crv === 'Ed25519' && key.alg === 'EdDSA';
      expect(ec || okp, JSON.stringify(key)).toBe(true);
      expect(key.kid).toBeTruthy();
      expect(key).not.toHaveProperty('d'); // never the private part
    }
    const account = await signUpAndSignIn(server.api);
    const { payload, protectedHeader } = await jwtVerify(account.accessToken, createLocalJWKSet(response.body), {
      issuer: server.url,
    });
    expect(payload.sub).toBe(account.userId);
    expect(keys.map((key) => key.kid)).toContain(protectedHeader.kid);
  });

  it('tells the time (GET /timestamp, epoch seconds)', async () => {
    const response = await server.api.get('/timestamp');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['timestamp']);
    expect(Number.isInteger(response.body.timestamp)).toBe(true);
    expect(Math.abs(response.body.timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it("answers unknown routes with HERE's 404 body", async () => {
    for (const response of [
      await server.api.get('/no/such/route'),
      await server.api.delete('/timestamp'),
      await server.api.post('/authorization/v1.1/realms'),
    ]) {
      expectError(response, 404, 404001);
      expect(response.body).toMatchObject({
        message: 'Resource not found.',
        action: 'Validate input parameters and retry.',
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('answers invalid JSON with 400002, with RFC 6749 fields on /oauth2/token', async () => {
    const json = { 'Content-Type': 'application/json' };
    for (const raw of ['{', '{"email": }', '']) {
      const user = await server.api.post('/user', undefined, { headers: json, raw });
      expectError(user, 400, 400002);
      expect(user.body.message).toBe('Invalid JSON.');
      expect(user.body).not.toHaveProperty('error');
    }
    const token = await server.api.post('/oauth2/token', undefined, { headers: json, raw: '{"grantType":' });
    expectError(token, 400, 400002);
    expect(token.body).toMatchObject({
      error: 'invalid_request',
      error_description: "errorCode: '400002'. Invalid JSON.",
    });
  });

  it('answers bodies larger than bodyLimitBytes with 400917', async () => {
    const big = 'x'.repeat(BODY_LIMIT + 1);
    const user = await server.api.post('/user', { email: uniqueEmail(), firstname: big });
    expectError(user, 400, 400917);
    expect(user.body.message).toBe('Unable to perform request. Size limit exceeded.');
    const token = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: uniqueEmail(),
      password: big,
    });
    expectError(token, 400, 400917);
    expect(token.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('400917'),
    });
    const form = await server.api.post('/oauth2/token', undefined, {
      form: { grant_type: 'password', email: uniqueEmail(), password: big },
    });
    expectError(form, 400, 400917);
    // Just under the limit is fine: answered by validation, not refused for its size.
    const fits = await server.api.post('/user', { firstname: 'x'.repeat(BODY_LIMIT - 100) });
    expectError(fits, 400, 400200);
  });

  it('answers unsupported and missing Content-Types with 400004 and 400003', async () => {
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ]) {
      const response = await server.api.post('/user', undefined, { headers: { 'Content-Type': type }, raw: 'hello' });
      expectError(response, 400, 400004);
    }
    // Form bodies only where a route accepts them (the token endpoint).
    expectError(await server.api.post('/user', undefined, { form: { email: uniqueEmail() } }), 400, 400004);
    const token = await server.api.post('/oauth2/token', undefined, {
      headers: { 'Content-Type': 'text/plain' },
      raw: 'grant_type=password',
    });
    expectError(token, 400, 400004);
    expect(token.body.error).toBe('invalid_request');

    const missing = await fetch(`${server.url}/user`, { method: 'POST', body: new Blob(['{"email":"a@b.co"}']) });
    const body = await missing.json();
    expect(missing.status).toBe(400);
    expect(body).toMatchObject({ httpStatus: 400, errorCode: 400003, message: 'Content-Type header missing.' });
  });

  it('answers malformed URLs with a HERE body', async () => {
    for (const path of [
      '/authorization/v1.1/realms/%E0%A4%A/invites',
      `/authorization/v1.1/realms/${'x'.repeat(3000)}/invites`,
    ]) {
      const response = await server.api.get(path);
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([{ name: 'path', errorCode: 400203, message: 'Invalid value.' }]);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('rate limits', () => {
  const IP_LIMIT = 5;
  const IDENTITY_LIMIT = 3;
  let server: TestServer;
  let openApi: OpenApi;
  beforeAll(async () => {
    server = await startTestServer({
      config: { trustProxy: true, rateLimitIpPerMinute: IP_LIMIT, rateLimitIdentityPerMinute: IDENTITY_LIMIT },
    });
    openApi = (await server.api.get('/openapi.json')).body;
  });
  afterAll(() => server.close());

  /** A client IP of its own for each check, through X-Forwarded-For (trustProxy). */
  const freshIp = () => `10.${randomBytes(3).join('.')}`;
  const freshEmail = () => uniqueEmail('rl');

  function expectRateLimited(response: ApiResponse) {
    expectError(response, 429, 429002);
    expect(response.body.message).toBe(
      'Request blocked because too many requests were made. Please wait for a while before making a new request.',
    );
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter)).toBe(true);
  }

  function publicOperationsWithBody() {
    const operations: Array<{ method: string; path: string; operation: Operation; schema: JsonSchema }> = [];
    for (const [path, methods] of Object.entries(openApi.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (operation.security?.length === 0 && schema) operations.push({ method, path, operation, schema });
      }
    }
    return operations;
  }

  it('limits every public operation that takes a body per client IP', async () => {
    const operations = publicOperationsWithBody();
    expect(operations.map((entry) => entry.operation.operationId)).toEqual(
      expect.arrayContaining([
        'requestToken',
        'signUp',
        'requestPasswordReset',
        'recoverOrgIds',
        'requestInvitationAgain',
      ]),
    );
    for (const { method, path, operation, schema } of operations) {
      const ip = freshIp();
      let limitedAt: number | undefined;
      for (let attempt = 1; attempt <= 30 && limitedAt === undefined; attempt++) {
        const response = await server.api.request(method.toUpperCase(), path, sampleOf(schema, freshEmail), {
          headers: { 'X-Forwarded-For': ip },
        });
        expect(response.status, `${operation.operationId}: ${response.text}`).toBeLessThan(500);
        if (response.status === 429) {
          expectRateLimited(response);
          limitedAt = attempt;
        }
      }
      expect(limitedAt, `${operation.operationId} is not rate-limited per IP`).toBeDefined();
      expect(limitedAt, operation.operationId).toBeGreaterThan(IP_LIMIT); // the configured limit, or a fixed higher one

      // Another client is not affected.
      const other = await server.api.request(method.toUpperCase(), path, sampleOf(schema, freshEmail), {
        headers: { 'X-Forwarded-For': freshIp() },
      });
      expect(other.status, operation.operationId).not.toBe(429);
    }
  });

  it('limits sign-in per email address, whatever the IP, with RFC 6749 fields', async () => {
    const email = freshEmail();
    const attempt = (address: string) =>
      server.api.post(
        '/oauth2/token',
        { grantType: 'password', email: address, password: 'wrong password' },
        { headers: { 'X-Forwarded-For': freshIp() } },
      );
    for (let index = 0; index < IDENTITY_LIMIT; index++) {
      expectError(await attempt(index % 2 === 0 ? email : email.toUpperCase()), 401, 401300);
    }
    const limited = await attempt(email);
    expectRateLimited(limited);
    expect(limited.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining("errorCode: '429002'"),
    });
    // Form requests are counted for the same address.
    const form = await server.api.post('/oauth2/token', undefined, {
      form: { grant_type: 'password', email, password: 'wrong password' },
      headers: { 'X-Forwarded-For': freshIp() },
    });
    expectRateLimited(form);
    expectError(await attempt(freshEmail()), 401, 401300);
  });

  it('limits the public recovery endpoints per email address', async () => {
    for (const path of ['/user/password/reset', '/user/orgid/recovery', '/user/invites/renewal']) {
      const email = freshEmail();
      for (let index = 0; index < IDENTITY_LIMIT; index++) {
        const response = await server.api.post(path, { email }, { headers: { 'X-Forwarded-For': freshIp() } });
        expect(response.status, `${path}: ${response.text}`).toBe(202);
      }
      const limited = await server.api.post(
        path,
        { email: email.toUpperCase() },
        { headers: { 'X-Forwarded-For': freshIp() } },
      );
      expectRateLimited(limited);
      const other = await server.api.post(path, { email: freshEmail() }, { headers: { 'X-Forwarded-For': freshIp() } });
      expect(other.status, path).toBe(202);
    }
  });

  it('limits sign-up per email address', async () => {
    const email = freshEmail();
    const signUp = () =>
      server.api.post(
        '/user',
        { email, password: 'too short', firstname: 'Rate', lastname: 'Limit' },
        { headers: { 'X-Forwarded-For': freshIp() } },
      );
    for (let index = 0; index < IDENTITY_LIMIT; index++) expectError(await signUp(), 400, 400200);
    expectRateLimited(await signUp());
  });
});
