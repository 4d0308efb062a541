import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signIn, signUpAndSignIn, strongPassword, uniqueEmail } from '../support/fixtures.js';
import {
  buildCustomRequest,
  type CustomSignedRequest,
  type HereClientName,
  type HereCredentials,
  hereClients,
  parseCredentialsProperties,
  requestToken,
  send,
  type TokenRequestOptions,
} from '../support/here-clients.js';
import { ApiClient } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const AUTHN = '/authentication/v1.1';

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers of every shape are asserted field by field.
  body: any;
  text: string;
}

async function read(response: Response | Promise<Response>): Promise<Answer> {
  const resolved = await response;
  const text = await resolved.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: resolved.status, headers: resolved.headers, body, text };
}

/** HERE's token-endpoint errors (spec §1.7), written out here rather than taken from the server's catalogue. */
const ERRORS = {
  headerMissing: [401, 401200, 'Authorization header missing.', 'invalid_client'],
  malformed: [
    401,
    401202,
    'Malformed OAuth 1.0 header (ex. duplicated parameters, missing parameters).',
    'invalid_request',
  ],
  timestamp: [401, 401204, 'Time stamp is outside the valid period.', 'invalid_request'],
  signatureMethod: [401, 401205, 'Unsupported value for signature method.', 'invalid_request'],
  version: [401, 401206, 'Unsupported value for "oauth_version" parameter - should be 1.0.', 'invalid_request'],
  nonce: [401, 401207, 'Nonce already consumed.', 'invalid_request'],
  signatureMismatch: [
    401,
    401300,
    'Signature mismatch. Authorization signature or client credential is wrong.',
    'invalid_client',
  ],
  invalidClient: [401, 401300, 'Invalid client credentials.', 'invalid_client'],
  clientIdAsKey: [
    401,
    401310,
    'Invalid signature. Attempt to use client ID instead of access key identifier for consumer key.',
    'invalid_client',
  ],
  notActive: [401, 401311, 'Requesting client status is not active.', 'invalid_client'],
  keyDisabled: [401, 401424, 'Access key has been disabled.', 'invalid_client'],
  notMember: [403, 403109, 'Client is not a member of the project.', 'invalid_scope'],
  oneProject: [400, 400981, 'Only one project scope allowed in token.', 'invalid_scope'],
  restricted: [403, 403111, 'The app may only request tokens for its default project.', 'invalid_scope'],
  notOwned: [403, 403112, 'The token was not issued to this client.', 'unauthorized_client'],
  invalidJson: [400, 400002, 'Invalid JSON.', 'invalid_request'],
  rateLimited: [
    429,
    429002,
    'Request blocked because too many requests were made. Please wait for a while before making a new request.',
    'invalid_request',
  ],
} as const;

const INVALID_DATA = "Received invalid data. See 'errorFields' for more information.";

/** HERE's error body with the RFC 6749 fields of the OAuth endpoints. */
function expectOAuthError(
  answer: Answer,
  [status, errorCode, message, error]: readonly [number, number, string, string],
) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body).toMatchObject({
    httpStatus: status,
    errorCode,
    message,
    error,
    error_description: `errorCode: '${errorCode}'. ${message}`,
  });
  expect(answer.body.errorId).toMatch(/^ERROR-[0-9a-f-]{36}$/);
}

/** HERE's error body on the other endpoints (no RFC 6749 fields). */
function expectHereError(answer: Answer, status: number, errorCode: number, message?: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body).toMatchObject({ httpStatus: status, errorCode, ...(message ? { message } : {}) });
  expect(answer.body.errorId).toMatch(/^ERROR-[0-9a-f-]{36}$/);
  expect(answer.body).not.toHaveProperty('error');
}

interface AppView {
  clientId: string;
  hrn: string;
  realm: string;
  tokenDuration: number;
}

interface KeyView {
  accessKeyId: string;
  credentials: HereCredentials;
  properties: string;
}

/** One organization on one server: its OrgAdmin creates apps and access keys. */
class Organization {
  constructor(
    readonly api: ApiClient,
    readonly admin: SignedIn,
  ) {}

  static async create(api: ApiClient): Promise<Organization> {
    return new Organization(api, await signUpAndSignIn(api));
  }

  get token() {
    return this.admin.accessToken;
  }

  project(name: string) {
    return `hrn:here:authorization::${this.admin.realm}:project/${name}`;
  }

  async app(body: Record<string, unknown> = {}): Promise<AppView> {
    const response = await this.api.post(`${AUTHN}/apps`, { name: 'Token test app', ...body }, { token: this.token });
    expect(response.status, response.text).toBe(200);
    return response.body;
  }

  /** A new access key, through the JSON answer's credentials.properties text. */
  async accessKey(app: AppView): Promise<KeyView> {
    const response = await this.api.post(`${AUTHN}/apps/${encodeURIComponent(app.hrn)}/accessKeys`, undefined, {
      token: this.token,
    });
    expect(response.status, response.text).toBe(200);
    const properties: string = response.body.credentialsProperties;
    const credentials = parseCredentialsProperties(properties);
    expect(credentials).toMatchObject({
      accessKeyId: response.body.accessKeyId,
      accessKeySecret: response.body.accessKeySecret,
      clientId: app.clientId,
    });
    return { accessKeyId: response.body.accessKeyId, credentials, properties };
  }

  async appWithKey(body: Record<string, unknown> = {}) {
    const app = await this.app(body);
    return { app, key: await this.accessKey(app) };
  }

  async manage(method: 'POST' | 'DELETE' | 'PATCH' | 'PUT', path: string, body?: unknown) {
    const response = await this.api.request(method, `${AUTHN}${path}`, body, { token: this.token });
    expect(response.status, response.text).toBeLessThan(300);
    return response;
  }
}

async function tokenOf(credentials: HereCredentials, client: HereClientName = 'cpp', options?: TokenRequestOptions) {
  const answer = await read(requestToken(client, credentials, options));
  expect(answer.status, answer.text).toBe(200);
  return (answer.body.accessToken ?? answer.body.access_token) as string;
}

