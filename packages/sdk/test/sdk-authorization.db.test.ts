import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { GatehouseClient, gatehouseFastifyHook, TokenProvider, TokenVerifier } from '../src/index.js';
import { type AppCredentials, appCredentials } from './support.js';

/**
 * The SDK on HERE's Authorization API v1.1 (groups, roles, projects with their resources, policies and settings,
 * access filters) and the decision API, against a real server.
 */
describe('groups, roles, projects, filters and decisions', () => {
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

  it('project resources: link a registered resource with actions and subresources, read it, remove it', async () => {
    const realm = app.admin.realm;
    const catalog = `hrn:here:data::${realm}:sdk-catalog`;
    await client.request('POST', '/authorization/v1.1/resources', z.unknown(), {
      json: { hrn: catalog, type: 'catalog', referenceable: true },
    });
    const project = await client.projects.create({ id: 'sdk-links', name: 'SDK links' });
    const added = await client.projects.resources.add(project.hrn, 'reference', [
      { resource: catalog, allowedActions: ['readResource'], subresources: ['deu'] },
    ]);
    expect(added.items).toEqual([
      expect.objectContaining({ resource: catalog, relation: 'reference', subresources: ['deu'], active: true }),
    ]);
    const listed = await client.projects.resources.list(project.hrn, { relation: 'reference' });
    expect(listed.items.map((item) => item.resource)).toEqual([catalog]);
    expect((await client.projects.resources.get(project.hrn, catalog)).allowedActions).toEqual(['readResource']);
    await client.projects.resources.remove(project.hrn, catalog, { relation: 'reference' });
    expect((await client.projects.resources.list(project.hrn)).items).toEqual([]);
    await expect(
      client.projects.resources.add(project.hrn, 'reference', [{ resource: 'not an HRN' }]),
    ).rejects.toMatchObject({ httpStatus: 400, errorCode: 400200 });
  });

  it('project policies, member access and settings', async () => {
    const project = await client.projects.create({ id: 'sdk-policies', name: 'SDK policies' });
    const created = await client.projects.policies.create(project.hrn, {
      id: 'sdk-read',
      name: 'Read catalogs',
      permissions: [{ resourceType: 'catalog', allowedActions: ['readResource'] }],
    });
    expect(created).toMatchObject({ id: 'sdk-read', type: 'custom' });
    const types = (await client.projects.policies.list(project.hrn)).items.map((policy) => policy.type);
    expect(types).toEqual(expect.arrayContaining(['custom', 'here-platform']));
    expect((await client.projects.policies.list(project.hrn, { type: 'custom' })).items).toHaveLength(1);
    const renamed = await client.projects.policies.update(project.hrn, 'sdk-read', {
      name: 'Read every catalog',
      permissions: created.permissions.map((permission) => ({
        resourceType: permission.resourceType ?? 'catalog',
        allowedActions: permission.allowedActions,
      })),
    });
    expect((await client.projects.policies.get(project.hrn, renamed.hrn)).name).toBe('Read every catalog');

    const userHrn = `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`;
    await client.projects.members.add(project.hrn, userHrn);
    await client.projects.grantAccess(project.hrn, userHrn, created.hrn);
    const attached = (await client.projects.memberPolicies(project.hrn, userHrn)).policies.map((entry) => entry.policy);
    expect(attached).toContain(created.hrn);
    await client.projects.revokeAccess(project.hrn, userHrn, created.hrn);
    expect(
      (await client.projects.memberPolicies(project.hrn, userHrn)).policies.map((entry) => entry.policy),
    ).not.toContain(created.hrn);
    await client.projects.policies.delete(project.hrn, created.hrn);
    await expect(client.projects.policies.get(project.hrn, created.hrn)).rejects.toMatchObject({ httpStatus: 404 });

    expect((await client.projects.settings.get(project.hrn)).scopeAccess).toBe('thisProjectOnly');
    const settings = await client.projects.settings.update(project.hrn, { scopeAccess: 'thisProjectOrNoProject' });
    expect(settings.scopeAccess).toBe('thisProjectOrNoProject');
  });

  it('roles: find, read what they allow, assign and unassign', async () => {
    const realm = app.admin.realm;
    const [orgAdmin] = (await client.roles.list({ roleName: 'OrgAdmin' })).data;
    expect(orgAdmin).toMatchObject({ name: 'OrgAdmin', resource: `hrn:here:account::${realm}:realm/${realm}` });
    if (!orgAdmin) throw new Error('no OrgAdmin role');
    expect((await client.roles.mine()).data.map((role) => role.name)).toContain('OrgAdmin');
    expect((await client.roles.get(orgAdmin.hrn)).id).toBe(orgAdmin.id);
    expect((await client.roles.permissions(orgAdmin.id)).items.length).toBeGreaterThan(0);

    const [inviter] = (await client.roles.list({ roleName: 'OrgInviter' })).data;
    if (!inviter) throw new Error('no OrgInviter role');
    const userHrn = `hrn:here:account::${realm}:user/${app.admin.userId}`;
    await client.roles.entities.assign(inviter.id, userHrn);
    expect((await client.roles.entities.get(inviter.id, userHrn)).entityType).toBe('user');
    expect((await client.roles.entities.list(inviter.id)).data.map((entity) => entity.entityHrn)).toContain(userHrn);
    await client.roles.entities.unassign(inviter.id, userHrn);
    await expect(client.roles.entities.get(inviter.id, userHrn)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('access filters: create, update, attach to a member, detach, delete', async () => {
    const realm = app.admin.realm;
    const statement = { permissions: 'unscoped' as const, evaluate: false, priority: 10 };
    const filter = await client.filters.create({ type: 'custom', name: 'SDK boundary', statements: [statement] });
    expect(filter.hrn).toMatch(/:filter\//);
    const updated = await client.filters.update(filter.hrn, {
      type: 'custom',
      name: 'SDK boundary, renamed',
      statements: [{ ...statement, priority: 20 }],
    });
    expect(updated.statements?.[0]?.priority).toBe(20);
    expect((await client.filters.get(filter.hrn)).name).toBe('SDK boundary, renamed');
    expect((await client.filters.list({ type: 'custom' })).items.map((item) => item.hrn)).toContain(filter.hrn);

    const userHrn = `hrn:here:account::${realm}:user/${app.admin.userId}`;
    const expiresAt = Date.now() + 3_600_000;
    expect(await client.filters.attach(realm, userHrn, filter.hrn, expiresAt)).toEqual({ hrn: filter.hrn, expiresAt });
    expect((await client.filters.ofMember(realm, userHrn)).items.map((item) => item.hrn)).toEqual([filter.hrn]);
    await client.filters.detach(realm, userHrn, filter.hrn);
    expect((await client.filters.ofMember(realm, userHrn)).items).toEqual([]);
    await client.filters.delete(filter.hrn);
    await expect(client.filters.get(filter.hrn)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('resources: register in a project, settings, linkable, realm lists; the service catalog', async () => {
    const realm = app.admin.realm;
    const project = await client.projects.create({ id: 'sdk-home', name: 'SDK home' });
    const catalog = `hrn:here:data::${realm}:sdk-homed`;
    expect(await client.resources.register({ hrn: catalog, type: 'catalog', home: project.hrn })).toMatchObject({
      hrn: catalog,
      home: project.hrn,
    });
    // Resources in a project are read and changed with a token scoped to it.
    const scoped = new GatehouseClient({ credentials: app.credentials, scope: project.hrn });
    expect((await scoped.resources.get(catalog)).type).toBe('catalog');
    expect((await client.resources.projects(catalog)).items).toEqual([
      expect.objectContaining({ hrn: project.hrn, relation: 'home' }),
    ]);
    expect(await scoped.resources.settings.get(catalog)).toEqual({
      resourcePolicyAvailability: { authorizedTo: 'realm', allowedActions: [] },
    });
    const required = { authorizedTo: 'requiredToMakeLinkable' as const, allowedActions: ['manage'] };
    expect(await scoped.resources.settings.set(catalog, { resourcePolicyAvailability: required })).toEqual({
      resourcePolicyAvailability: required,
    });

    const realmHrn = `hrn:here:account::${realm}:realm/${realm}`;
    const offered = await scoped.resources.linkable.add(catalog, { realmHrn }, ['readResource']);
    expect(offered).toMatchObject({ resource: catalog, realmHrn, allowedActions: ['readResource'] });
    expect((await scoped.resources.linkable.list(catalog)).items).toHaveLength(1);
    expect(
      (await scoped.resources.linkable.update(catalog, realmHrn, ['read', 'readResource'])).allowedActions,
    ).toEqual(['read', 'readResource']);
    expect((await scoped.resources.linkable.get(catalog, realmHrn)).allowedActions).toEqual(['read', 'readResource']);
    await scoped.resources.linkable.remove(catalog, realmHrn);
    expect((await scoped.resources.linkable.list(catalog)).items).toEqual([]);

    expect((await scoped.resources.inRealm('catalog')).items.map((item) => item.hrn)).toContain(catalog);
    await expect(client.resources.inRealm('catalog')).rejects.toMatchObject({ httpStatus: 403, errorCode: 403114 });
    expect((await client.resources.external()).items).toEqual([]);

    const data = await client.services.get('data');
    expect(data.resourceTypes).toContain('catalog');
    expect((await client.services.list({ serviceIdAlias: 'data' })).items).toEqual([
      expect.objectContaining({ serviceId: data.serviceId }),
    ]);
    expect((await client.services.resourceTypes()).items).toContainEqual(
      expect.objectContaining({ resourceType: 'catalog', serviceIdAlias: 'data' }),
    );
    expect((await client.services.actions('catalog', 'projectLinkingEnabled')).allowedActions).toEqual([
      'read',
      'write',
      'readResource',
      'writeResource',
    ]);
    await expect(client.services.actions('no-such-type')).rejects.toMatchObject({ httpStatus: 404 });
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
