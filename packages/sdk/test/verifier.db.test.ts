import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import {
  type AuthenticatedRequest,
  gatehouseFastifyHook,
  gatehouseFastifyPlugin,
  gatehouseMiddleware,
  TokenProvider,
  TokenVerificationError,
  TokenVerifier,
  withGatehouse,
} from '../src/index.js';
import { type AppCredentials, appCredentials, countingFetch } from './support.js';

const DAY_MS = 86_400_000;

/** A token whose signature no longer matches its payload. */
const tampered = (token: string) => {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
  return `${header}.${forged}.${signature}`;
};

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('local token verification (JWKS)', () => {
  let server: TestServer;
  let app: AppCredentials;
  let token: string;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
    token = (await new TokenProvider({ credentials: app.credentials }).getToken()).accessToken;
    verifier = new TokenVerifier({ baseUrl: server.url });
  });
  afterAll(() => server.close());

  it('accepts a token of the server, with its claims', async () => {
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ sub: app.appId, aid: app.appId, rlm: app.admin.realm, iss: server.url });
  });

  it('refuses tampered, malformed, expired and foreign-audience tokens', async () => {
    const reason = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (error instanceof TokenVerificationError ? error.reason : String(error)),
      );
    expect(await reason(verifier.verify(tampered(token)))).toBe('invalid');
    expect(await reason(verifier.verify('not-a-jwt'))).toBe('malformed');
    expect(await reason(verifier.verify(''))).toBe('missing');
    const later = new TokenVerifier({ baseUrl: server.url, now: () => new Date(Date.now() + 2 * DAY_MS) });
    expect(await reason(later.verify(token))).toBe('expired');
    const otherAudience = new TokenVerifier({ baseUrl: server.url, audience: 'https://elsewhere.example' });
    expect(await reason(otherAudience.verify(token))).toBe('invalid');
    const otherIssuer = new TokenVerifier({ baseUrl: server.url, issuer: 'https://elsewhere.example' });
    expect(await reason(otherIssuer.verify(token))).toBe('invalid');
  });

  it('pins the algorithm: a verifier for EdDSA only refuses the ES256 tokens', async () => {
    const eddsa = new TokenVerifier({ baseUrl: server.url, algorithms: ['EdDSA'] });
    await expect(eddsa.verify(token)).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('fetches the key set once for many verifications', async () => {
    const counter = countingFetch();
    const original = globalThis.fetch;
    globalThis.fetch = counter.fetch;
    try {
      const fresh = new TokenVerifier({ baseUrl: server.url });
      await Promise.all(Array.from({ length: 10 }, () => fresh.verify(token)));
      await fresh.verify(token);
      expect(counter.count('/.well-known/jwks.json')).toBe(1);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('key rotation', () => {
  it('a verifier holding the old key set accepts tokens of the new key, and old tokens until they expire', async () => {
    const first = await startTestServer({ mail: false, keepData: true, config: { signingKeyRotationDays: 1 } });
    const port = Number(new URL(first.url).port);
    let second: TestServer | undefined;
    try {
      const app = await appCredentials(first);
      const oldToken = (await new TokenProvider({ credentials: app.credentials }).getToken()).accessToken;
      const verifier = new TokenVerifier({ baseUrl: first.url, cooldownMs: 0 });
      await verifier.verify(oldToken);
      await first.close();

      // Two days later the restarted server rotates its signing key on start.
      second = await startTestServer({
        mail: false,
        dataDir: first.dataDir,
        ...(first.databaseSchema ? { databaseSchema: first.databaseSchema } : {}),
        clock: () => Date.now() + 2 * DAY_MS,
        config: { port, signingKeyRotationDays: 1 },
      });
      const newToken = (await new TokenProvider({ credentials: app.credentials }).getToken()).accessToken;
      const kid = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()).kid;
      expect(kid(newToken)).not.toBe(kid(oldToken));
      expect((await verifier.verify(newToken)).sub).toBe(app.appId);
      expect((await verifier.verify(oldToken)).sub).toBe(app.appId);
    } finally {
      await second?.close();
    }
  });
});

describe('resource server adapters', () => {
  let server: TestServer;
  let token: string;
  let verifier: TokenVerifier;
  let appId: string;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    const app = await appCredentials(server);
    appId = app.appId;
    token = (await new TokenProvider({ credentials: app.credentials }).getToken()).accessToken;
    verifier = new TokenVerifier({ baseUrl: server.url });
  });
  afterAll(() => server.close());

  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  it('fastify plugin: guards every route of the instance and sets request.auth', async () => {
    const resource = Fastify();
    await resource.register(gatehouseFastifyPlugin({ verifier }));
    resource.get('/whoami', async (request) => ({ sub: (request as unknown as { auth: { sub: string } }).auth.sub }));
    try {
      const ok = await resource.inject({ url: '/whoami', headers: bearer(token) });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ sub: appId });

      const missing = await resource.inject({ url: '/whoami' });
      expect(missing.statusCode).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.json()).toEqual({ error: 'Unauthorized', error_description: 'A bearer token is required.' });

      const forged = await resource.inject({ url: '/whoami', headers: bearer(tampered(token)) });
      expect(forged.statusCode).toBe(401);
      expect(forged.headers['www-authenticate']).toContain('error="invalid_token"');
    } finally {
      await resource.close();
    }
  });

  it('fastify hook: guards only the routes it is attached to', async () => {
    const resource = Fastify();
    const guard = gatehouseFastifyHook({ verifier });
    resource.get('/open', async () => ({ open: true }));
    resource.get('/closed', { onRequest: guard }, async () => ({ closed: true }));
    try {
      expect((await resource.inject({ url: '/open' })).statusCode).toBe(200);
      expect((await resource.inject({ url: '/closed' })).statusCode).toBe(401);
      expect((await resource.inject({ url: '/closed', headers: bearer(token) })).statusCode).toBe(200);
    } finally {
      await resource.close();
    }
  });

  it('express-style middleware over node:http: next() with req.auth, refusals answered', async () => {
    const middleware = gatehouseMiddleware({ verifier });
    const resource = await listen((request, response) => {
      middleware(request as AuthenticatedRequest, response, (error) => {
        if (error) {
          response.writeHead(500).end();
          return;
        }
        response.end(JSON.stringify({ sub: (request as AuthenticatedRequest).auth?.sub }));
      });
    });
    try {
      const ok = await fetch(`${urlOf(resource)}/`, { headers: bearer(token) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ sub: appId });
      const refused = await fetch(`${urlOf(resource)}/`, { headers: bearer('garbage') });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: 'Unauthorized', error_description: 'The token is not valid.' });
    } finally {
      await closeServer(resource);
    }
  });

  it('plain node:http: the handler runs only for accepted requests', async () => {
    let calls = 0;
    const resource = await listen(
      withGatehouse({ verifier }, (_request, response, claims) => {
        calls += 1;
        response.end(claims.rlm);
      }),
    );
    try {
      expect((await fetch(`${urlOf(resource)}/`)).status).toBe(401);
      expect(calls).toBe(0);
      const ok = await fetch(`${urlOf(resource)}/`, { headers: bearer(token) });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^org-/);
      expect(calls).toBe(1);
    } finally {
      await closeServer(resource);
    }
  });
});
