import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, appWithToken, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SERVICE_ID = /^SERVICE-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('service catalog', () => {
  let server: TestServer;
  /** OrgAdmin of organization A. */
  let alice: SignedIn;
  /** Plain member of organization A. */
  let bob: SignedIn;
  /** A plain member whose readServices is denied. */
  let dave: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let appToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    dave = await inviteMember(server, alice, { prefix: 'dave' });
    mallory = await signUpAndSignIn(server.api);
    appToken = (await appWithToken(server.api, alice.accessToken)).token;
    await server.gatehouse.storage.permissions.grant({
      realm: alice.realm,
      identityId: dave.userId,
      action: 'readServices',
      resourceHrn: `hrn:here:account::${alice.realm}:realm/${alice.realm}`,
      effect: 'deny',
      createdAt: Date.now(),
    });
  });
  afterAll(() => server.close());

  const get = (path: string, token = bob.accessToken) => server.api.get(`${AUTHZ}${path}`, { token });

  it('lists the services every member may read, each with its actions and resource types', async () => {
    for (const token of [alice.accessToken, bob.accessToken, appToken, mallory.accessToken]) {
      const listed = await get('/services', token);
      expect(listed.status, listed.text).toBe(200);
      expect(listed.body.total).toBe(8);
      expect(listed.body.items.map((service: { serviceIdAlias: string }) => service.serviceIdAlias)).toEqual([
        'account',
        'authorization',
        'data',
        'schema',
        'pipeline',
        'artifact',
        'service',
        'flow',
      ]);
    }
    const listed = await get('/services');
    for (const service of listed.body.items) expect(service.serviceId).toMatch(SERVICE_ID);
    const data = listed.body.items[2];
    expect(data).toMatchObject({ serviceIdAlias: 'data', name: 'Data (catalogs)', resourceTypes: ['catalog'] });
    expect(data.allowedActions).toEqual(
      expect.arrayContaining([
        { action: 'readResource', resourceRequired: true },
        { action: 'manageLicenses', resourceRequired: true },
        { action: 'create', resourceRequired: false },
      ]),
    );
    // The IAM actions are those the role bundles and the member baseline grant.
    const authorization = listed.body.items[1];
    expect(authorization.allowedActions).toEqual(
      expect.arrayContaining([
        { action: 'readServices', resourceRequired: false },
        { action: 'listRealmResources', resourceRequired: false },
        { action: 'manageMembers', resourceRequired: true },
        { action: 'manageResourceHome', resourceRequired: true },
      ]),
    );
    expect(listed.body.items[0].allowedActions).toEqual(
      expect.arrayContaining([
        { action: 'createApp', resourceRequired: false },
        { action: 'share', resourceRequired: true },
      ]),
    );
  });

  it('filters by alias and pages', async () => {
    const pipeline = await get('/services?serviceIdAlias=pipeline');
    expect(pipeline.status, pipeline.text).toBe(200);
    expect(pipeline.body).toMatchObject({ limit: 100, total: 1 });
    expect(pipeline.body.items[0].resourceTypes).toEqual(['pipeline', 'pipeline-template']);
    expect((await get('/services?serviceIdAlias=nothing')).body).toEqual({ limit: 100, total: 0, items: [] });

    const first = await get('/services?limit=3');
    expect(first.body.items).toHaveLength(3);
    const second = await get(`/services?limit=3&pageToken=${first.body.pageToken}`);
    expect(second.body.items[0].serviceIdAlias).toBe('schema');
    expectError(await get('/services?limit=0'), 400, 400200);
    expectError(await get('/services?pageToken=not%20a%20token'), 400, 400200);
  });

  it('reads one service by id or alias; 404 for others', async () => {
    const byAlias = await get('/services/data');
    expect(byAlias.status, byAlias.text).toBe(200);
    const byId = await get(`/services/${byAlias.body.serviceId}`);
    expect(byId.body).toEqual(byAlias.body);
    expect((await get('/services/DATA')).body).toEqual(byAlias.body);
    expectError(await get('/services/SERVICE-00000000-0000-0000-0000-000000000000'), 404, 404920);
    expectError(await get('/services/nothing'), 404, 404920);
  });

  it('lists the resource types with their services', async () => {
    const types = await get('/services/resourceTypes');
    expect(types.status, types.text).toBe(200);
    const data = (await get('/services/data')).body;
    expect(types.body.items).toContainEqual({
      resourceType: 'catalog',
      serviceIdAlias: 'data',
      serviceId: data.serviceId,
    });
    expect(types.body.items.map((type: { resourceType: string }) => type.resourceType)).toEqual([
      'app',
      'catalog',
      'schema',
      'pipeline',
      'pipeline-template',
      'artifact',
      'service',
      'flow',
      'flow-pattern',
    ]);
    expect(types.body.total).toBe(9);
  });

  it('refuses /services to a member whose readServices is denied, and unauthenticated calls', async () => {
    for (const path of ['/services', '/services/data', '/services/resourceTypes']) {
      const refused = await get(path, dave.accessToken);
      expectError(refused, 403, 403403);
      expect(refused.body.cause).toContain('readServices');
    }
    expect((await server.api.get(`${AUTHZ}/services`)).status).toBe(401);
    // The actions of a resource type stay readable to any signed-in identity.
    expect((await get('/resourceTypes/catalog/actions', dave.accessToken)).status).toBe(200);
  });

  it('answers the actions of a resource type by action type', async () => {
    const actions = async (type: string, query = '') => {
      const response = await get(`/resourceTypes/${type}/actions${query}`, appToken);
      expect(response.status, response.text).toBe(200);
      return response.body.allowedActions;
    };
    expect(await actions('catalog', '?actionType=projectLinkingEnabled')).toEqual([
      'read',
      'write',
      'readResource',
      'writeResource',
    ]);
    expect(await actions('catalog', '?type=projectResourceCreationEnabled')).toEqual(['create']);
    expect(await actions('catalog', '?actionType=requiredToMakeLinkable')).toEqual([
      'read',
      'write',
      'manage',
      'share',
      'readResource',
      'writeResource',
    ]);
    expect(await actions('pipeline', '?actionType=projectLinkingEnabled')).toEqual([]);
    expect(await actions('pipeline', '?actionType=requiredToMakeLinkable')).toEqual([]);
    expect(await actions('app', '?actionType=sharingEnabled')).toEqual(['read', 'write', 'manage', 'share']);
    expect(await actions('catalog')).toEqual(expect.arrayContaining(['manage', 'create', 'writeResource']));

    expectError(await get('/resourceTypes/nothing/actions'), 404, 404921);
    expectError(await get('/resourceTypes/catalog/actions?actionType=everything'), 400, 400200);
    expectError(await get('/resourceTypes/Not_A_Type/actions'), 400, 400200);
    expect((await server.api.get(`${AUTHZ}/resourceTypes/catalog/actions`)).status).toBe(401);
  });
});
