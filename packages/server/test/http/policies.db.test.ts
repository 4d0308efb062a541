import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, appWithToken, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('organization policies and plans', () => {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let mallory: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  const data = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  const createPolicy = async (token: string, permissions: unknown[], name = 'Readers') => {
    const response = await server.api.post(`${AUTHZ}/policies`, { name, permissions }, { token });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; hrn: string };
  };
  const decide = async (token: string, action: string, resource: string) => {
    const response = await server.api.post(
      '/decision/authorize',
      { actions: [{ action, resource }], diagnostics: true },
      { token },
    );
    expect(response.status, response.text).toBe(200);
    return response.body.diagnostics[0].permissions[0].reason as string;
  };
  const member = (who: string) => `${AUTHZ}/realms/${alice.realm}/members/${encodeURIComponent(who)}`;

  it('an OrgAdmin creates a policy and attaches it to a user: the next decision allows what it allows', async () => {
    const policy = await createPolicy(alice.accessToken, [
      { action: 'read', resource: data('sales-*') },
      { action: 'read', resource: data('sales-secret'), effect: 'deny' },
    ]);
    expect(policy).toMatchObject({
      id: expect.stringMatching(/^POLICY-/),
      hrn: `hrn:here:authorization::${alice.realm}:policy/${policy.id}`,
      name: 'Readers',
      permissionCount: 2,
    });
    expect(await decide(bob.accessToken, 'read', data('sales-2024'))).toBe('no_matching_permission');

    const attached = await server.api.put(
      `${member(bob.userId)}/policies/${encodeURIComponent(policy.hrn)}`,
      undefined,
      {
        token: alice.accessToken,
      },
    );
    expect(attached.status, attached.text).toBe(204);
    expect(await decide(bob.accessToken, 'read', data('sales-2024'))).toBe('allowed');
    expect(await decide(bob.accessToken, 'read', data('sales-secret'))).toBe('denied_by_permission');
    expect(await decide(bob.accessToken, 'write', data('sales-2024'))).toBe('no_matching_permission');

    const own = await server.api.get(`${member(bob.userId)}/policies`, { token: bob.accessToken });
    expect(own.status, own.text).toBe(200);
    expect(own.body.items.map((item: { id: string }) => item.id)).toEqual([policy.id]);
    // A policy HRN is of Authorization; the same resource under another service names nothing.
    const dataHrn = policy.hrn.replace(':authorization:', ':data:');
    expectError(
      await server.api.get(`${member(bob.userId)}/policies/${encodeURIComponent(dataHrn)}/permissions`, {
        token: bob.accessToken,
      }),
      404,
      404771,
    );
    const permissions = await server.api.get(`${member(bob.userId)}/policies/${policy.id}/permissions`, {
      token: bob.accessToken,
    });
    expect(permissions.body.items).toEqual([
      { id: '', action: 'read', effect: 'allow', resource: data('sales-*') },
      { id: '', action: 'read', effect: 'deny', resource: data('sales-secret') },
    ]);
    const memberPermissions = await server.api.get(`${member(bob.userId)}/permissions`, { token: bob.accessToken });
    expect(memberPermissions.body.items).toContainEqual({
      id: '',
      action: 'read',
      effect: 'allow',
      resource: data('sales-*'),
    });

    // Changing the policy changes the next decision; deleting it detaches it.
    const changed = await server.api.patch(
      `${AUTHZ}/policies/${policy.id}`,
      { permissions: [{ action: 'write', resource: data('sales-*') }] },
      { token: alice.accessToken },
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.permissionCount).toBe(1);
    expect(await decide(bob.accessToken, 'read', data('sales-2024'))).toBe('no_matching_permission');
    expect(await decide(bob.accessToken, 'write', data('sales-2024'))).toBe('allowed');
    const deleted = await server.api.delete(`${AUTHZ}/policies/${policy.id}`, { token: alice.accessToken });
    expect(deleted.status).toBe(204);
    expect(await decide(bob.accessToken, 'write', data('sales-2024'))).toBe('no_matching_permission');
    expect((await server.api.get(`${member(bob.userId)}/policies`, { token: bob.accessToken })).body.items).toEqual([]);
  });

  it('plans bundle policies; attached to an app they show in /app/me/authorization', async () => {
    const first = await createPolicy(alice.accessToken, [{ action: 'read', resource: data('plan-a') }], 'A');
    const second = await createPolicy(alice.accessToken, [{ action: 'read', resource: data('plan-b') }], 'B');
    const plan = await server.api.post(
      `${AUTHZ}/plans`,
      { name: 'Bundle', description: 'Both', policies: [first.hrn, second.id] },
      { token: alice.accessToken },
    );
    expect(plan.status, plan.text).toBe(201);
    expect(plan.body).toMatchObject({
      id: expect.stringMatching(/^PLAN-/),
      name: 'Bundle',
      description: 'Both',
      policies: [first.hrn, second.hrn],
    });
    const { app, token } = await appWithToken(server.api, alice.accessToken);
    const attach = await server.api.put(`${member(app.hrn)}/plans/${plan.body.id}`, undefined, {
      token: alice.accessToken,
    });
    expect(attach.status, attach.text).toBe(204);
    expect(await decide(token, 'read', data('plan-b'))).toBe('allowed');

    const info = await server.api.get('/app/me/authorization', { token });
    expect(info.body.plans).toEqual([
      {
        id: `PLANLINK-${plan.body.id}`,
        planId: plan.body.id,
        policies: [{ policyId: first.id }, { policyId: second.id }],
        allowUpdates: false,
      },
    ]);
    const plans = await server.api.get(`${member(app.clientId)}/plans`, { token: alice.accessToken });
    expect(plans.body.items.map((item: { id: string }) => item.id)).toEqual([plan.body.id]);
    const realmPlans = await server.api.get(`${AUTHZ}/realms/${alice.realm}/plans`, { token: alice.accessToken });
    expect(realmPlans.body.items.map((item: { id: string }) => item.id)).toContain(plan.body.id);
    const inPlan = await server.api.get(`${AUTHZ}/realms/${alice.realm}/plans/${plan.body.id}/policies`, {
      token: alice.accessToken,
    });
    expect(inPlan.body.items.map((item: { id: string }) => item.id)).toEqual([first.id, second.id]);
    const planPermissions = await server.api.get(
      `${AUTHZ}/realms/${alice.realm}/plans/${plan.body.id}/policies/${second.id}/permissions`,
      { token: alice.accessToken },
    );
    expect(planPermissions.body.items).toEqual([{ id: '', action: 'read', effect: 'allow', resource: data('plan-b') }]);

    // Narrowing the plan takes the policy's access away at once; detaching takes the rest.
    await server.api.patch(`${AUTHZ}/plans/${plan.body.id}`, { policies: [first.id] }, { token: alice.accessToken });
    expect(await decide(token, 'read', data('plan-b'))).toBe('no_matching_permission');
    expect(await decide(token, 'read', data('plan-a'))).toBe('allowed');
    const detach = await server.api.delete(`${member(app.clientId)}/plans/${plan.body.id}`, {
      token: alice.accessToken,
    });
    expect(detach.status).toBe(204);
    expect(await decide(token, 'read', data('plan-a'))).toBe('no_matching_permission');
    expect((await server.api.delete(`${AUTHZ}/plans/${plan.body.id}`, { token: alice.accessToken })).status).toBe(204);
  });

  it('only OrgAdmins manage and list them; a member reads only what is attached to itself', async () => {
    const policy = await createPolicy(alice.accessToken, [{ action: 'read', resource: data('x') }]);
    const create = await server.api.post(
      `${AUTHZ}/policies`,
      { name: 'Mine', permissions: [{ action: 'read', resource: data('x') }] },
      { token: bob.accessToken },
    );
    expectError(create, 403, 403403);
    expect(create.body.cause).toContain('perform managePolicies action on');
    expectError(
      await server.api.put(`${member(bob.userId)}/policies/${policy.id}`, undefined, { token: bob.accessToken }),
      403,
      403403,
    );
    expectError(
      await server.api.get(`${AUTHZ}/realms/${alice.realm}/policies`, { token: bob.accessToken }),
      403,
      403403,
    );
    expectError(
      await server.api.post(`${AUTHZ}/plans`, { name: 'P', policies: [policy.id] }, { token: bob.accessToken }),
      403,
      403403,
    );
    expectError(await server.api.get(`${member(alice.userId)}/policies`, { token: bob.accessToken }), 403, 403403);
    const listed = await server.api.get(`${AUTHZ}/realms/${alice.realm}/policies?limit=1`, {
      token: alice.accessToken,
    });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('validates input and keeps organizations apart', async () => {
    const policy = await createPolicy(alice.accessToken, [{ action: 'read', resource: data('mine') }]);
    for (const body of [
      { name: 'Empty', permissions: [] },
      { name: '', permissions: [{ action: 'read', resource: data('x') }] },
      { name: 'Bad', permissions: [{ action: 'read', resource: 'nope' }] },
      { name: 'Bad', permissions: [{ action: 'read', resource: data('x'), effect: 'perhaps' }] },
    ]) {
      expectError(await server.api.post(`${AUTHZ}/policies`, body, { token: alice.accessToken }), 400, 400200);
    }
    const foreign = await server.api.post(
      `${AUTHZ}/policies`,
      { name: 'Theirs', permissions: [{ action: 'read', resource: `hrn:here:data::${mallory.realm}:x` }] },
      { token: alice.accessToken },
    );
    expectError(foreign, 400, 400200);
    expect(foreign.body.errorFields).toEqual([expect.objectContaining({ errorCode: 400288 })]);
    expectError(
      await server.api.post(
        `${AUTHZ}/plans`,
        { name: 'P', policies: ['POLICY-unknown'] },
        { token: alice.accessToken },
      ),
      404,
      404771,
    );

    expectError(
      await server.api.patch(`${AUTHZ}/policies/${policy.id}`, { name: 'Stolen' }, { token: mallory.accessToken }),
      404,
      404771,
    );
    expectError(
      await server.api.delete(`${AUTHZ}/policies/${encodeURIComponent(policy.hrn)}`, { token: mallory.accessToken }),
      404,
      404771,
    );
    expectError(
      await server.api.get(`${AUTHZ}/realms/${alice.realm}/policies`, { token: mallory.accessToken }),
      404,
      404800,
    );
    const malloryMember = `${AUTHZ}/realms/${mallory.realm}/members/${mallory.userId}/policies/${policy.id}`;
    expectError(await server.api.put(malloryMember, undefined, { token: mallory.accessToken }), 404, 404771);
    const theirs = await server.api.get(`${AUTHZ}/realms/${mallory.realm}/policies`, { token: mallory.accessToken });
    expect(theirs.body.items).toEqual([]);
  });
});
