import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { GatehouseClient, gatehouseFastifyHook, TokenProvider, TokenVerifier } from '../src/index.js';
import { type AppCredentials, appCredentials } from './support.js';

/**
 * The SDK on HERE's Authorization API v1.1 (groups, projects) and the decision API. These endpoints come from the
 * groups, projects and policies branches: this file passes once they are merged.
 */
describe('groups, projects and decisions', () => {
  let server: TestServer;
  let app: AppCredentials;
  let client: GatehouseClient;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
    const realm = app.admin.realm;
    const role = await server.gatehouse.storage.roles.findByName(
      realm,
      'OrgAdmin',
      `hrn:here:account::${realm}:realm/${realm}`,
    );
    if (!role) throw new Error('no OrgAdmin role');
    await server.gatehouse.storage.roles.assign(role.id, app.appId, Date.now());
    client = new GatehouseClient({ credentials: app.credentials });
  });
  afterAll(() => server.close());

  it('groups: create, update with POST, members, delete', async () => {
    const group = await client.groups.create({ name: 'SDK group' });
    expect(group.id).toMatch(/^GROUP-/);
    expect((await client.groups.update(group.id, { name: 'Renamed' })).name).toBe('Renamed');
    const userHrn = `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`;
    await client.groups.members.add(group.id, userHrn);
    expect((await client.groups.members.list(group.id)).data.map((member) => member.memberHrn)).toContain(userHrn);
    await client.groups.members.remove(group.id, userHrn);
    await client.groups.delete(group.id);
    await expect(client.groups.get(group.id)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('projects: create, list, members', async () => {
    const project = await client.projects.create({ id: 'sdk-project', name: 'SDK project' });
    expect(project.hrn).toBe(`hrn:here:authorization::${app.admin.realm}:project/sdk-project`);
    expect((await client.projects.list()).items.map((item) => item.hrn)).toContain(project.hrn);
    const userHrn = `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`;
    await client.projects.members.add(project.hrn, userHrn);
    expect((await client.projects.members.list(project.hrn)).items.map((item) => item.member)).toContain(userHrn);
  });

  it('member permissions', async () => {
    const appHrn = `hrn:here:account::${app.admin.realm}:app/${app.appId}`;
    const page = await client.memberPermissions(app.admin.realm, appHrn);
    expect(page.items.length).toBeGreaterThan(0);
  });

  it('decision API: allow, deny, and a guard that asks it with the caller token', async () => {
    // OrgAdmin may create groups in its organization, and nothing in another one.
    const own = `hrn:here:account::${app.admin.realm}:realm/${app.admin.realm}`;
    expect((await client.authorize({ actions: [{ action: 'createGroup', resource: own }] })).decision).toBe('allow');
    const foreign = 'hrn:here:account::elsewhere:app/AAAAAAAAAAAAAAAAAAAA';
    expect((await client.authorize({ actions: [{ action: 'manage', resource: foreign }] })).decision).toBe('deny');

    const token = (await new TokenProvider({ credentials: app.credentials }).getToken()).accessToken;
    const resource = Fastify();
    const guard = gatehouseFastifyHook<FastifyRequest, FastifyReply>({
      verifier: new TokenVerifier({ baseUrl: server.url }),
      decisions: new GatehouseClient({ baseUrl: server.url }),
      require: (request) => [{ action: 'createGroup', resource: request.url.endsWith('/mine') ? own : foreign }],
    });
    resource.get('/apps/mine', { onRequest: guard }, async () => ({ ok: true }));
    resource.get('/apps/theirs', { onRequest: guard }, async () => ({ ok: true }));
    try {
      const headers = { authorization: `Bearer ${token}` };
      expect((await resource.inject({ url: '/apps/mine', headers })).statusCode).toBe(200);
      const denied = await resource.inject({ url: '/apps/theirs', headers });
      expect(denied.statusCode).toBe(403);
      expect(denied.json()).toEqual({
        error: 'Forbidden',
        error_description: 'These credentials do not authorize access.',
      });
    } finally {
      await resource.close();
    }
  });
});
