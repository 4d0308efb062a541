import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, createAccessKey, createApp, inviteMember, requestAppToken } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { addMember, createProject, projectPath, withServerDatabase } from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const policyPath = (reference: string, suffix = '') =>
  `${AUTHZ}/resourcePolicies/${reference.replace('/', '%2F')}${suffix}`;

describe('resource policies and resource plans', () => {
  let server: TestServer;
  /** OrgAdmin of organization A; ProjectAdmin of `home`. */
  let alice: SignedIn;
  /** Plain member of organization A. */
  let bob: SignedIn;
  /** Plain member of organization A; ProjectAdmin of `carols`. */
  let carol: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let home: { id: string; hrn: string };
  let carols: { id: string; hrn: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    carol = await inviteMember(server, alice, { prefix: 'carol' });
    mallory = await signUpAndSignIn(server.api);
    home = await createProject(server.api, alice.accessToken, { name: 'Home' });
    carols = await createProject(server.api, carol.accessToken, { name: 'Carol' });
  });
  afterAll(() => server.close());

  const catalog = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  let counter = 0;
  const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

  async function register(hrn: string, project?: string, type = 'catalog') {
    const response = await server.api.post(
      `${AUTHZ}/resources`,
      { hrn, type, ...(project ? { home: project } : {}) },
      { token: alice.accessToken },
    );
    expect(response.status, response.text).toBe(201);
    return hrn;
  }

  async function createPolicy(token: string, id = uniqueId('rp')) {
    const response = await server.api.post(`${AUTHZ}/resourcePolicies`, { id, name: `Policy ${id}` }, { token });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; hrn: string; name: string };
  }

  async function decide(token: string, action: string, resource: string) {
    const response = await server.api.post(
      '/decision/authorize',
      { actions: [{ action, resource }], diagnostics: true },
      { token },
    );
    expect(response.status, response.text).toBe(200);
    return response.body.diagnostics[0].permissions[0].reason as string;
  }

  async function createPlan(policies: string[], token = alice.accessToken) {
    const response = await server.api.post(
      `${AUTHZ}/resourcePlans`,
      { name: 'Gold', resourcePolicies: policies },
      { token },
    );
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; hrn: string; resourcePolicies: string[] };
  }

  it('creates, reads, lists, updates and deletes a resource policy', async () => {
    const id = uniqueId('my-policy');
    const created = await server.api.post(
      `${AUTHZ}/resourcePolicies`,
      { id, name: 'Sales data', description: 'For partners' },
      { token: alice.accessToken },
    );
    expect(created.status, created.text).toBe(201);
    const hrn = `hrn:here:authorization::${alice.realm}:resourcePolicy/${id}`;
    expect(created.body).toEqual({ hrn, id, name: 'Sales data', description: 'For partners' });

    // By id, by HRN with only '/' encoded, and fully encoded.
    for (const reference of [id, hrn, encodeURIComponent(hrn)]) {
      const read = await server.api.get(policyPath(reference), { token: alice.accessToken });
      expect(read.status, read.text).toBe(200);
      expect(read.body.hrn).toBe(hrn);
    }
    // A resource policy HRN is of Authorization and of the caller's organization; others name nothing.
    for (const reference of [
      hrn.replace(':authorization:', ':account:'),
      hrn.replace(`::${alice.realm}:`, '::other:'),
    ]) {
      expectError(
        await server.api.get(policyPath(encodeURIComponent(reference)), { token: alice.accessToken }),
        404,
        404910,
      );
    }
    expectError(
      await server.api.post(`${AUTHZ}/resourcePolicies`, { id, name: 'Again' }, { token: alice.accessToken }),
      409,
      409910,
    );

    const patched = await server.api.patch(policyPath(id), { name: 'Renamed' }, { token: alice.accessToken });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({ hrn, id, name: 'Renamed', description: 'For partners' });

    const list = await server.api.get(`${AUTHZ}/resourcePolicies?limit=100`, { token: alice.accessToken });
    expect(list.status, list.text).toBe(200);
    expect(list.body.items).toContainEqual(patched.body);

    const deleted = await server.api.delete(policyPath(id), { token: alice.accessToken });
    expect(deleted.status, deleted.text).toBe(204);
    expectError(await server.api.get(policyPath(id), { token: alice.accessToken }), 404, 404910);
    expectError(await server.api.delete(policyPath(id), { token: alice.accessToken }), 404, 404910);
  });

  it('validates requests and refuses plain members', async () => {
    for (const id of ['ab', '-abc', 'abc-', 'a b c', 'x'.repeat(65)]) {
      expectError(
        await server.api.post(`${AUTHZ}/resourcePolicies`, { id, name: 'Bad' }, { token: alice.accessToken }),
        400,
        400200,
      );
    }
    expectError(
      await server.api.post(`${AUTHZ}/resourcePolicies`, { id: 'no-name' }, { token: alice.accessToken }),
      400,
      400200,
    );
    expectError(
      await server.api.post(
        `${AUTHZ}/resourcePolicies`,
        { id: uniqueId('bob'), name: 'Bob' },
        { token: bob.accessToken },
      ),
      403,
      403403,
    );
    const policy = await createPolicy(alice.accessToken);
    expectError(await server.api.get(policyPath(policy.id), { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.delete(policyPath(policy.id), { token: bob.accessToken }), 403, 403403);
    const bobsList = await server.api.get(`${AUTHZ}/resourcePolicies`, { token: bob.accessToken });
    expect(bobsList.status, bobsList.text).toBe(200);
    expect(bobsList.body.items).toEqual([]);
  });

  it('adds resources in batches with a status per resource, and enforces homes, management and actions', async () => {
    const policy = await createPolicy(alice.accessToken);
    const homed = await register(catalog(uniqueId('homed')), home.hrn);
    const schema = await register(`hrn:here:schema::${alice.realm}:${uniqueId('schema')}`, home.hrn, 'schema');
    const outside = await register(catalog(uniqueId('outside')));
    const notManaged = await register(catalog(uniqueId('carols')), carols.hrn);
    const unknown = catalog(uniqueId('unknown'));
    const foreign = `hrn:here:data::${mallory.realm}:${uniqueId('foreign')}`;

    const batch = await server.api.post(
      policyPath(policy.hrn, '/resources'),
      {
        resources: [
          { resource: homed, allowedActions: ['readResource'], subresources: ['deu', 'usa-il-chicago'] },
          { resource: schema, allowedActions: ['readResource', 'writeResource'] },
          { resource: outside, allowedActions: ['readResource'] },
          { resource: notManaged, allowedActions: ['readResource'] },
          { resource: unknown, allowedActions: ['readResource'] },
          { resource: foreign, allowedActions: ['readResource'] },
          { resource: homed, allowedActions: ['manage'] },
        ],
      },
      { token: alice.accessToken },
    );
    expect(batch.status, batch.text).toBe(202);
    expect(batch.body.statusId).toMatch(/^STATUS-/);
    const encodedHrn = policy.hrn.replace('/', '%2F');
    expect(batch.body.href).toMatch(
      new RegExp(`/authorization/v1\\.1/resourcePolicies/${encodedHrn}/resources/status/${batch.body.statusId}$`),
    );
    const status = await server.api.get(new URL(batch.body.href).pathname, { token: alice.accessToken });
    expect(status.status, status.text).toBe(200);
    expect(status.body).toEqual({
      statusId: batch.body.statusId,
      status: 'partialSuccess',
      items: [
        { resource: homed, status: 'success' },
        { resource: schema, status: 'success' },
        { resource: outside, status: 'failure', code: '409912' },
        { resource: notManaged, status: 'failure', code: '403403' },
        { resource: unknown, status: 'failure', code: '404903' },
        { resource: foreign, status: 'failure', code: '404903' },
        { resource: homed, status: 'failure', code: '400910' },
      ],
    });
    expectError(
      await server.api.get(policyPath(policy.id, '/resources/status/STATUS-unknown'), { token: alice.accessToken }),
      404,
      404912,
    );
    expectError(await server.api.get(new URL(batch.body.href).pathname, { token: bob.accessToken }), 403, 403403);

    const all = await server.api.get(policyPath(policy.id, '/resources'), { token: alice.accessToken });
    expect(all.body.items).toEqual([
      { resource: homed, allowedActions: ['readResource'], subresources: ['deu', 'usa-il-chicago'] },
      { resource: schema, allowedActions: ['readResource', 'writeResource'] },
    ]);
    const schemas = await server.api.get(policyPath(policy.id, '/resources?type=schema'), { token: alice.accessToken });
    expect(schemas.body.items.map((item: { resource: string }) => item.resource)).toEqual([schema]);

    // One resource: read, replace, validation of subresources, removal of a comma-separated list.
    const one = await server.api.get(policyPath(policy.id, `/resources/${encodeURIComponent(homed)}`), {
      token: alice.accessToken,
    });
    expect(one.body).toEqual({
      resource: homed,
      allowedActions: ['readResource'],
      subresources: ['deu', 'usa-il-chicago'],
    });
    const replaced = await server.api.put(
      policyPath(policy.id, `/resources/${encodeURIComponent(homed)}`),
      { allowedActions: ['readResource', 'writeResource'] },
      { token: alice.accessToken },
    );
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toEqual({ resource: homed, allowedActions: ['readResource', 'writeResource'] });
    for (const subresources of [['x'.repeat(25)], Array.from({ length: 11 }, (_, i) => `s${i}`), []]) {
      expectError(
        await server.api.put(
          policyPath(policy.id, `/resources/${encodeURIComponent(homed)}`),
          { allowedActions: ['readResource'], subresources },
          { token: alice.accessToken },
        ),
        400,
        400200,
      );
    }
    expectError(
      await server.api.put(
        policyPath(policy.id, `/resources/${encodeURIComponent(outside)}`),
        { allowedActions: ['readResource'] },
        { token: alice.accessToken },
      ),
      409,
      409912,
    );
    expectError(
      await server.api.put(
        policyPath(policy.id, `/resources/${encodeURIComponent(notManaged)}`),
        { allowedActions: ['readResource'] },
        { token: alice.accessToken },
      ),
      403,
      403403,
    );

    // The home of a resource in a resource policy stays.
    expectError(
      await server.api.delete(projectPath(home.id, `/resources/${encodeURIComponent(homed)}?relation=home`), {
        token: alice.accessToken,
      }),
      409,
      409911,
    );
    expectError(
      await server.api.delete(policyPath(policy.id, `/resources/${encodeURIComponent(`${homed},${unknown}`)}`), {
        token: alice.accessToken,
      }),
      404,
      404903,
    );
    const removed = await server.api.delete(
      policyPath(policy.id, `/resources/${encodeURIComponent(`${homed},${schema}`)}`),
      { token: alice.accessToken },
    );
    expect(removed.status, removed.text).toBe(204);
    expect(
      (await server.api.get(policyPath(policy.id, '/resources'), { token: alice.accessToken })).body.items,
    ).toEqual([]);
    const unhomed = await server.api.delete(
      projectPath(home.id, `/resources/${encodeURIComponent(homed)}?relation=home`),
      { token: alice.accessToken },
    );
    expect(unhomed.status, unhomed.text).toBe(204);
  });

  it('a project admin adds resources of its project to a policy it was given; all failing is a failure', async () => {
    const policy = await createPolicy(alice.accessToken);
    const carolsCatalog = await register(catalog(uniqueId('carol')), carols.hrn);
    // Carol holds no rights on the policy until they are granted to her.
    expectError(
      await server.api.post(
        policyPath(policy.id, '/resources'),
        { resources: [{ resource: carolsCatalog, allowedActions: ['readResource'] }] },
        { token: carol.accessToken },
      ),
      403,
      403403,
    );
    const granted = await server.api.post(
      `${AUTHZ}/grants/resources/${encodeURIComponent(policy.hrn)}/entities/${carol.userId}/actions/manageResourcePolicy?entityType=user`,
      undefined,
      { token: alice.accessToken },
    );
    expect(granted.status, granted.text).toBe(200);
    const batch = await server.api.post(
      policyPath(policy.id, '/resources'),
      { resources: [{ resource: carolsCatalog, allowedActions: ['readResource'] }] },
      { token: carol.accessToken },
    );
    expect(batch.status, batch.text).toBe(202);
    const status = await server.api.get(policyPath(policy.id, `/resources/status/${batch.body.statusId}`), {
      token: carol.accessToken,
    });
    expect(status.body).toMatchObject({ status: 'success', items: [{ resource: carolsCatalog, status: 'success' }] });
    const failing = await server.api.post(
      policyPath(policy.id, '/resources'),
      { resources: [{ resource: catalog(uniqueId('nothing')), allowedActions: ['readResource'] }] },
      { token: carol.accessToken },
    );
    const failed = await server.api.get(policyPath(policy.id, `/resources/status/${failing.body.statusId}`), {
      token: carol.accessToken,
    });
    expect(failed.body.status).toBe('failure');
  });

  it('with a project-scoped token, a member who manages the project creates resource policies', async () => {
    const app = await createApp(server.api, alice.accessToken, { name: 'Packager' });
    const key = await createAccessKey(server.api, alice.accessToken, app.clientId);
    await addMember(server.api, alice.accessToken, home.id, app.hrn);
    const scopedToken = async () => {
      const response = await requestAppToken(server.api, key, { scope: home.hrn });
      expect(response.status, response.text).toBe(200);
      return response.body.accessToken as string;
    };
    // A member without `manage` on the project may not.
    expectError(
      await server.api.post(
        `${AUTHZ}/resourcePolicies`,
        { id: uniqueId('app'), name: 'App' },
        { token: await scopedToken() },
      ),
      403,
      403403,
    );
    const roles = await server.api.get(
      `${AUTHZ}/roles?roleName=ProjectAdmin&resourceHrn=${encodeURIComponent(home.hrn)}`,
      { token: alice.accessToken },
    );
    expect(roles.status, roles.text).toBe(200);
    const role = roles.body.data[0] as { id: string };
    const given = await server.api.post(
      `${AUTHZ}/roles/${role.id}/entities/${encodeURIComponent(app.hrn)}`,
      undefined,
      { token: alice.accessToken },
    );
    expect(given.status, given.text).toBeLessThan(300);
    const token = await scopedToken();
    const created = await server.api.post(`${AUTHZ}/resourcePolicies`, { id: uniqueId('app'), name: 'App' }, { token });
    expect(created.status, created.text).toBe(201);
    const read = await server.api.get(policyPath(created.body.hrn), { token });
    expect(read.status, read.text).toBe(200);
  });

  it('holds at most 100 resources (422000)', async () => {
    const policy = await createPolicy(alice.accessToken);
    // Projects hold at most 100 resources too: the bulk and the extra one live in projects of their own.
    const bulk = await createProject(server.api, alice.accessToken, { name: 'Bulk' });
    const spare = await createProject(server.api, alice.accessToken, { name: 'Spare' });
    const prefix = uniqueId('bulk');
    await withServerDatabase(server, async (db) => {
      const now = Date.now();
      for (let i = 0; i < 100; i++) {
        const hrn = catalog(`${prefix}-${i}`);
        await db
          .insertInto('resources')
          .values({
            hrn,
            realm_id: alice.realm,
            type: 'catalog',
            home_project_id: bulk.id,
            referenceable: 0,
            creator_id: null,
            created_at: now,
          })
          .execute();
        await db
          .insertInto('resource_policy_resources')
          .values({
            realm_id: alice.realm,
            policy_id: policy.id,
            resource_hrn: hrn,
            allowed_actions: '["readResource"]',
            subresources: null,
            created_at: now + i,
          })
          .execute();
      }
    });
    const extra = await register(catalog(uniqueId('extra')), spare.hrn);
    const refused = await server.api.post(
      policyPath(policy.id, '/resources'),
      { resources: [{ resource: extra, allowedActions: ['readResource'] }] },
      { token: alice.accessToken },
    );
    expectError(refused, 422, 422000);
    expect(refused.body.message).toBe(
      'MaxResourcePolicyResources limit reached. Current value: 100. Maximum value: 100.',
    );
    expectError(
      await server.api.put(
        policyPath(policy.id, `/resources/${encodeURIComponent(extra)}`),
        { allowedActions: ['readResource'] },
        { token: alice.accessToken },
      ),
      422,
      422000,
    );
    // Replacing a resource already in the policy is no new resource.
    const replaced = await server.api.put(
      policyPath(policy.id, `/resources/${encodeURIComponent(catalog(`${prefix}-0`))}`),
      { allowedActions: ['readResource', 'writeResource'] },
      { token: alice.accessToken },
    );
    expect(replaced.status, replaced.text).toBe(200);
  });

  it('a resource plan held by an identity or its organization decides, until detached or expired', async () => {
    const policy = await createPolicy(alice.accessToken);
    const resource = await register(catalog(uniqueId('planned')), home.hrn);
    const put = await server.api.put(
      policyPath(policy.id, `/resources/${encodeURIComponent(resource)}`),
      { allowedActions: ['readResource'], subresources: ['deu', 'fra'] },
      { token: alice.accessToken },
    );
    expect(put.status, put.text).toBe(200);
    const plan = await createPlan([policy.hrn]);
    expect(plan).toMatchObject({
      id: expect.stringMatching(/^RESOURCEPLAN-/),
      hrn: `hrn:here:authorization::${alice.realm}:resourcePlan/${plan.id}`,
      resourcePolicies: [policy.hrn],
    });
    expect(await decide(bob.accessToken, 'readResource', resource)).toBe('project_resource_needs_scoped_token');

    const member = `${AUTHZ}/realms/${alice.realm}/members/${bob.userId}/resourcePlans`;
    const attached = await server.api.put(
      `${member}/${plan.id}`,
      { externalId: 'A-S0001234', subresources: { [policy.hrn]: ['deu'] } },
      { token: alice.accessToken },
    );
    expect(attached.status, attached.text).toBe(200);
    expect(attached.body).toEqual({ hrn: plan.hrn, externalId: 'A-S0001234', subresources: { [policy.hrn]: ['deu'] } });
    expect(await decide(bob.accessToken, 'readResource', resource)).toBe('allowed');
    expect(await decide(bob.accessToken, 'writeResource', resource)).toBe('project_resource_needs_scoped_token');
    expect(await decide(carol.accessToken, 'readResource', resource)).toBe('project_resource_needs_scoped_token');
    const own = await server.api.get(member, { token: bob.accessToken });
    expect(own.status, own.text).toBe(200);
    expect(own.body.items).toEqual([attached.body]);

    // Plain members neither manage plans nor attach them.
    expectError(
      await server.api.post(
        `${AUTHZ}/resourcePlans`,
        { name: 'Mine', resourcePolicies: [policy.id] },
        { token: bob.accessToken },
      ),
      403,
      403403,
    );
    expectError(
      await server.api.put(
        `${AUTHZ}/realms/${alice.realm}/members/${carol.userId}/resourcePlans/${plan.id}`,
        {},
        {
          token: bob.accessToken,
        },
      ),
      403,
      403403,
    );

    const detached = await server.api.delete(`${member}/${plan.id}`, { token: alice.accessToken });
    expect(detached.status, detached.text).toBe(204);
    expect(await decide(bob.accessToken, 'readResource', resource)).toBe('project_resource_needs_scoped_token');
    expectError(await server.api.delete(`${member}/${plan.id}`, { token: alice.accessToken }), 404, 404911);

    // Attached to the organization, with an expiry: every member, until it expires.
    const realmPlan = `${AUTHZ}/realms/${alice.realm}/resourcePlans/${encodeURIComponent(plan.hrn)}`;
    const expiresAt = Date.now() + 1500;
    const onRealm = await server.api.put(
      realmPlan,
      { externalId: 'A-S0005678', expiresAt },
      { token: alice.accessToken },
    );
    expect(onRealm.status, onRealm.text).toBe(200);
    expect(await decide(carol.accessToken, 'readResource', resource)).toBe('allowed');

    // A realm HRN is of Account, as HERE writes it; any other names no organization.
    const realmHrn = (service: string) => `hrn:here:${service}::${alice.realm}:realm/${alice.realm}`;
    const byRealmHrn = (service: string) =>
      server.api.get(`${AUTHZ}/realms/${encodeURIComponent(realmHrn(service))}/resourcePlans`, {
        token: alice.accessToken,
      });
    expect((await byRealmHrn('account')).status).toBe(200);
    expectError(await byRealmHrn('authorization'), 404, 404800);
    const realmPlans = await server.api.get(`${AUTHZ}/realms/${alice.realm}/resourcePlans`, {
      token: alice.accessToken,
    });
    expect(realmPlans.body.items).toEqual([{ hrn: plan.hrn, externalId: 'A-S0005678', expiresAt }]);
    const policies = await server.api.get(`${realmPlan}/resourcePolicies?externalId=A-S0005678`, {
      token: alice.accessToken,
    });
    expect(policies.status, policies.text).toBe(200);
    expect(policies.body.items).toEqual([{ hrn: policy.hrn }]);
    expectError(
      await server.api.get(`${realmPlan}/resourcePolicies?externalId=other`, { token: alice.accessToken }),
      404,
      404911,
    );
    const permissions = await server.api.get(
      `${realmPlan}/resourcePolicies/${encodeURIComponent(policy.hrn)}/permissions`,
      { token: alice.accessToken },
    );
    expect(permissions.body.items).toEqual([
      { action: 'readResource', resource, effect: 'allow', subresources: ['deu', 'fra'] },
    ]);
    expectError(
      await server.api.get(`${AUTHZ}/realms/${alice.realm}/resourcePlans`, { token: bob.accessToken }),
      403,
      403403,
    );

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 100));
    expect(await decide(carol.accessToken, 'readResource', resource)).toBe('project_resource_needs_scoped_token');
    expect(
      (await server.api.get(`${AUTHZ}/realms/${alice.realm}/resourcePlans`, { token: alice.accessToken })).body.items,
    ).toEqual([]);

    // Deleting the policy takes it out of the plan.
    await server.api.put(realmPlan, {}, { token: alice.accessToken });
    expect(await decide(carol.accessToken, 'readResource', resource)).toBe('allowed');
    expect((await server.api.delete(policyPath(policy.id), { token: alice.accessToken })).status).toBe(204);
    expect(await decide(carol.accessToken, 'readResource', resource)).toBe('project_resource_needs_scoped_token');
    const emptied = await server.api.get(`${AUTHZ}/resourcePlans/${plan.id}`, { token: alice.accessToken });
    expect(emptied.body.resourcePolicies).toEqual([]);
    expect((await server.api.delete(`${AUTHZ}/resourcePlans/${plan.id}`, { token: alice.accessToken })).status).toBe(
      204,
    );
    expectError(await server.api.get(`${AUTHZ}/resourcePlans/${plan.id}`, { token: alice.accessToken }), 404, 404911);
  });

  it('keeps organizations apart', async () => {
    const policy = await createPolicy(alice.accessToken);
    const resource = await register(catalog(uniqueId('isolated')), home.hrn);
    await server.api.put(
      policyPath(policy.id, `/resources/${encodeURIComponent(resource)}`),
      { allowedActions: ['readResource'] },
      { token: alice.accessToken },
    );
    const plan = await createPlan([policy.id]);

    // Another organization sees none of it, by id or HRN.
    for (const reference of [policy.id, policy.hrn]) {
      expectError(await server.api.get(policyPath(reference), { token: mallory.accessToken }), 404, 404910);
      expectError(await server.api.delete(policyPath(reference), { token: mallory.accessToken }), 404, 404910);
      expectError(
        await server.api.get(policyPath(reference, '/resources'), { token: mallory.accessToken }),
        404,
        404910,
      );
    }
    const list = await server.api.get(`${AUTHZ}/resourcePolicies`, { token: mallory.accessToken });
    expect(list.body.items.map((item: { hrn: string }) => item.hrn)).not.toContain(policy.hrn);
    expectError(await server.api.get(`${AUTHZ}/resourcePlans/${plan.id}`, { token: mallory.accessToken }), 404, 404911);
    expectError(
      await server.api.post(
        `${AUTHZ}/resourcePlans`,
        { name: 'Theft', resourcePolicies: [policy.hrn] },
        { token: mallory.accessToken },
      ),
      404,
      404910,
    );
    expectError(
      await server.api.put(
        `${AUTHZ}/realms/${mallory.realm}/resourcePlans/${plan.id}`,
        {},
        { token: mallory.accessToken },
      ),
      404,
      404911,
    );
    expectError(
      await server.api.put(
        `${AUTHZ}/realms/${alice.realm}/resourcePlans/${plan.id}`,
        {},
        { token: mallory.accessToken },
      ),
      404,
      404800,
    );
    // Her own policy cannot take the resource, and her plans never reach it.
    const own = await createPolicy(mallory.accessToken, policy.id);
    const batch = await server.api.post(
      policyPath(own.id, '/resources'),
      { resources: [{ resource, allowedActions: ['readResource'] }] },
      { token: mallory.accessToken },
    );
    const status = await server.api.get(policyPath(own.id, `/resources/status/${batch.body.statusId}`), {
      token: mallory.accessToken,
    });
    expect(status.body).toMatchObject({ status: 'failure', items: [{ resource, status: 'failure', code: '404903' }] });
    expect(await decide(mallory.accessToken, 'readResource', resource)).not.toBe('allowed');
    // Alice's policy of the same id is untouched.
    expect(
      (await server.api.get(policyPath(policy.id, '/resources'), { token: alice.accessToken })).body.items,
    ).toHaveLength(1);
  });
});
