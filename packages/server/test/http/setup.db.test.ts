import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { dropSchema } from '../support/backend.js';
import {
  expectError,
  signIn,
  signUpOrganization,
  strongPassword,
  uniqueEmail,
  uniqueRealm,
} from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const invitesPath = (realm: string) => `/authorization/v1.1/realms/${realm}/invites`;

function setupToken(server: TestServer): string {
  const first = server.gatehouse.firstStart;
  if (first.kind !== 'setup-link') throw new Error(`expected a set-up link, got ${first.kind}`);
  const match = /#token=([A-Za-z0-9_-]{43})$/.exec(first.url);
  if (!match?.[1]) throw new Error(`no token in ${first.url}`);
  return match[1];
}

const setupStatus = async (server: TestServer, token: string) =>
  (await server.api.post('/setup/status', { token })).body as { open: boolean };

describe('first start without bootstrap settings: the set-up link', () => {
  let current: TestServer;
  let firstToken: string;
  let secondToken: string;
  const admin = { email: uniqueEmail('setup'), password: strongPassword(), realm: uniqueRealm('first') };
  const form = () => ({
    realm: admin.realm,
    organizationName: 'First Org',
    email: admin.email,
    password: admin.password,
    firstname: 'Ada',
    lastname: 'Lovelace',
  });

  /** Restarts the server on the same data directory or PostgreSQL schema. */
  async function restart() {
    const previous = current;
    await previous.close();
    current = await startTestServer({
      keepData: true,
      dataDir: previous.dataDir,
      ...(previous.databaseSchema ? { databaseSchema: previous.databaseSchema } : {}),
    });
  }

  beforeAll(async () => {
    current = await startTestServer({ keepData: true });
  });
  afterAll(async () => {
    await current.close();
    await rm(current.dataDir, { recursive: true, force: true });
    if (current.databaseSchema) await dropSchema(current.databaseSchema);
  });

  it('issues a one-time set-up link on an empty database', async () => {
    const first = current.gatehouse.firstStart;
    expect(first).toEqual({
      kind: 'setup-link',
      url: expect.stringMatching(new RegExp(`^${current.url}/setup#token=[A-Za-z0-9_-]{43}$`)),
      expiresInSeconds: 86_400,
    });
    firstToken = setupToken(current);
    expect(await setupStatus(current, firstToken)).toEqual({ open: true });
    expect(await setupStatus(current, 'not-the-token')).toEqual({ open: false });

    const page = await current.api.get('/setup');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Set up Gatehouse');
  });

  it('refuses a wrong token and a bad form without using up the link', async () => {
    expectError(await current.api.post('/setup', { ...form(), token: 'wrong-token' }), 400, 400610);
    const weak = await current.api.post('/setup', { ...form(), token: firstToken, password: 'short' });
    expectError(weak, 400, 400200);
    expect(weak.body.errorFields).toMatchObject([{ name: 'password', errorCode: 400206 }]);
    const invalid = await current.api.post('/setup', { ...form(), token: firstToken, realm: '-bad realm-' });
    expectError(invalid, 400, 400200);
    expect(invalid.body.errorFields).toMatchObject([{ name: 'realm', errorCode: 400203 }]);
    expect(await setupStatus(current, firstToken)).toEqual({ open: true });
  });

  it('issues a new link at a restart; the old one stops working', async () => {
    await restart();
    expect(current.gatehouse.firstStart.kind).toBe('setup-link');
    secondToken = setupToken(current);
    expect(secondToken).not.toBe(firstToken);
    expect(await setupStatus(current, firstToken)).toEqual({ open: false });
    expect(await setupStatus(current, secondToken)).toEqual({ open: true });
    expectError(await current.api.post('/setup', { ...form(), token: firstToken }), 400, 400610);
  });

  it('creates the first organization and its OrgAdmin, once', async () => {
    const created = await current.api.post('/setup', { ...form(), token: secondToken });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({ userId: expect.stringMatching(/^HERE-/), realm: admin.realm });

    const tokens = await signIn(current.api, admin);
    expect(tokens.userId).toBe(created.body.userId);
    const me = await current.api.get('/user/me', { token: tokens.accessToken });
    expect(me.body).toMatchObject({
      realm: admin.realm,
      email: admin.email,
      firstname: 'Ada',
      lastname: 'Lovelace',
      emailVerified: true,
      state: 'enabled',
    });
    // OrgAdmin: may invite with roles.
    const role = await current.gatehouse.storage.roles.findByName(
      admin.realm,
      'OrgAdmin',
      `hrn:here:account::${admin.realm}:realm/${admin.realm}`,
    );
    const invited = await current.api.post(
      invitesPath(admin.realm),
      { emailAddress: uniqueEmail(), roles: [`hrn:here:authorization::${admin.realm}:role/${role?.id}`] },
      { token: tokens.accessToken },
    );
    expect(invited.status, invited.text).toBe(201);

    const again = await current.api.post('/setup', {
      ...form(),
      token: secondToken,
      realm: uniqueRealm(),
      email: uniqueEmail(),
    });
    expectError(again, 409, 409111);
    expect(again.body.action).toBe('Sign in instead.');
    expect(await setupStatus(current, secondToken)).toEqual({ open: false });
  });

  it('prints no link once an organization exists', async () => {
    await restart();
    expect(current.gatehouse.firstStart).toEqual({ kind: 'ready' });
    expect(await setupStatus(current, secondToken)).toEqual({ open: false });
    await signIn(current.api, admin);
  });
});