function custom(credentials: HereCredentials, options?: CustomSignedRequest) {
  return read(send(buildCustomRequest(credentials, options)));
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('the HERE token endpoint', () => {
  let server: TestServer;
  let api: ApiClient;
  let org: Organization;

  beforeAll(async () => {
    server = await startTestServer();
    api = server.api;
    org = await Organization.create(api);
  });
  afterAll(() => server.close());

  /** GET /app/me and POST /verify/accessToken with a token; both must answer `status`. */
  async function appMe(token: string) {
    return api.get('/app/me', { token });
  }
  async function verify(token: string) {
    return api.post('/verify/accessToken', { token }, { token });
  }
  async function introspect(token: string, credentials: HereCredentials) {
    return api.post('/oauth2/introspect', undefined, {
      form: { token },
      headers: { Authorization: basic(credentials.accessKeyId, credentials.accessKeySecret) },
    });
  }

  describe('HERE clients (spec §1.1)', () => {
    it.each(['typescript', 'java', 'cpp', 'python'] as const)('the %s client gets a working token', async (name) => {
      const { app, key } = await org.appWithKey();
      const answer = await read(requestToken(name, key.credentials));
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('cache-control')).toContain('no-store');
      const expectedTtl = name === 'typescript' ? 3600 : 86_400; // only the TS SDK sends expiresIn by default
      if (hereClients[name].format === 'json') {
        expect(answer.body).toEqual({ accessToken: expect.any(String), tokenType: 'bearer', expiresIn: expectedTtl });
      } else {
        expect(answer.body).toEqual({
          access_token: expect.any(String),
          token_type: 'bearer',
          expires_in: expectedTtl,
        });
      }
      const token: string = answer.body.accessToken ?? answer.body.access_token;

      const me = await appMe(token);
      expect(me.status, me.text).toBe(200);
      expect(me.body).toMatchObject({ clientId: app.clientId, hrn: app.hrn, realm: org.admin.realm, status: 'active' });

      const verified = await verify(token);
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toMatchObject({
        active: true,
        tokenType: 'app',
        sub: app.clientId,
        clientId: app.clientId,
        realm: org.admin.realm,
      });
      expect(verified.body.expiresAt - Math.floor(Date.now() / 1000)).toBeGreaterThan(expectedTtl - 60);
    });

    it('reads the downloadable credentials.properties (Accept: text/plain)', async () => {
      const app = await org.app();
      const response = await api.post(`${AUTHN}/apps/${app.clientId}/accessKeys`, undefined, {
        token: org.token,
        headers: { Accept: 'text/plain' },
      });
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.headers.get('content-disposition')).toContain('credentials.properties');
      const credentials = parseCredentialsProperties(response.text);
      expect(credentials).toMatchObject({
        userId: org.admin.userId,
        clientId: app.clientId,
        tokenEndpointUrl: `${server.url}/oauth2/token`,
      });
      for (const name of ['typescript', 'java', 'cpp', 'python'] as const) {
        expect(await appMe(await tokenOf(credentials, name))).toMatchObject({ status: 200 });
      }
    });

    it('Java picks here.token.scope from the file', async () => {
      const { key } = await org.appWithKey();
      const credentials = parseCredentialsProperties(`${key.properties}here.token.scope : ${org.project('p1')}\n`);
      expect(credentials.scope).toBe(org.project('p1'));
      expectOAuthError(await read(requestToken('java', credentials)), ERRORS.notMember);
    });

    it('accepts any nonce format and a form Content-Type with a charset', async () => {
      const { key } = await org.appWithKey();
      for (const nonce of ['x', 'ZGAaMP', 'a b+c/d=', 'ñ-☃'.repeat(20)]) {
        const answer = await custom(key.credentials, { oauth: { oauth_nonce: nonce } });
        expect(answer.status, `${nonce}: ${answer.text}`).toBe(200);
      }
      const built = buildCustomRequest(key.credentials, { form: [['grant_type', 'client_credentials']] });
      built.headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
      const answer = await read(send(built));
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.token_type).toBe('bearer');
    });

    it('accepts a header without oauth_version (optional in RFC 5849)', async () => {
      const { key } = await org.appWithKey();
      const answer = await custom(key.credentials, { oauth: { oauth_version: undefined } });
      expect(answer.status, answer.text).toBe(200);
    });

    it('signs query parameters of the URL the client was given', async () => {
      const { key } = await org.appWithKey();
      const url = `${key.credentials.tokenEndpointUrl}?a=1&b=x+y&c=%7E`;
      expect((await custom(key.credentials, { url })).status).toBe(200);
      // The same request with a query parameter left out of the signature fails.
      const built = buildCustomRequest(key.credentials, { url: key.credentials.tokenEndpointUrl });
      built.url = url;
      expectOAuthError(await read(send(built)), ERRORS.signatureMismatch);
    });
  });

  describe('client_secret_basic and client_secret_post (RFC 6749 §2.3.1)', () => {
    it('accepts the access key id and secret in a Basic header', async () => {
      const { app, key } = await org.appWithKey();
      const { accessKeyId, accessKeySecret } = key.credentials;
      const answer = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials' },
        headers: { Authorization: basic(accessKeyId, accessKeySecret) },
      });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86_400 });
      expect((await appMe(answer.body.access_token)).body.clientId).toBe(app.clientId);

      const wrong = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials' },
        headers: { Authorization: basic(accessKeyId, `${accessKeySecret}x`) },
      });
      expectOAuthError(wrong, ERRORS.invalidClient);
      const notBase64Pair = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials' },
        headers: { Authorization: 'Basic bm9jb2xvbg==' },
      });
      expectOAuthError(notBase64Pair, ERRORS.invalidClient);
    });

    it('accepts them in the body, form or JSON', async () => {
      const { app, key } = await org.appWithKey();
      const { accessKeyId, accessKeySecret } = key.credentials;
      const form = await api.post('/oauth2/token', undefined, {
        form: {
          grant_type: 'client_credentials',
          client_id: accessKeyId,
          client_secret: accessKeySecret,
          expires_in: '120',
        },
      });
      expect(form.status, form.text).toBe(200);
      expect(form.body).toMatchObject({ token_type: 'bearer', expires_in: 120 });
      const json = await api.post('/oauth2/token', {
        grantType: 'client_credentials',
        clientId: accessKeyId,
        clientSecret: accessKeySecret,
      });
      expect(json.status, json.text).toBe(200);
      expect((await appMe(json.body.accessToken)).body.clientId).toBe(app.clientId);

      const wrong = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials', client_id: accessKeyId, client_secret: 'nope' },
      });
      expectOAuthError(wrong, ERRORS.invalidClient);
      const clientIdInstead = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: accessKeySecret },
      });
      expectOAuthError(clientIdInstead, ERRORS.invalidClient);
    });
  });

  describe('client errors (spec §1.7)', () => {
    let key: KeyView;
    let app: AppView;
    beforeAll(async () => {
      ({ app, key } = await org.appWithKey());
    });

    it('401200 without an Authorization header', async () => {
      expectOAuthError(await api.post('/oauth2/token', { grantType: 'client_credentials' }), ERRORS.headerMissing);
      const form = await api.post('/oauth2/token', undefined, { form: { grant_type: 'client_credentials' } });
      expectOAuthError(form, ERRORS.headerMissing);
    });

    it.each<[string, CustomSignedRequest]>([
      ['oauth_nonce missing', { oauth: { oauth_nonce: undefined } }],
      ['oauth_timestamp missing', { oauth: { oauth_timestamp: undefined } }],
      ['oauth_consumer_key missing', { oauth: { oauth_consumer_key: undefined } }],
      ['oauth_signature_method missing', { oauth: { oauth_signature_method: undefined } }],
      ['oauth_nonce duplicated', { appendToHeader: ',oauth_nonce="again"' }],
      ['oauth_signature duplicated', { appendToHeader: ', oauth_signature="x"' }],
      ['a non-numeric timestamp', { oauth: { oauth_timestamp: '16e8' } }],
      ['a trailing bare word', { appendToHeader: ', garbage' }],
    ])('401202 with %s', async (_name, options) => {
      expectOAuthError(await custom(key.credentials, options), ERRORS.malformed);
    });

    it('401202 for an OAuth header without parameters', async () => {
      for (const header of ['OAuth ', 'OAuth garbage', 'OAuth oauth_nonce=unquoted']) {
        const answer = await read(
          fetch(key.credentials.tokenEndpointUrl, {
            method: 'POST',
            headers: { Authorization: header, 'Content-Type': 'application/json' },
            body: '{"grantType":"client_credentials"}',
          }),
        );
        expectOAuthError(answer, ERRORS.malformed);
      }
    });

    it('401300 for another authorization scheme', async () => {
      const answer = await read(
        fetch(key.credentials.tokenEndpointUrl, {
          method: 'POST',
          headers: { Authorization: 'Digest x="y"', 'Content-Type': 'application/json' },
          body: '{"grantType":"client_credentials"}',
        }),
      );
      expectOAuthError(answer, ERRORS.invalidClient);
    });

    it('401204 for a stale or future timestamp; /timestamp and the Date header let the client retry', async () => {
      const now = Math.floor(Date.now() / 1000);
      const stale = await read(requestToken('java', key.credentials, { timestamp: now - 3600 }));
      expectOAuthError(stale, ERRORS.timestamp);
      const date = stale.headers.get('date');
      expect(date).toBeTruthy();
      expect(Math.abs(Date.parse(date ?? '') / 1000 - now)).toBeLessThan(5);

      // Java: GET /timestamp, then sign once more with the server's time.
      const timestamp = await api.get('/timestamp');
      expect(timestamp.status).toBe(200);
      expect(timestamp.body).toEqual({ timestamp: expect.any(Number) });
      expect(Math.abs(timestamp.body.timestamp - now)).toBeLessThan(5);
      expect(timestamp.headers.get('date')).toBeTruthy();
      const retried = await read(requestToken('java', key.credentials, { timestamp: timestamp.body.timestamp }));
      expect(retried.status, retried.text).toBe(200);

      // C++: the Date header of the 401 answer.
      const future = await read(requestToken('cpp', key.credentials, { timestamp: now + 3600 }));
      expectOAuthError(future, ERRORS.timestamp);
      const serverTime = Math.floor(Date.parse(future.headers.get('date') ?? '') / 1000);
      const cppRetry = await read(requestToken('cpp', key.credentials, { timestamp: serverTime }));
      expect(cppRetry.status, cppRetry.text).toBe(200);

      // Inside the window (10 minutes by default) is fine.
      expect((await read(requestToken('python', key.credentials, { timestamp: now - 300 }))).status).toBe(200);
      expect((await read(requestToken('typescript', key.credentials, { timestamp: now + 300 }))).status).toBe(200);
    });

    it('401205 for HMAC-SHA1 or PLAINTEXT', async () => {
      for (const method of ['HMAC-SHA1', 'PLAINTEXT', 'ES512', 'hmac-sha256']) {
        expectOAuthError(
          await custom(key.credentials, { oauth: { oauth_signature_method: method } }),
          ERRORS.signatureMethod,
        );
      }
    });

    it('401206 for oauth_version 2.0', async () => {
      expectOAuthError(await custom(key.credentials, { oauth: { oauth_version: '2.0' } }), ERRORS.version);
    });

    it('401207 for a replayed request, checked per access key and only after the signature', async () => {
      const built = hereClients.cpp.build(key.credentials);
      expect((await read(send(built))).status).toBe(200);
      expectOAuthError(await read(send(built)), ERRORS.nonce);
      // Another client reusing the nonce with the same key is a replay too.
      const nonce = /oauth_nonce="([^"]+)"/.exec(built.headers.Authorization ?? '')?.[1] ?? '';
      expectOAuthError(await read(requestToken('java', key.credentials, { nonce })), ERRORS.nonce);
      // The nonce belongs to the key: another key may use it.
      const other = await org.accessKey(app);
      expect((await read(requestToken('cpp', other.credentials, { nonce }))).status).toBe(200);
      // A forged request does not burn a nonce.
      const fresh = 'never-used-before-nonce';
      expectOAuthError(
        await custom(key.credentials, { oauth: { oauth_nonce: fresh }, secret: 'wrong' }),
        ERRORS.signatureMismatch,
      );
      expect((await custom(key.credentials, { oauth: { oauth_nonce: fresh } })).status).toBe(200);
    });

    it('401207 for all but one of concurrent replays', async () => {
      const built = hereClients.python.build(key.credentials);
      const answers = await Promise.all(Array.from({ length: 8 }, () => read(send(built))));
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
        expectOAuthError(answer, ERRORS.nonce);
      }
    });

    it('401300 "Signature mismatch" for a wrong secret, an unknown key or a tampered request', async () => {
      for (const client of ['typescript', 'java', 'cpp', 'python'] as const) {
        const wrongSecret = { ...key.credentials, accessKeySecret: `${key.credentials.accessKeySecret}x` };
        expectOAuthError(await read(requestToken(client, wrongSecret)), ERRORS.signatureMismatch);
      }
      const unknownKey = { ...key.credentials, accessKeyId: 'AAAAAAAAAAAAAAAAAAAAAA' };
      expectOAuthError(await read(requestToken('cpp', unknownKey)), ERRORS.signatureMismatch);
      // The form body is signed: changing it afterwards breaks the signature.
      const built = hereClients.java.build(key.credentials, { expiresIn: 60 });
      built.body = built.body.replace('expires_in=60', 'expires_in=600');
      expectOAuthError(await read(send(built)), ERRORS.signatureMismatch);
      // Signed for another host.
      const elsewhere = hereClients.typescript.build(key.credentials, {
        tokenUrl: 'https://evil.example.com/oauth2/token',
        via: { from: 'https://evil.example.com', to: server.url },
      });
      expectOAuthError(await read(send(elsewhere)), ERRORS.signatureMismatch);
    });

    it('401310 for the client id as consumer key', async () => {
      const answer = await read(requestToken('typescript', { ...key.credentials, accessKeyId: app.clientId }));
      expectOAuthError(answer, ERRORS.clientIdAsKey);
    });

    it('401311 for a deactivated app, whose tokens stop working too; reactivation restores both', async () => {
      const { app: other, key: otherKey } = await org.appWithKey();
      const token = await tokenOf(otherKey.credentials);
      await org.manage('POST', `/apps/${encodeURIComponent(other.hrn)}/deactivate`);
      expectOAuthError(await read(requestToken('java', otherKey.credentials)), ERRORS.notActive);
      const basicAuth = await api.post('/oauth2/token', undefined, {
        form: { grant_type: 'client_credentials' },
        headers: { Authorization: basic(otherKey.credentials.accessKeyId, otherKey.credentials.accessKeySecret) },
      });
      expectOAuthError(basicAuth, ERRORS.notActive);
      expectHereError(await appMe(token), 401, 401311);
      expectHereError(await verify(token), 401, 401311);
      expect((await introspect(token, key.credentials)).body).toEqual({ active: false });

      await org.manage('POST', `/apps/${other.clientId}/activate`);
      expect((await appMe(token)).status).toBe(200);
      expect((await read(requestToken('java', otherKey.credentials))).status).toBe(200);
    });

    it('401424 for a disabled access key', async () => {
      const other = await org.accessKey(app);
      await org.manage('POST', `/apps/${app.clientId}/accessKeys/${other.accessKeyId}/disable`);
      for (const client of ['typescript', 'java', 'cpp', 'python'] as const) {
        expectOAuthError(await read(requestToken(client, other.credentials)), ERRORS.keyDisabled);
      }
      // The app's other key is not affected.
      expect((await read(requestToken('cpp', key.credentials))).status).toBe(200);
    });

    it('400200 with field 400290 for an unknown grant type', async () => {
      for (const answer of [
        await custom(key.credentials, { json: { grantType: 'jwtIssNotHERE' } }),
        await custom(key.credentials, { form: [['grant_type', 'authorization_code']] }),
      ]) {
        expect(answer.status, answer.text).toBe(400);
        expect(answer.body).toMatchObject({
          httpStatus: 400,
          errorCode: 400200,
          message: INVALID_DATA,
          error: 'unsupported_grant_type',
          errorFields: [{ name: 'grantType', errorCode: 400290, message: 'Illegal grant type.' }],
        });
      }
      const missing = await custom(key.credentials, { json: { expiresIn: 60 } });
      expect(missing.status, missing.text).toBe(400);
      expect(missing.body).toMatchObject({ errorCode: 400200, error: 'invalid_request' });
    });

    it('400002 for invalid JSON', async () => {
      const built = buildCustomRequest(key.credentials);
      built.body = '{"grantType":"client_credentials",';
      expectOAuthError(await read(send(built)), ERRORS.invalidJson);
    });

    it('400200 for a negative or non-numeric expiresIn', async () => {
      for (const expiresIn of [-1, 'soon']) {
        const answer = await custom(key.credentials, { json: { grantType: 'client_credentials', expiresIn } });
        expect(answer.status, answer.text).toBe(400);
        expect(answer.body).toMatchObject({ errorCode: 400200, errorFields: [{ name: 'expiresIn' }] });
      }
    });
  });

  describe('token lifetime (expiresIn, spec §1.4)', () => {
    function lifetimeOf(token: string) {
      const claims = decodeJwt(token);
      return (claims.exp ?? 0) - (claims.iat ?? 0);
    }

    it('absent or 0 gives the app tokenDuration, less is honoured, more is capped', async () => {
      const { app, key } = await org.appWithKey();
      expect(app.tokenDuration).toBe(86_400);
      const cases: Array<[HereClientName, number | undefined, number]> = [
        ['cpp', undefined, 86_400],
        ['java', 0, 86_400],
        ['typescript', 0, 86_400],
        ['typescript', 3600, 3600],
        ['java', 7200, 7200],
        ['cpp', 90_000, 86_400],
        ['python', undefined, 86_400],
      ];
      for (const [client, expiresIn, expected] of cases) {
        const answer = await read(requestToken(client, key.credentials, expiresIn === undefined ? {} : { expiresIn }));
        expect(answer.status, answer.text).toBe(200);
        expect(answer.body.expiresIn ?? answer.body.expires_in, `${client} ${expiresIn}`).toBe(expected);
        expect(lifetimeOf(answer.body.accessToken ?? answer.body.access_token)).toBe(expected);
      }

      await org.manage('PATCH', `/apps/${app.clientId}`, { tokenDuration: 600 });
      for (const [client, expiresIn, expected] of [
        ['cpp', undefined, 600],
        ['typescript', 3600, 600],
        ['java', 300, 300],
      ] as const) {
        const answer = await read(requestToken(client, key.credentials, expiresIn === undefined ? {} : { expiresIn }));
        expect(answer.body.expiresIn ?? answer.body.expires_in, `${client} ${expiresIn}`).toBe(expected);
        expect(lifetimeOf(answer.body.accessToken ?? answer.body.access_token)).toBe(expected);
      }
    });

    it('an app created with a tokenDuration uses it', async () => {
      const { key } = await org.appWithKey({ tokenDuration: 1800 });
      const answer = await read(requestToken('cpp', key.credentials));
      expect(answer.body.expiresIn).toBe(1800);
    });
  });

  describe('scope (spec §1.6)', () => {
    let app: AppView;
    let key: KeyView;
    beforeAll(async () => {
      ({ app, key } = await org.appWithKey());
    });

    it('403109 for a project the app is not a member of', async () => {
      expectOAuthError(
        await read(requestToken('typescript', key.credentials, { scope: org.project('p1') })),
        ERRORS.notMember,
      );
      expectOAuthError(
        await read(requestToken('java', key.credentials, { scope: org.project('p1') })),
        ERRORS.notMember,
      );
      // A project of another organization.
      expectOAuthError(
        await read(requestToken('cpp', key.credentials, { scope: 'hrn:here:authorization::other-org:project/p1' })),
        ERRORS.notMember,
      );
    });

    it('400981 for two projects', async () => {
      const scope = `${org.project('p1')} ${org.project('p2')}`;
      expectOAuthError(await read(requestToken('typescript', key.credentials, { scope })), ERRORS.oneProject);
      // Java sends the space as "+", and signs the decoded value.
      expectOAuthError(await read(requestToken('java', key.credentials, { scope })), ERRORS.oneProject);
    });

    it.each([
      ['garbage', 400927],
      ['hrn:here:account::realm:app/abc', 400927],
      ['hrn:here:authorization::realm:group/GROUP-1', 400927],
      ['hrn:here:authorization::realm:project/é', 400909],
      ['project\u0000', 400909],
    ])('400200 for the scope %j (%i)', async (scope, fieldCode) => {
      const answer = await read(requestToken('typescript', key.credentials, { scope }));
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toMatchObject({
        httpStatus: 400,
        errorCode: 400200,
        message: INVALID_DATA,
        error: 'invalid_scope',
        errorFields: [{ name: 'scope', errorCode: fieldCode }],
      });
    });

    it('an empty scope or "openid" alone gives an unscoped token', async () => {
      for (const scope of ['', '  ', 'openid']) {
        const answer = await read(requestToken('typescript', key.credentials, { scope }));
        expect(answer.status, `${JSON.stringify(scope)}: ${answer.text}`).toBe(200);
        expect(answer.body).not.toHaveProperty('scope');
        expect(decodeJwt(answer.body.accessToken)).not.toHaveProperty('scp');
      }
    });

    it('the app default scope applies to unscoped requests, and restricts the others', async () => {
      const { app: scoped, key: scopedKey } = await org.appWithKey();
      const put = await org.manage('PUT', `/apps/${encodeURIComponent(scoped.hrn)}/defaultScope`, {
        scope: org.project('home'),
        isRestricted: true,
      });
      expect(put.body).toMatchObject({ defaultScope: org.project('home'), isRestrictedScope: true });
      // Unscoped requests get the default project, of which the app is not a member (no projects yet).
      expectOAuthError(await read(requestToken('cpp', scopedKey.credentials)), ERRORS.notMember);
      // Another project is refused outright.
      expectOAuthError(
        await read(requestToken('typescript', scopedKey.credentials, { scope: org.project('elsewhere') })),
        ERRORS.restricted,
      );
      // Asking for the default project explicitly is like asking for nothing.
      expectOAuthError(
        await read(requestToken('java', scopedKey.credentials, { scope: org.project('home') })),
        ERRORS.notMember,
      );

      await org.manage('PUT', `/apps/${scoped.clientId}/defaultScope`, {
        scope: org.project('home'),
        isRestricted: false,
        alwaysProjectScope: true,
      });
      expectOAuthError(
        await read(requestToken('typescript', scopedKey.credentials, { scope: org.project('elsewhere') })),
        ERRORS.restricted,
      );
      expectOAuthError(await read(requestToken('cpp', scopedKey.credentials)), ERRORS.notMember);

      await org.manage('PUT', `/apps/${scoped.clientId}/defaultScope`, {
        scope: org.project('home'),
        isRestricted: false,
        alwaysProjectScope: false,
      });
      // Not restricted: other projects are checked on their own merits.
      expectOAuthError(
        await read(requestToken('typescript', scopedKey.credentials, { scope: org.project('elsewhere') })),
        ERRORS.notMember,
      );

      await org.manage('DELETE', `/apps/${scoped.clientId}/defaultScope`);
      expect((await read(requestToken('cpp', scopedKey.credentials))).status).toBe(200);
      // The first app never had a default scope.
      expect((await read(requestToken('cpp', key.credentials))).status).toBe(200);
      expect((await api.get(`${AUTHN}/apps/${app.clientId}/defaultScope`, { token: org.token })).status).toBe(404);
    });
  });

  describe('access keys', () => {
    it('several keys of one app work at once, each token tied to its key', async () => {
      const app = await org.app();
      const keys = await Promise.all([org.accessKey(app), org.accessKey(app), org.accessKey(app)]);
      expect(new Set(keys.map((key) => key.accessKeyId)).size).toBe(3);
      const clients: HereClientName[] = ['typescript', 'java', 'python'];
      const tokens = await Promise.all(keys.map((key, index) => tokenOf(key.credentials, clients[index])));
      for (const [index, token] of tokens.entries()) {
        expect(decodeJwt(token)).toMatchObject({
          sub: app.clientId,
          aid: app.clientId,
          akid: keys[index]?.accessKeyId,
        });
        expect((await appMe(token)).body.clientId).toBe(app.clientId);
      }
      const list = await api.get(`${AUTHN}/apps/${app.clientId}/accessKeys`, { token: org.token });
      expect(list.body.total).toBe(3);
    });

    it('rotation: a second key, both work, the first is disabled and its tokens end, then it is deleted', async () => {
      const app = await org.app();
      const first = await org.accessKey(app);
      const firstToken = await tokenOf(first.credentials, 'java');
      const second = await org.accessKey(app);
      const secondToken = await tokenOf(second.credentials, 'typescript');
      for (const token of [firstToken, secondToken]) {
        expect((await appMe(token)).status).toBe(200);
        expect((await verify(token)).status).toBe(200);
      }

      await org.manage('POST', `/apps/${encodeURIComponent(app.hrn)}/accessKeys/${first.accessKeyId}/disable`);
      expectHereError(await verify(firstToken), 401, 401424, 'Access key has been disabled.');
      expectHereError(await appMe(firstToken), 401, 401424);
      expect((await introspect(firstToken, second.credentials)).body).toEqual({ active: false });
      expectOAuthError(await read(requestToken('java', first.credentials)), ERRORS.keyDisabled);
      expect((await appMe(secondToken)).status).toBe(200);
      expect((await verify(await tokenOf(second.credentials, 'cpp'))).status).toBe(200);

      await org.manage('DELETE', `/apps/${app.clientId}/accessKeys/${first.accessKeyId}`);
      expectHereError(await verify(firstToken), 401, 401701);
      expectOAuthError(await read(requestToken('java', first.credentials)), ERRORS.signatureMismatch);
      const list = await api.get(`${AUTHN}/apps/${app.clientId}/accessKeys`, { token: org.token });
      expect(list.body.items.map((item: { accessKeyId: string }) => item.accessKeyId)).toEqual([second.accessKeyId]);
      expect((await appMe(secondToken)).status).toBe(200);
    });
  });

  describe('revocation and introspection (RFC 7009, RFC 7662)', () => {
    it('the client revokes its token; another app may not', async () => {
      const { app, key } = await org.appWithKey();
      const { key: otherKey } = await org.appWithKey();
      const token = await tokenOf(key.credentials);
      const claims = decodeJwt(token);

      const active = await introspect(token, otherKey.credentials);
      expect(active.status, active.text).toBe(200);
      expect(active.headers.get('cache-control')).toContain('no-store');
      expect(active.body).toEqual({
        active: true,
        token_type: 'Bearer',
        sub: app.clientId,
        client_id: app.clientId,
        realm: org.admin.realm,
        iss: server.url,
        aud: server.url,
        jti: claims.jti,
        iat: claims.iat,
        exp: claims.exp,
      });

      const stolen = await api.post('/oauth2/revoke', undefined, {
        form: { token },
        headers: { Authorization: basic(otherKey.credentials.accessKeyId, otherKey.credentials.accessKeySecret) },
      });
      expectOAuthError(stolen, ERRORS.notOwned);
      expect((await appMe(token)).status).toBe(200);

      expectOAuthError(await api.post('/oauth2/revoke', undefined, { form: { token } }), ERRORS.headerMissing);

      // Revocation signed with OAuth 1.0 like a token request.
      const revoked = await custom(key.credentials, {
        url: `${server.url}/oauth2/revoke`,
        form: [['token', token]],
      });
      expect(revoked.status, revoked.text).toBe(200);
      expectHereError(await verify(token), 401, 401701, 'Access Token no longer valid.');
      expectHereError(await appMe(token), 401, 401701);
      expect((await introspect(token, otherKey.credentials)).body).toEqual({ active: false });
      // Revoking again, or a token that is not ours, is not an error.
      const again = await api.post('/oauth2/revoke', undefined, {
        form: { token },
        headers: { Authorization: basic(key.credentials.accessKeyId, key.credentials.accessKeySecret) },
      });
      expect(again.status, again.text).toBe(200);
      const unknown = await api.post('/oauth2/revoke', undefined, {
        form: { token: 'not-a-token' },
        headers: { Authorization: basic(key.credentials.accessKeyId, key.credentials.accessKeySecret) },
      });
      expect(unknown.status, unknown.text).toBe(200);
      // Other tokens of the app keep working.
      expect((await appMe(await tokenOf(key.credentials))).status).toBe(200);
    });

    it('a token may revoke itself as bearer', async () => {
      const { key } = await org.appWithKey();
      const token = await tokenOf(key.credentials);
      const answer = await api.post('/oauth2/revoke', { token }, { token });
      expect(answer.status, answer.text).toBe(200);
      expectHereError(await verify(token), 401, 401701);
    });

    it('introspection needs an authenticated caller and answers only {active:false} for bad tokens', async () => {
      const { key } = await org.appWithKey();
      expectOAuthError(await api.post('/oauth2/introspect', undefined, { form: { token: 'x' } }), ERRORS.headerMissing);
      const bad = await api.post('/oauth2/introspect', undefined, {
        form: { token: 'x' },
        headers: { Authorization: basic(key.credentials.accessKeyId, 'wrong') },
      });
      expectOAuthError(bad, ERRORS.invalidClient);
      for (const token of ['garbage', 'a.b.c', `${(await tokenOf(key.credentials)).slice(0, -4)}AAAA`]) {
        expect((await introspect(token, key.credentials)).body).toEqual({ active: false });
      }
    });

    it('user tokens: access and refresh tokens introspect, and end with the session', async () => {
      const { key } = await org.appWithKey();
      const session = await signIn(api, org.admin);
      const access = await introspect(session.accessToken, key.credentials);
      expect(access.body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        sub: org.admin.userId,
        realm: org.admin.realm,
        iss: server.url,
      });
      expect(access.body).not.toHaveProperty('client_id');
      const refresh = await introspect(session.refreshToken, key.credentials);
      expect(refresh.body).toMatchObject({ active: true, token_type: 'refresh_token', sub: org.admin.userId });

      expect((await api.post('/logout', undefined, { token: session.accessToken })).status).toBe(204);
      expect((await introspect(session.accessToken, key.credentials)).body).toEqual({ active: false });
      expect((await introspect(session.refreshToken, key.credentials)).body).toEqual({ active: false });
      expectHereError(await verify(session.accessToken), 401, 401701);
    });
  });

  describe('the end of apps and users', () => {
    it('deleting an app ends its tokens and credentials', async () => {
      const { app, key } = await org.appWithKey();
      const { key: observer } = await org.appWithKey();
      const token = await tokenOf(key.credentials);
      await org.manage('DELETE', `/apps/${encodeURIComponent(app.hrn)}`);
      expectHereError(await verify(token), 401, 404660);
      expectHereError(await appMe(token), 401, 404660);
      expect((await introspect(token, observer.credentials)).body).toEqual({ active: false });
      expectOAuthError(await read(requestToken('cpp', key.credentials)), ERRORS.signatureMismatch);
      expectOAuthError(
        await read(requestToken('cpp', { ...key.credentials, accessKeyId: app.clientId })),
        ERRORS.signatureMismatch,
      );
    });

    it('deleting a user ends their tokens', async () => {
      const { key } = await org.appWithKey();
      const email = uniqueEmail('member');
      const password = strongPassword();
      const invite = await api.post(
        '/authorization/v1.1/realms/me/invites',
        { emailAddress: email },
        { token: org.token },
      );
      expect(invite.status, invite.text).toBe(201);
      const mail = await server.mailbox.next(email, 0);
      const inviteToken = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      expect(inviteToken).toBeTruthy();
      const joined = await api.post('/user', { email, password, firstname: 'Grace', lastname: 'Hopper', inviteToken });
      expect(joined.status, joined.text).toBe(201);
      const member = await signIn(api, { email, password });
      expect((await verify(member.accessToken)).body).toMatchObject({ active: true, tokenType: 'user' });

      expect((await api.post('/user/me/deactivate', undefined, { token: member.accessToken })).status).toBe(204);
      expectHereError(await verify(member.accessToken), 401, 401500);
      expect((await introspect(member.accessToken, key.credentials)).body).toEqual({ active: false });
      expect((await api.delete('/user/me', { token: member.accessToken })).status).toBe(204);
      expectHereError(await verify(member.accessToken), 401, 401600);
      expect((await introspect(member.accessToken, key.credentials)).body).toEqual({ active: false });
      expect((await introspect(member.refreshToken, key.credentials)).body).toEqual({ active: false });
    });
  });

  describe('password grant signed by an app', () => {
    it('the user token carries the app', async () => {
      const { app, key } = await org.appWithKey();
      const answer = await custom(key.credentials, {
        json: { grantType: 'password', email: org.admin.email, password: org.admin.password },
      });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({
        accessToken: expect.any(String),
        tokenType: 'bearer',
        refreshToken: expect.any(String),
        userId: org.admin.userId,
      });
      expect(decodeJwt(answer.body.accessToken)).toMatchObject({ sub: org.admin.userId, aid: app.clientId });
      const introspected = await introspect(answer.body.accessToken, key.credentials);
      expect(introspected.body).toMatchObject({ active: true, sub: org.admin.userId, client_id: app.clientId });
      const verified = await verify(answer.body.accessToken);
      expect(verified.body).toMatchObject({ tokenType: 'user', userId: org.admin.userId, clientId: app.clientId });
      expect((await introspect(answer.body.refreshToken, key.credentials)).body).toMatchObject({
        active: true,
        token_type: 'refresh_token',
        client_id: app.clientId,
      });

      // A form request gets snake_case, and a bad signature is refused even though the password is right.
      const form = await custom(key.credentials, {
        form: [
          ['grant_type', 'password'],
          ['email', org.admin.email],
          ['password', org.admin.password],
        ],
      });
      expect(form.status, form.text).toBe(200);
      expect(form.body).toMatchObject({
        access_token: expect.any(String),
        token_type: 'bearer',
        user_id: org.admin.userId,
      });
      const forged = await custom(key.credentials, {
        secret: 'wrong',
        json: { grantType: 'password', email: org.admin.email, password: org.admin.password },
      });
      expectOAuthError(forged, ERRORS.signatureMismatch);

      // Refreshing keeps the app on the new access token.
      const refreshed = await api.post('/oauth2/token', {
        grantType: 'refresh_token',
        refreshToken: answer.body.refreshToken,
      });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect(decodeJwt(refreshed.body.accessToken)).toMatchObject({ sub: org.admin.userId, aid: app.clientId });

      // A deactivated app signs nobody in.
      await org.manage('POST', `/apps/${app.clientId}/deactivate`);
      const inactive = await custom(key.credentials, {
        json: { grantType: 'password', email: org.admin.email, password: org.admin.password },
      });
      expectOAuthError(inactive, ERRORS.notActive);
    });
  });

  describe('metadata and token signatures', () => {
    it('publishes RFC 8414 metadata and a JWKS that verifies issued tokens (ES256)', async () => {
      const metadata = await api.get('/.well-known/oauth-authorization-server');
      expect(metadata.status).toBe(200);
      expect(metadata.body).toMatchObject({
        issuer: server.url,
        token_endpoint: `${server.url}/oauth2/token`,
        jwks_uri: `${server.url}/.well-known/jwks.json`,
        introspection_endpoint: `${server.url}/oauth2/introspect`,
        revocation_endpoint: `${server.url}/oauth2/revoke`,
        grant_types_supported: expect.arrayContaining(['client_credentials', 'password', 'refresh_token']),
      });

      const jwksAnswer = await read(fetch(metadata.body.jwks_uri));
      expect(jwksAnswer.status).toBe(200);
      const jwks = jwksAnswer.body as { keys: Array<Record<string, unknown>> };
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const jwk of jwks.keys) {
        expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
        expect(jwk).not.toHaveProperty('d');
      }

      const { app, key } = await org.appWithKey();
      const token = await tokenOf(key.credentials, 'typescript');
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
        algorithms: ['ES256'],
        issuer: server.url,
        audience: server.url,
        typ: 'at+jwt',
      });
      expect(payload).toMatchObject({
        sub: app.clientId,
        aid: app.clientId,
        rlm: org.admin.realm,
        akid: key.accessKeyId,
        jti: expect.any(String),
      });
      // Pinned to ES256: the same JWKS refuses other algorithms.
      await expect(
        jwtVerify(token, createLocalJWKSet(jwks as never), { algorithms: ['RS256'], issuer: server.url }),
      ).rejects.toThrow();
    });

    it('refuses tokens signed by anyone else, or not at all', async () => {
      const { app, key } = await org.appWithKey();
      const real = decodeJwt(await tokenOf(key.credentials));
      const realHeader = decodeProtectedHeader(await tokenOf(key.credentials));
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...real })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(realHeader.kid ? { kid: realHeader.kid } : {}) })
        .sign(privateKey);
      expectHereError(await verify(forged), 401, 400601);
      expectHereError(await appMe(forged), 401, 400601);

      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(real)}.`;
      expectHereError(await appMe(unsigned), 401, 400300, 'Invalid characters in access token.');
      const noSignature = `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(real)}.AAAA`;
      expectHereError(await appMe(noSignature), 401, 400601);
      expect(app.clientId).toBe(real.sub);
    });
  });
});

describe('behind a proxy, with per-app rate limits', () => {
  const PUBLIC = 'https://iam.example.com/gh';
  let server: TestServer;
  let direct: string;
  let org: Organization;
  /** The server's clock runs this many milliseconds ahead of ours. */
  let skew = 0;

  beforeAll(async () => {
    server = await startTestServer({
      config: { publicUrl: PUBLIC, appRateLimitPer15Minutes: 4 },
      clock: () => Date.now() + skew,
    });
    direct = `http://127.0.0.1:${server.gatehouse.config.port}`;
    org = await Organization.create(new ApiClient(direct));
  });
  afterAll(() => server.close());

  const via = () => ({ from: PUBLIC, to: direct });

  it('hands out credentials for the public token URL and accepts signatures made for it', async () => {
    const { app, key } = await org.appWithKey();
    expect(key.credentials.tokenEndpointUrl).toBe(`${PUBLIC}/oauth2/token`);
    for (const client of ['typescript', 'java', 'cpp'] as const) {
      const answer = await read(requestToken(client, key.credentials, { via: via() }));
      expect(answer.status, `${client}: ${answer.text}`).toBe(200);
      const token = answer.body.accessToken ?? answer.body.access_token;
      expect(decodeJwt(token)).toMatchObject({ iss: PUBLIC, aud: PUBLIC, sub: app.clientId });
    }
  });

  it('accepts the TypeScript SDK signing an explicit :443, and the direct address', async () => {
    const { key } = await org.appWithKey();
    const explicitPort = await read(
      requestToken('typescript', key.credentials, {
        tokenUrl: 'https://iam.example.com:443/gh/oauth2/token',
        via: { from: 'https://iam.example.com:443/gh', to: direct },
      }),
    );
    expect(explicitPort.status, explicitPort.text).toBe(200);
    const python = await read(requestToken('python', key.credentials, { tokenUrl: `${direct}/oauth2/token` }));
    expect(python.status, python.text).toBe(200);
  });

  it('refuses signatures for another host, scheme or path prefix', async () => {
    const { key } = await org.appWithKey();
    for (const base of ['https://other.example.com/gh', 'https://iam.example.com/other', 'http://iam.example.com/gh']) {
      const answer = await read(
        requestToken('cpp', key.credentials, { tokenUrl: `${base}/oauth2/token`, via: { from: base, to: direct } }),
      );
      expectOAuthError(answer, ERRORS.signatureMismatch);
    }
  });

  it('publishes the public URLs', async () => {
    const metadata = await org.api.get('/.well-known/oauth-authorization-server');
    expect(metadata.body).toMatchObject({
      issuer: PUBLIC,
      token_endpoint: `${PUBLIC}/oauth2/token`,
      jwks_uri: `${PUBLIC}/.well-known/jwks.json`,
    });
  });

  it('a client whose clock is off is told so (401204) and recovers with GET /timestamp', async () => {
    const { key } = await org.appWithKey();
    skew = 3_600_000;
    try {
      const stale = await read(requestToken('java', key.credentials, { via: via() }));
      expectOAuthError(stale, ERRORS.timestamp);
      const timestamp = await org.api.get('/timestamp');
      expect(timestamp.body.timestamp - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(3599);
      const retried = await read(
        requestToken('java', key.credentials, { via: via(), timestamp: timestamp.body.timestamp }),
      );
      expect(retried.status, retried.text).toBe(200);
    } finally {
      skew = 0;
    }
  });

  it('tokens expire (400600) by the server clock', async () => {
    const { key } = await org.appWithKey();
    const token = await tokenOf(key.credentials, 'typescript', { via: via(), expiresIn: 60 });
    const { key: observer } = await org.appWithKey();
    const introspect = () =>
      org.api.post('/oauth2/introspect', undefined, {
        form: { token },
        headers: { Authorization: basic(observer.credentials.accessKeyId, observer.credentials.accessKeySecret) },
      });
    expect((await introspect()).body).toMatchObject({ active: true });
    skew = 5 * 60_000;
    try {
      expectHereError(await org.api.post('/verify/accessToken', { token }, { token }), 401, 400600, 'Expired token.');
      expect((await introspect()).body).toEqual({ active: false });
    } finally {
      skew = 0;
    }
    expect((await introspect()).body).toMatchObject({ active: true });
  });

  it('429002 with Retry-After once an app has used its requests, at the token endpoint and /app/me', async () => {
    const { app, key } = await org.appWithKey();
    const token = await tokenOf(key.credentials, 'cpp', { via: via() }); // 1
    const api = org.api;
    expect((await api.get('/app/me', { token })).status).toBe(200); // 2
    expect((await api.post('/verify/accessToken', { token }, { token })).status).toBe(200); // 3
    expect((await api.get('/app/me', { token })).status).toBe(200); // 4

    const me = await api.get('/app/me', { token });
    expectHereError(me, 429, 429002, ERRORS.rateLimited[2]);
    const retryAfter = Number(me.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);

    const tokenRequest = await read(requestToken('java', key.credentials, { via: via() }));
    expectOAuthError(tokenRequest, ERRORS.rateLimited);
    expect(Number(tokenRequest.headers.get('retry-after'))).toBeGreaterThan(0);

    // The limit is per app: another app of the organization, and its users, carry on.
    const { key: otherKey } = await org.appWithKey();
    const otherToken = await tokenOf(otherKey.credentials, 'typescript', { via: via() });
    expect((await api.get('/app/me', { token: otherToken })).status).toBe(200);
    expect((await api.get('/user/me', { token: org.token })).status).toBe(200);
    expect((await api.get('/app/me', { token })).body.errorCode).toBe(429002);
    expect(decodeJwt(token).sub).toBe(app.clientId);
  });
});
