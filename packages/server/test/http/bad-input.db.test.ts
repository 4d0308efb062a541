import { fieldErrorCatalogue } from '@gatehouse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import type { ApiResponse } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Systematic bad input, driven by GET /openapi.json: whatever a client sends, the answer is a 4xx with HERE's error
 * body, never a 5xx and never a stack trace.
 */

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};
type Parameter = { name: string; in: 'path' | 'query'; schema: JsonSchema };
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};
interface Endpoint {
  method: string;
  path: string;
  operation: Operation;
  /** The JSON request body schema, when the operation takes one. */
  body: JsonSchema | undefined;
  needsToken: boolean;
}

const FIELD_CODES = new Set<number>(Object.values(fieldErrorCatalogue).map((entry) => entry.errorCode));
const STACK_TRACE = /\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+/;

/** What is wrong with an answer that should be a HERE client error; empty when nothing. */
function problemsOf(response: ApiResponse, options: { allowSuccess?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (STACK_TRACE.test(response.text)) problems.push('stack trace or source path in the answer');
  if (options.allowSuccess && response.status < 400) return problems;
  if (response.status < 400 || response.status >= 500) problems.push(`status ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('application/json')) {
    problems.push(`content-type ${response.headers.get('content-type')}`);
  }
  const body = response.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return [...problems, `body ${response.text.slice(0, 200)}`];
  if (typeof body.errorId !== 'string' || !/^ERROR-[0-9a-f-]{36}$/.test(body.errorId)) problems.push('errorId');
  if (body.httpStatus !== response.status) problems.push(`httpStatus ${String(body.httpStatus)}`);
  if (typeof body.errorCode !== 'number' || !/^\d{6}$/.test(String(body.errorCode))) problems.push('errorCode');
  if (typeof body.message !== 'string' || body.message === '') problems.push('message');
  if (body.correlationId !== response.headers.get('x-correlation-id')) problems.push('correlationId');
  if (body.errorCode === 400200) {
    const fields = body.errorFields as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(fields) || fields.length === 0) problems.push('400200 without errorFields');
    for (const field of fields ?? []) {
      if (typeof field.name !== 'string' || field.name === '') problems.push(`field name ${String(field.name)}`);
      if (!FIELD_CODES.has(field.errorCode as number)) problems.push(`field code ${String(field.errorCode)}`);
      if (typeof field.message !== 'string' || field.message === '') problems.push('field message');
    }
  }
  return problems;
}

const fieldsOf = (response: ApiResponse) =>
  ((response.body?.errorFields ?? []) as Array<{ name: string; errorCode: number }>).map(
    (field) => `${field.name}:${field.errorCode}`,
  );

/** A value of the wrong JSON type for `schema`, and the HERE field code that names the mistake (when definite). */
function wrongValueFor(schema: JsonSchema): { value: unknown; code?: number } {
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  if (schema.const !== undefined || schema.enum !== undefined || schema.anyOf || schema.oneOf) return { value: 12345 };
  switch (type) {
    case 'string':
      return { value: 12345, code: 400217 };
    case 'integer':
    case 'number':
      return { value: 'abc', code: 400208 };
    case 'boolean':
      return { value: 'yes', code: 400219 };
    case 'array':
      return { value: 'not-an-array', code: 400216 };
    case 'object':
      return { value: 42, code: 400218 };
    default:
      return { value: { unexpected: true } };
  }
}

/** Object shapes a body may take: the schema itself, or each branch of a union (with its discriminator values). */
function shapesOf(
  schema: JsonSchema,
): Array<{ base: Record<string, unknown>; properties: Record<string, JsonSchema> }> {
  const branches = schema.oneOf ?? schema.anyOf ?? [schema];
  return branches.map((branch) => {
    const properties = branch.properties ?? {};
    const base = Object.fromEntries(
      Object.entries(properties)
        .filter(([, property]) => property.const !== undefined)
        .map(([name, property]) => [name, property.const]),
    );
    return { base, properties };
  });
}

const JUNK_SEGMENTS = [
  'x'.repeat(600),
  'x'.repeat(2100),
  '%E0%A4%A',
  '%00',
  '%20',
  'null',
  'undefined',
  '-1',
  encodeURIComponent('../../etc/passwd'),
  encodeURIComponent("' OR '1'='1' --"),
  encodeURIComponent('<script>alert(1)</script>'),
  encodeURIComponent('😀'),
  encodeURIComponent('hrn:'),
  encodeURIComponent('hrn:here:authorization::no-such-org:invite/AUTHINVITE-1'),
  encodeURIComponent('hrn:here:account::no-such-org:realm/no-such-org'),
  encodeURIComponent('hrn:here:account::no-such-org:user/HERE-00000000-0000-0000-0000-000000000000'),
  'HERE-00000000-0000-0000-0000-000000000000',
  'AUTHINVITE-00000000-0000-0000-0000-000000000000',
  '%7B%7D',
  '%5B%5D',
];

const JUNK_AUTHORIZATION = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'Basic Zm9vOmJhcg==',
  'Bearer not-a-jwt',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJIRVJFLTEiLCJybG0iOiJ4In0.',
  `Bearer ${'x'.repeat(5000)}`,
  'Bearer ümlaut',
];

describe('bad input on every operation of /openapi.json', () => {
  let server: TestServer;
  let admin: SignedIn;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await signUpAndSignIn(server.api);
    const doc = (await server.api.get('/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    endpoints = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
        body: operation.requestBody?.content['application/json']?.schema,
        needsToken: operation.security?.length !== 0,
      })),
    );
  });
  afterAll(() => server.close());

  /** Valid-looking values for path parameters that are not under test. */
  function defaultParam(name: string): string {
    if (name === 'realm') return admin.realm;
    if (name === 'invite') return 'AUTHINVITE-00000000-0000-0000-0000-000000000000';
    if (name === 'user') return 'HERE-00000000-0000-0000-0000-000000000000';
    return 'x';
  }

  function urlOf(endpoint: Endpoint, overrides: Record<string, string> = {}): string {
    return endpoint.path.replace(/\{(\w+)\}/g, (_whole, name: string) => overrides[name] ?? defaultParam(name));
  }

  function send(endpoint: Endpoint, options: { url?: string; body?: unknown; raw?: boolean; token?: string }) {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return server.api.request(endpoint.method, options.url ?? urlOf(endpoint), undefined, {
      ...(body !== undefined ? { raw: body, headers: { 'Content-Type': 'application/json' } } : {}),
      ...(options.token ? { token: options.token } : {}),
    });
  }

  const tokenFor = (endpoint: Endpoint) => (endpoint.needsToken ? admin.accessToken : undefined);
  const label = (endpoint: Endpoint, what: string) => `${endpoint.method} ${endpoint.path} ${what}`;

  it('finds the operations to test', () => {
    const ids = endpoints.map((endpoint) => endpoint.operation.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'requestToken',
        'signUp',
        'updateMyProfile',
        'createInvite',
        'updateInvite',
        'completeSetup',
      ]),
    );
    expect(endpoints.filter((endpoint) => endpoint.body).length).toBeGreaterThanOrEqual(12);
    expect(endpoints.filter((endpoint) => endpoint.path.includes('{')).length).toBeGreaterThanOrEqual(6);
  });

  it('answers non-object JSON bodies with 400200 naming the body', async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints.filter((entry) => entry.body)) {
      for (const value of [[], ['x'], 'text', 42, -1.5, true, null]) {
        const token = tokenFor(endpoint);
        const response = await send(endpoint, { body: value, ...(token ? { token } : {}) });
        const found = problemsOf(response);
        if (response.body?.errorCode !== 400200) found.push(`errorCode ${response.body?.errorCode}`);
        if (!Array.isArray(value) && !fieldsOf(response).includes('body:400218')) {
          found.push(`fields ${fieldsOf(response).join(',')}`);
        }
        if (found.length > 0) problems.push(`${label(endpoint, JSON.stringify(value))}: ${found.join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers {} with 400201 for each required property', async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints.filter((entry) => entry.body)) {
      const schema = endpoint.body as JsonSchema;
      const token = tokenFor(endpoint);
      const response = await send(endpoint, { body: {}, ...(token ? { token } : {}) });
      const required = schema.oneOf || schema.anyOf ? undefined : (schema.required ?? []);
      if (required?.length === 0) {
        // Nothing is required (PATCH-like): `{}` may succeed, but never with a 5xx.
        const found = problemsOf(response, { allowSuccess: true });
        if (found.length > 0) problems.push(`${label(endpoint, '{}')}: ${found.join('; ')}`);
        continue;
      }
      const found = problemsOf(response);
      const fields = fieldsOf(response);
      if (response.body?.errorCode !== 400200) found.push(`errorCode ${response.body?.errorCode}`);
      for (const name of required ?? []) if (!fields.includes(`${name}:400201`)) found.push(`no 400201 for ${name}`);
      if (required === undefined && !fields.some((field) => field.endsWith(':400201'))) found.push('no 400201');
      if (found.length > 0) problems.push(`${label(endpoint, '{}')}: ${found.join('; ')} (${fields.join(',')})`);
    }
    expect(problems).toEqual([]);
  });

  it('names each property sent with a wrong type', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const endpoint of endpoints.filter((entry) => entry.body)) {
      for (const { base, properties } of shapesOf(endpoint.body as JsonSchema)) {
        for (const [name, property] of Object.entries(properties)) {
          const { value, code } = wrongValueFor(property);
          const token = tokenFor(endpoint);
          const response = await send(endpoint, { body: { ...base, [name]: value }, ...(token ? { token } : {}) });
          checked++;
          const found = problemsOf(response);
          const fields = fieldsOf(response);
          if (response.body?.errorCode !== 400200) found.push(`errorCode ${response.body?.errorCode}`);
          const named = fields.find((field) => field.startsWith(`${name}:`));
          if (!named) found.push(`${name} not named`);
          else if (code !== undefined && named !== `${name}:${code}`) found.push(`${named}, expected code ${code}`);
          if (found.length > 0)
            problems.push(`${label(endpoint, `${name}=${JSON.stringify(value)}`)}: ${found.join('; ')}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  it('refuses NUL characters in every string property (PostgreSQL cannot store them)', async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints.filter((entry) => entry.body)) {
      for (const { base, properties } of shapesOf(endpoint.body as JsonSchema)) {
        for (const [name, property] of Object.entries(properties)) {
          if (property.type !== 'string' || property.const !== undefined) continue;
          const token = tokenFor(endpoint);
          const response = await send(endpoint, { body: { ...base, [name]: 'a\u0000b' }, ...(token ? { token } : {}) });
          const found = problemsOf(response);
          // HERE has its own code for invalid characters in a token request's scope (spec §1.7: 400909).
          const expected = endpoint.path === '/oauth2/token' && name === 'scope' ? 400909 : 400203;
          if (!fieldsOf(response).includes(`${name}:${expected}`)) found.push(`fields ${fieldsOf(response).join(',')}`);
          if (found.length > 0) problems.push(`${label(endpoint, `${name} with NUL`)}: ${found.join('; ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('copes with deeply nested JSON', async () => {
    const problems: string[] = [];
    const depth = 40_000;
    for (const endpoint of endpoints.filter((entry) => entry.body)) {
      const [first] = Object.keys(shapesOf(endpoint.body as JsonSchema)[0]?.properties ?? {});
      const raw = `{"${first}":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`;
      const started = Date.now();
      const response = await server.api.request(endpoint.method, urlOf(endpoint), undefined, {
        raw,
        headers: { 'Content-Type': 'application/json' },
        ...(endpoint.needsToken ? { token: admin.accessToken } : {}),
      });
      const found = problemsOf(response);
      if (Date.now() - started > 2000) found.push(`took ${Date.now() - started} ms`);
      if (found.length > 0) problems.push(`${label(endpoint, `nested ${first}`)}: ${found.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers junk path parameters with a HERE client error, with and without a token', async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints.filter((entry) => entry.path.includes('{'))) {
      const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
      for (const name of names) {
        for (const junk of JUNK_SEGMENTS) {
          const url = urlOf(endpoint, { [name]: junk });
          const body = endpoint.body ? {} : undefined;
          const withToken = await send(endpoint, { url, body, token: admin.accessToken });
          const found = problemsOf(withToken);
          if (junk.length === 600 && !fieldsOf(withToken).includes(`${name}:400203`)) {
            found.push(`too long ${name} not named (${fieldsOf(withToken).join(',')})`);
          }
          if (found.length > 0)
            problems.push(`${label(endpoint, `${name}=${junk.slice(0, 40)}`)}: ${found.join('; ')}`);

          if (endpoint.needsToken) {
            const anonymous = await send(endpoint, { url, body });
            const anonymousProblems = problemsOf(anonymous);
            if (anonymous.status === 401 && anonymous.body?.errorCode !== 401200) anonymousProblems.push('not 401200');
            if (anonymousProblems.length > 0) {
              problems.push(
                `${label(endpoint, `${name}=${junk.slice(0, 40)} anonymous`)}: ${anonymousProblems.join('; ')}`,
              );
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('answers junk query parameters with a HERE client error', async () => {
    const problems: string[] = [];
    const withQuery = endpoints.filter((entry) =>
      entry.operation.parameters?.some((parameter) => parameter.in === 'query'),
    );
    expect(withQuery.length).toBeGreaterThanOrEqual(1);
    for (const endpoint of withQuery) {
      for (const parameter of endpoint.operation.parameters?.filter((entry) => entry.in === 'query') ?? []) {
        for (const junk of ['abc', '-1', '1e9', '0x10', '', '!!!', 'x'.repeat(600), 'bm9wZQ', '%00', '%E0%A4%A']) {
          const response = await send(endpoint, {
            url: `${urlOf(endpoint)}?${parameter.name}=${junk}`,
            ...(endpoint.needsToken ? { token: admin.accessToken } : {}),
          });
          const found = problemsOf(response, { allowSuccess: true });
          if (found.length > 0)
            problems.push(`${label(endpoint, `?${parameter.name}=${junk.slice(0, 20)}`)}: ${found.join('; ')}`);
        }
        const repeated = await send(endpoint, {
          url: `${urlOf(endpoint)}?${parameter.name}=1&${parameter.name}=2`,
          ...(endpoint.needsToken ? { token: admin.accessToken } : {}),
        });
        const found = problemsOf(repeated, { allowSuccess: true });
        if (found.length > 0) problems.push(`${label(endpoint, `repeated ${parameter.name}`)}: ${found.join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers missing and junk bearer tokens with 401 and a Bearer challenge', async () => {
    const problems: string[] = [];
    const protectedEndpoints = endpoints.filter((entry) => entry.needsToken);
    expect(protectedEndpoints.length).toBeGreaterThanOrEqual(8);
    for (const endpoint of protectedEndpoints) {
      for (const authorization of JUNK_AUTHORIZATION) {
        const response = await server.api.request(endpoint.method, urlOf(endpoint), undefined, {
          ...(authorization !== undefined ? { headers: { Authorization: authorization } } : {}),
          ...(endpoint.body
            ? {
                raw: '{}',
                headers: {
                  'Content-Type': 'application/json',
                  ...(authorization !== undefined ? { Authorization: authorization } : {}),
                },
              }
            : {}),
        });
        const found = problemsOf(response);
        if (response.status !== 401) found.push(`status ${response.status}`);
        if (!response.headers.get('www-authenticate')?.startsWith('Bearer realm="gatehouse"')) {
          found.push(`WWW-Authenticate ${response.headers.get('www-authenticate')}`);
        }
        if (found.length > 0)
          problems.push(
            `${label(endpoint, `Authorization: ${String(authorization).slice(0, 30)}`)}: ${found.join('; ')}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('never fails on public operations with junk credentials either', async () => {
    const problems: string[] = [];
    for (const endpoint of endpoints.filter((entry) => !entry.needsToken && entry.body)) {
      const response = await send(endpoint, {
        body: { unexpected: 'field', nested: { deep: [1, 2, 3] } },
        token: 'junk',
      });
      const found = problemsOf(response);
      if (found.length > 0) problems.push(`${label(endpoint, 'unknown fields')}: ${found.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });
});