describe('the set-up link after someone signed up', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('is refused (409111) once an organization exists', async () => {
    const token = setupToken(server);
    await signUpOrganization(server.api);
    expect(await setupStatus(server, token)).toEqual({ open: false });
    const refused = await server.api.post('/setup', {
      token,
      realm: uniqueRealm(),
      organizationName: 'Late',
      email: uniqueEmail(),
      password: strongPassword(),
      firstname: 'Late',
      lastname: 'Comer',
    });
    expectError(refused, 409, 409111);
  });
});

describe('first start with the bootstrap settings', () => {
  const bootstrap = {
    bootstrapOrg: uniqueRealm('boot'),
    bootstrapOrgName: 'Bootstrapped Inc.',
    bootstrapEmail: uniqueEmail('boot'),
    bootstrapPassword: strongPassword(),
  };
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: bootstrap, keepData: true });
  });
  afterAll(() => server.close());

  it('creates the organization and its OrgAdmin', async () => {
    expect(server.gatehouse.firstStart).toEqual({
      kind: 'bootstrapped',
      realm: bootstrap.bootstrapOrg,
      email: bootstrap.bootstrapEmail,
    });
    const organization = await server.gatehouse.storage.organizations.findById(bootstrap.bootstrapOrg);
    expect(organization?.name).toBe('Bootstrapped Inc.');

    const tokens = await signIn(server.api, { email: bootstrap.bootstrapEmail, password: bootstrap.bootstrapPassword });
    const me = await server.api.get('/user/me', { token: tokens.accessToken });
    expect(me.body).toMatchObject({
      realm: bootstrap.bootstrapOrg,
      email: bootstrap.bootstrapEmail,
      emailVerified: true,
    });
    const invited = await server.api.post(
      invitesPath('me'),
      { emailAddress: uniqueEmail() },
      { token: tokens.accessToken },
    );
    expect(invited.status, invited.text).toBe(201);
    // No set-up link was issued.
    expect((await server.api.post('/setup/status', { token: 'x'.repeat(43) })).body).toEqual({ open: false });
  });

  it('does nothing on later starts, even with another password', async () => {
    const { dataDir, databaseSchema } = server;
    await server.close();
    server = await startTestServer({
      config: { ...bootstrap, bootstrapPassword: strongPassword(), bootstrapOrgName: 'Renamed' },
      dataDir,
      ...(databaseSchema ? { databaseSchema } : {}),
    });
    expect(server.gatehouse.firstStart).toEqual({ kind: 'ready' });
    const organization = await server.gatehouse.storage.organizations.findById(bootstrap.bootstrapOrg);
    expect(organization?.name).toBe('Bootstrapped Inc.');
    const tokens = await signIn(server.api, { email: bootstrap.bootstrapEmail, password: bootstrap.bootstrapPassword });
    expect(tokens.accessToken).toBeTruthy();
  });

  it('refuses to start with a bootstrap password that breaks the password rules, naming the key', async () => {
    const failure = startTestServer({
      config: { bootstrapOrg: uniqueRealm(), bootstrapEmail: uniqueEmail(), bootstrapPassword: 'short' },
    });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/bootstrapPassword.*at least 12 characters/);
  });
});
