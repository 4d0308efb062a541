import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, inviteMember, realmRoleHrn } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { addMember, createProject, managedPolicy, projectPath, resourcePlanFor, userHrn } from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('resource settings, realm resources and external resources', () => {
  let server: TestServer;
  /** OrgAdmin of organization A, creator (so ProjectAdmin and member) of its projects. */
  let alice: SignedIn;
  /** Member of the home project; his project policies are set by the tests. */
  let bob: SignedIn;
  /** Member of the home project with read-only access to catalogs. */
  let carol: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let home: { id: string; hrn: string };
  let other: { id: string; hrn: string };

  const catalog = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  const pipeline = () => `hrn:here:pipeline::${alice.realm}:pipe`;
  const resourcePath = (resource: string, suffix = '') => `${AUTHZ}/resources/${encodeURIComponent(resource)}${suffix}`;
  const availability = (authorizedTo: string, allowedActions: string[]) => ({
    resourcePolicyAvailability: { authorizedTo, allowedActions },
  });
  const putSettings = (token: string, body: unknown, resource = catalog('cat')) =>
    server.api.put(resourcePath(resource, '/settings'), body, { token });
  const makeLinkable = (token: string, target: string) =>
    server.api.post(
      resourcePath(catalog('cat'), '/linkable'),
      { resource: catalog('cat'), projectHrn: target, allowedActions: ['read'] },
      { token },
    );
  async function scopedToken(account: SignedIn, project: string): Promise<string> {
    const response = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: account.email,
      password: account.password,
      scope: project,
    });
    expect(response.status, response.text).toBe(200);
    return response.body.accessToken;
  }
  async function setMemberPolicies(member: SignedIn, policies: string[]) {
    const response = await server.api.post(
      projectPath(home.id, `/members/${encodeURIComponent(userHrn(alice.realm, member.userId))}/policies`),
      { policies: policies.map((policy) => ({ policy })) },
      { token: alice.accessToken },
    );
    expect(response.status, response.text).toBe(200);
  }
  async function customPolicy(id: string, allowedActions: string[]): Promise<string> {
    const response = await server.api.post(
      projectPath(home.id, '/policies'),
      { id, name: id, permissions: [{ resource: catalog('cat'), allowedActions }] },
      { token: alice.accessToken },
    );
    expect(response.status, response.text).toBe(201);
    return response.body.hrn;
  }

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    carol = await inviteMember(server, alice, { prefix: 'carol' });
    mallory = await signUpAndSignIn(server.api);
    home = await createProject(server.api, alice.accessToken, { name: 'Home' });
    other = await createProject(server.api, alice.accessToken, { name: 'Other' });
    for (const member of [bob, carol])
      await addMember(server.api, alice.accessToken, home.id, userHrn(alice.realm, member.userId));
    await setMemberPolicies(carol, [managedPolicy('read-only-access-to-all-catalogs')]);
    const register = async (body: Record<string, unknown>) => {
      const response = await server.api.post(`${AUTHZ}/resources`, body, { token: alice.accessToken });
      expect(response.status, response.text).toBe(201);
    };
    await register({ hrn: catalog('cat'), type: 'catalog', home: home.hrn });
    await register({ hrn: catalog('elsewhere'), type: 'catalog', home: other.hrn });
    await register({ hrn: catalog('outside'), type: 'catalog' });
    await register({ hrn: pipeline(), type: 'pipeline', home: home.hrn });
  });
  afterAll(() => server.close());

  it('reads the default settings; stores and answers new ones', async () => {
    const scoped = await scopedToken(alice, home.hrn);
    const read = await server.api.get(resourcePath(catalog('cat'), '/settings'), { token: scoped });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual(availability('realm', []));

    const put = await putSettings(scoped, availability('requiredToMakeLinkable', ['writeResource', 'writeResource']));
    expect(put.status, put.text).toBe(200);
    expect(put.body).toEqual(availability('requiredToMakeLinkable', ['writeResource']));
    const carolReads = await server.api.get(resourcePath(catalog('cat'), '/settings'), {
      token: await scopedToken(carol, home.hrn),
    });
    expect(carolReads.body).toEqual(availability('requiredToMakeLinkable', ['writeResource']));

    expect((await putSettings(scoped, availability('realm', []))).body).toEqual(availability('realm', []));
  });

  it('changes settings only with manage on the resource and a token scoped to its home project', async () => {
    const body = availability('requiredToMakeLinkable', ['readResource']);
    const unscoped = await putSettings(alice.accessToken, body);
    expectError(unscoped, 403, 403403);
    expect(unscoped.body.cause).toContain('only a token scoped to that project reaches it');
    expectError(await putSettings(await scopedToken(alice, other.hrn), body), 403, 403403);
    // Carol may read the catalog in its home project, not manage it.
    const carols = await scopedToken(carol, home.hrn);
    expectError(await putSettings(carols, body), 403, 403403);
    // Another organization does not see the resource at all.
    expectError(await putSettings(mallory.accessToken, body), 404, 404903);
    expectError(
      await server.api.get(resourcePath(catalog('cat'), '/settings'), { token: mallory.accessToken }),
      404,
      404903,
    );
    // Outside the home project, the settings are not readable either.
    expectError(
      await server.api.get(resourcePath(catalog('cat'), '/settings'), { token: alice.accessToken }),
      403,
      403403,
    );
  });

  it('rejects bad settings with HERE’s 400 and unknown resources with 404', async () => {
    const scoped = await scopedToken(alice, home.hrn);
    for (const body of [
      availability('everyone', []),
      availability('requiredToMakeLinkable', []),
      availability('realm', ['read']),
      availability('requiredToMakeLinkable', ['not an action']),
      { resourcePolicyAvailability: { authorizedTo: 'realm' } },
      {},
    ]) {
      expectError(await putSettings(scoped, body), 400, 400200);
    }
    // Only the catalog's requiredToMakeLinkable actions of the type.
    const notRequired = await putSettings(scoped, availability('requiredToMakeLinkable', ['create']));
    expectError(notRequired, 400, 400200);
    expect(notRequired.body.errorFields).toEqual([
      expect.objectContaining({ name: 'resourcePolicyAvailability.allowedActions' }),
    ]);
    // Pipelines cannot be made linkable: nothing may be required for it.
    expectError(await putSettings(scoped, availability('requiredToMakeLinkable', ['read']), pipeline()), 400, 400200);
    // A resource outside projects has no home project to be scoped to.
    expectError(await putSettings(alice.accessToken, availability('realm', []), catalog('outside')), 400, 400200);
    expectError(await putSettings(scoped, availability('realm', []), catalog('missing')), 404, 404903);
  });

  it('requires the actions the settings name of whoever makes the resource linkable', async () => {
    const aliceScoped = await scopedToken(alice, home.hrn);
    const set = await putSettings(aliceScoped, availability('requiredToMakeLinkable', ['writeResource']));
    expect(set.status, set.text).toBe(200);

    // Bob may manage the catalog but not write its data.
    await setMemberPolicies(bob, [await customPolicy('manage-cat', ['read', 'manage'])]);
    const bobScoped = await scopedToken(bob, home.hrn);
    const refused = await makeLinkable(bobScoped, other.hrn);
    expectError(refused, 403, 403403);
    expect(refused.body.cause).toContain('require writeResource on it to make it linkable');

    await setMemberPolicies(bob, [await customPolicy('manage-write-cat', ['read', 'manage', 'writeResource'])]);
    const made = await makeLinkable(bobScoped, other.hrn);
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ resource: catalog('cat'), projectHrn: other.hrn, allowedActions: ['read'] });

    // Changing what links may allow needs the same actions.
    await setMemberPolicies(bob, [managedPolicy('read-only-access-to-all-catalogs')]);
    expectError(
      await server.api.put(
        resourcePath(catalog('cat'), `/linkable/${encodeURIComponent(other.hrn)}`),
        { allowedActions: ['read', 'readResource'] },
        { token: bobScoped },
      ),
      403,
      403403,
    );
    // Back to the organization's usual rule.
    await putSettings(aliceScoped, availability('realm', []));
    await setMemberPolicies(bob, [managedPolicy('all-access-all-project-resources')]);
  });

  it("lists the organization's resources of a type for project-scoped tokens with listRealmResources", async () => {
    const scoped = await scopedToken(alice, home.hrn);
    const listed = await server.api.get(`${AUTHZ}/realm/resources?type=catalog`, { token: scoped });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toEqual({
      limit: 100,
      items: [
        { hrn: catalog('cat'), type: 'catalog', home: home.hrn, referenceable: false },
        { hrn: catalog('elsewhere'), type: 'catalog', home: other.hrn, referenceable: false },
        { hrn: catalog('outside'), type: 'catalog', referenceable: false },
      ],
    });
    const page = await server.api.get(`${AUTHZ}/realm/resources?type=catalog&limit=2`, { token: scoped });
    expect(page.body.items).toHaveLength(2);
    const next = await server.api.get(
      `${AUTHZ}/realm/resources?type=catalog&limit=2&pageToken=${page.body.pageToken}`,
      {
        token: scoped,
      },
    );
    expect(next.body.items.map((item: { hrn: string }) => item.hrn)).toEqual([catalog('outside')]);
    expect((await server.api.get(`${AUTHZ}/realm/resources?type=pipeline`, { token: scoped })).body.items).toEqual([
      expect.objectContaining({ hrn: pipeline() }),
    ]);

    const unscoped = await server.api.get(`${AUTHZ}/realm/resources?type=catalog`, { token: alice.accessToken });
    expectError(unscoped, 403, 403114);
    expectError(await server.api.get(`${AUTHZ}/realm/resources`, { token: scoped }), 400, 400200);
    expectError(await server.api.get(`${AUTHZ}/realm/resources?type=Bad_Type`, { token: scoped }), 400, 400200);
    // A plain member lacks listRealmResources; a ResourceManager holds it.
    expectError(
      await server.api.get(`${AUTHZ}/realm/resources?type=catalog`, { token: await scopedToken(carol, home.hrn) }),
      403,
      403403,
    );
    const role = await realmRoleHrn(server, alice.realm, 'ResourceManager');
    const assigned = await server.api.post(
      `${AUTHZ}/roles/${encodeURIComponent(role)}/entities/${encodeURIComponent(userHrn(alice.realm, carol.userId))}`,
      undefined,
      { token: alice.accessToken },
    );
    expect(assigned.status, assigned.text).toBe(204);
    const asManager = await server.api.get(`${AUTHZ}/realm/resources?type=catalog`, {
      token: await scopedToken(carol, home.hrn),
    });
    expect(asManager.status, asManager.text).toBe(200);
    expect(asManager.body.items).toHaveLength(3);
  });

  it('lists the resources of other projects reached through resource plans, as decisions answer', async () => {
    const none = await server.api.get(`${AUTHZ}/realm/externalResources`, { token: bob.accessToken });
    expect(none.status, none.text).toBe(200);
    expect(none.body).toEqual({ limit: 100, items: [] });

    const { policy, plan } = await resourcePlanFor(server.api, alice.accessToken, {
      policyId: 'partner-data',
      resource: catalog('elsewhere'),
      allowedActions: ['readResource'],
      subresources: ['deu', 'fra'],
    });
    const expiresAt = Date.now() + 3_600_000;
    const attached = await server.api.put(
      `${AUTHZ}/realms/${alice.realm}/members/${bob.userId}/resourcePlans/${plan.id}`,
      { subresources: { [policy.hrn]: ['deu'] }, expiresAt },
      { token: alice.accessToken },
    );
    expect(attached.status, attached.text).toBe(200);

    const external = { hrn: catalog('elsewhere'), type: 'catalog', subresources: ['deu'], expiresAt };
    const listed = await server.api.get(`${AUTHZ}/realm/externalResources`, { token: bob.accessToken });
    expect(listed.body).toEqual({ limit: 100, items: [external] });
    const decided = await server.api.post(
      '/decision/authorize',
      { actions: [{ action: 'readResource', resource: catalog('elsewhere') }] },
      { token: bob.accessToken },
    );
    expect(decided.body.decision).toBe('allow');
    // Scoped tokens too (the resource lives in another project); filters by type and action.
    const bobScoped = await scopedToken(bob, home.hrn);
    const query = async (search: string, token = bob.accessToken) =>
      (await server.api.get(`${AUTHZ}/realm/externalResources${search}`, { token })).body.items;
    expect(await query('?resourceType=catalog&action=readResource', bobScoped)).toEqual([external]);
    expect(await query('?action=writeResource')).toEqual([]);
    expect(await query('?resourceType=pipeline')).toEqual([]);
    // Others reach nothing through Bob's plan.
    expect(await query('', carol.accessToken)).toEqual([]);
    expect(await query('', mallory.accessToken)).toEqual([]);
    expectError(
      await server.api.get(`${AUTHZ}/realm/externalResources?action=a%20b`, { token: bob.accessToken }),
      400,
      400200,
    );
  });
});
