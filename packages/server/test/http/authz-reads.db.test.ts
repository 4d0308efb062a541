import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, appWithToken, inviteMember, realmRoleHrn } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { createProject, projectHrn, projectPath, resourcePlanFor, withServerDatabase } from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Authorization v1.1 reads that complete HERE's API: one permission of a role, a group's policies, the
 * organization's permissions, invitation targets, and the access filters of roles and projects.
 */
describe('authorization reads', () => {
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
  const realmHrn = () => `hrn:here:account::${alice.realm}:realm/${alice.realm}`;
  const idOf = (hrn: string) => hrn.slice(hrn.lastIndexOf('/') + 1);
  const createPolicy = async (permissions: unknown[], name = 'Readers') => {
    const response = await server.api.post(`${AUTHZ}/policies`, { name, permissions }, { token: alice.accessToken });
    expect(response.status, response.text).toBe(201);
    return response.body as { id: string; hrn: string };
  };
  const createFilter = async (name: string) => {
    const response = await server.api.post(
      `${AUTHZ}/filters`,
      {
        type: 'custom',
        name,
        statements: [{ permissions: 'unscoped', resource: data('secret'), evaluate: false, priority: 10 }],
      },
      { token: alice.accessToken },
    );
    expect(response.status, response.text).toBe(200);
    return response.body as { hrn: string };
  };
  /** No API attaches policies to groups or the organization, nor filters to roles or projects: rows do. */
  const attachPolicy = (
    kind: 'policy' | 'plan',
    sourceId: string,
    target: { kind: 'realm' | 'identity'; id: string },
  ) =>
    withServerDatabase(server, (db) =>
      db
        .insertInto('policy_attachments')
        .values({
          realm_id: alice.realm,
          source_kind: kind,
          source_id: sourceId,
          target_kind: target.kind,
          target_id: target.id,
          created_at: Date.now(),
        })
        .execute(),
    );
  const attachFilter = (filterHrn: string, targetKind: 'role' | 'project', targetId: string) =>
    withServerDatabase(server, (db) =>
      db
        .insertInto('access_filter_attachments')
        .values({
          filter_id: idOf(filterHrn),
          realm_id: alice.realm,
          target_kind: targetKind,
          target_id: targetId,
          expires_at: null,
          created_at: Date.now(),
        })
        .execute(),
    );

  it('GET /roles/{role}/permissions/{permission} answers one permission of the listing, by its id', async () => {
    const role = await realmRoleHrn(server, alice.realm, 'OrgAdmin');
    const roles = `${AUTHZ}/roles/${encodeURIComponent(role)}`;
    const listed = await server.api.get(`${roles}/permissions`, { token: alice.accessToken });
    expect(listed.status, listed.text).toBe(200);
    const chosen = listed.body.data[3] as { id: string; action: string; resource: string };
    expect(chosen.id).toMatch(/^PERM-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const one = await server.api.get(`${roles}/permissions/${chosen.id}`, { token: alice.accessToken });
    expect(one.status, one.text).toBe(200);
    expect(one.body).toEqual(chosen);
    // By role id as well; any member may read roles (readRoles is in the member baseline).
    const byId = await server.api.get(`${AUTHZ}/roles/${idOf(role)}/permissions/${chosen.id}`, {
      token: bob.accessToken,
    });
    expect(byId.body).toEqual(chosen);

    expectError(
      await server.api.get(`${roles}/permissions/PERM-00000000-0000-0000-0000-000000000000`, {
        token: alice.accessToken,
      }),
      404,
      404792,
    );
    // The permission of one role is not a permission of another.
    const inviter = await realmRoleHrn(server, alice.realm, 'OrgInviter');
    expectError(
      await server.api.get(`${AUTHZ}/roles/${encodeURIComponent(inviter)}/permissions/${chosen.id}`, {
        token: alice.accessToken,
      }),
      404,
      404792,
    );
    expectError(await server.api.get(`${roles}/permissions/${chosen.id}`, { token: mallory.accessToken }), 404, 404790);
    const tooLong = await server.api.get(`${roles}/permissions/${'x'.repeat(200)}`, { token: alice.accessToken });
    expectError(tooLong, 400, 400200);
    expect(tooLong.body.errorFields).toEqual([expect.objectContaining({ name: 'permission', errorCode: 400203 })]);
  });

  it("GET /groups/{groupId}/policies lists the group's policies to its GroupAdmins and OrgAdmins", async () => {
    const created = await server.api.post(`${AUTHZ}/groups`, { name: 'Analysts' }, { token: alice.accessToken });
    expect(created.status, created.text).toBe(201);
    const group = created.body as { id: string; hrn: string };
    const attached = await createPolicy([{ action: 'read', resource: data('reports-*') }], 'Reports');
    const other = await createPolicy([{ action: 'write', resource: data('other') }], 'Other');
    await attachPolicy('policy', attached.id, { kind: 'identity', id: group.id });
    const groups = `${AUTHZ}/groups/${encodeURIComponent(group.hrn)}`;

    const listed = await server.api.get(`${groups}/policies`, { token: alice.accessToken });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toMatchObject({ limit: 100, total: 1 });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: attached.id, hrn: attached.hrn, name: 'Reports' }),
    ]);
    const permissions = await server.api.get(`${AUTHZ}/groups/${group.id}/policies/${attached.id}/permissions`, {
      token: alice.accessToken,
    });
    expect(permissions.status, permissions.text).toBe(200);
    expect(permissions.body.items).toEqual([{ id: '', action: 'read', effect: 'allow', resource: data('reports-*') }]);
    // The group's permissions count the same policy.
    const all = await server.api.get(`${groups}/permissions`, { token: alice.accessToken });
    expect(all.body.items).toContainEqual({ id: '', action: 'read', effect: 'allow', resource: data('reports-*') });

    expectError(
      await server.api.get(`${groups}/policies/${encodeURIComponent(other.hrn)}/permissions`, {
        token: alice.accessToken,
      }),
      404,
      404771,
    );
    expectError(await server.api.get(`${groups}/policies`, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(`${groups}/policies`, { token: mallory.accessToken }), 404, 404780);
    expectError(
      await server.api.get(`${groups}/policies/${attached.id}/permissions`, { token: mallory.accessToken }),
      404,
      404780,
    );
    expectError(await server.api.get(`${groups}/policies?limit=0`, { token: alice.accessToken }), 400, 400200);
  });

  it('GET /realms/{realm}/permissions: the policies and plans of the organization and the member baseline', async () => {
    const path = `${AUTHZ}/realms/${alice.realm}/permissions`;
    const before = await server.api.get(path, { token: alice.accessToken });
    expect(before.status, before.text).toBe(200);
    expect(before.body.data).toContainEqual({ id: '', action: 'createGroup', effect: 'allow', resource: realmHrn() });
    expect(before.body.data).not.toContainEqual(expect.objectContaining({ action: 'manageInvites' }));

    const direct = await createPolicy([{ action: 'read', resource: data('handbook') }], 'Handbook');
    const planned = await createPolicy([{ action: 'read', resource: data('wiki-*') }], 'Wiki');
    const plan = await server.api.post(
      `${AUTHZ}/plans`,
      { name: 'Everyone', policies: [planned.hrn] },
      { token: alice.accessToken },
    );
    expect(plan.status, plan.text).toBe(201);
    await attachPolicy('policy', direct.id, { kind: 'realm', id: alice.realm });
    await attachPolicy('plan', plan.body.id, { kind: 'realm', id: alice.realm });

    const after = await server.api.get(path, { token: alice.accessToken });
    expect(after.body.total).toBe(before.body.total + 2);
    expect(after.body.data).toEqual(
      expect.arrayContaining([
        { id: '', action: 'read', effect: 'allow', resource: data('handbook') },
        { id: '', action: 'read', effect: 'allow', resource: data('wiki-*') },
      ]),
    );
    // What the organization gives, every member has: the member's own permissions include it.
    const bobs = await server.api.get(`${AUTHZ}/realms/${alice.realm}/members/${bob.userId}/permissions`, {
      token: bob.accessToken,
    });
    expect(bobs.body.items).toContainEqual({ id: '', action: 'read', effect: 'allow', resource: data('handbook') });

    const first = await server.api.get(`${path}?count=1`, { token: alice.accessToken });
    expect(first.body).toMatchObject({ total: after.body.total, count: 1, pageToken: expect.any(String) });
    const second = await server.api.get(`${path}?count=1&pageToken=${first.body.pageToken}`, {
      token: alice.accessToken,
    });
    expect(second.body.data).toEqual([after.body.data[1]]);

    expectError(await server.api.get(path, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(path, { token: mallory.accessToken }), 404, 404800);
    expectError(await server.api.get(`${path}?count=abc`, { token: alice.accessToken }), 400, 400200);
  });

  it('GET /realms/{realm}/invites/targets answers the platform to members, refuses apps and other organizations', async () => {
    const path = (realm: string) => `${AUTHZ}/realms/${encodeURIComponent(realm)}/invites/targets`;
    for (const [realm, token] of [
      [alice.realm, alice.accessToken],
      [realmHrn(), alice.accessToken],
      ['me', bob.accessToken],
    ] as const) {
      const response = await server.api.get(path(realm), { token });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toEqual({ targets: [{ target: 'platform' }] });
    }
    // Apps have neither manageInvites nor readMembers without a role.
    const { token: appToken } = await appWithToken(server.api, alice.accessToken);
    expectError(await server.api.get(path(alice.realm), { token: appToken }), 403, 403403);
    expectError(await server.api.get(path(alice.realm), { token: mallory.accessToken }), 403, 403403);
    expectError(await server.api.get(path('no-such-org-0000'), { token: alice.accessToken }), 404, 404800);
    expectError(await server.api.get(path('hrn:here:account::'), { token: alice.accessToken }), 400, 400255);
  });

  it('GET /realms/{realm}/linkable/permissions: what the resource plans of the organization give, as decisions allow', async () => {
    const project = await createProject(server.api, alice.accessToken);
    const resource = data(`planned-${project.id}`);
    const registered = await server.api.post(
      `${AUTHZ}/resources`,
      { hrn: resource, type: 'catalog', home: project.hrn },
      { token: alice.accessToken },
    );
    expect(registered.status, registered.text).toBe(201);
    const { policy, plan } = await resourcePlanFor(server.api, alice.accessToken, {
      policyId: `rp-${project.id}`,
      resource,
      allowedActions: ['readResource'],
      subresources: ['deu', 'fra'],
    });
    const path = `${AUTHZ}/realms/${alice.realm}/linkable/permissions`;
    const before = await server.api.get(path, { token: alice.accessToken });
    expect(before.status, before.text).toBe(200);
    expect(before.body).toEqual({ limit: 100, total: 0, items: [] });

    const attached = await server.api.put(
      `${AUTHZ}/realms/${alice.realm}/resourcePlans/${plan.id}`,
      { subresources: { [policy.hrn]: ['deu'] } },
      { token: alice.accessToken },
    );
    expect(attached.status, attached.text).toBe(200);
    const after = await server.api.get(`${path}?resourceType=catalog&serviceId=data`, { token: alice.accessToken });
    expect(after.body.items).toEqual([{ action: 'readResource', resource, effect: 'allow', subresources: ['deu'] }]);
    const decision = await server.api.post(
      '/decision/authorize',
      { actions: [{ action: 'readResource', resource }], diagnostics: true },
      { token: bob.accessToken },
    );
    expect(decision.body.diagnostics[0].permissions[0]).toMatchObject({ reason: 'allowed', subresources: ['deu'] });
    const schemas = await server.api.get(`${path}?resourceType=schema`, { token: alice.accessToken });
    expect(schemas.body.items).toEqual([]);

    expectError(await server.api.get(path, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(path, { token: mallory.accessToken }), 404, 404800);
    expectError(await server.api.get(`${path}?limit=0`, { token: alice.accessToken }), 400, 400200);
  });

  it("GET /roles/{role}/filter answers the role's filter; 404 without one", async () => {
    const role = await realmRoleHrn(server, alice.realm, 'OrgInviter');
    const path = `${AUTHZ}/roles/${encodeURIComponent(role)}/filter`;
    expectError(await server.api.get(path, { token: alice.accessToken }), 404, 404773);

    const filter = await createFilter('Inviters');
    await attachFilter(filter.hrn, 'role', idOf(role));
    const answered = await server.api.get(path, { token: alice.accessToken });
    expect(answered.status, answered.text).toBe(200);
    const same = await server.api.get(`${AUTHZ}/filters/${encodeURIComponent(filter.hrn)}`, {
      token: alice.accessToken,
    });
    expect(answered.body).toEqual(same.body);
    // The filter is listed with the role among its members.
    const members = await server.api.get(`${AUTHZ}/filters/${encodeURIComponent(filter.hrn)}/members`, {
      token: alice.accessToken,
    });
    expect(members.body.items).toEqual([{ memberHrn: role, entityType: 'role' }]);

    expectError(await server.api.get(path, { token: bob.accessToken }), 403, 403403);
    expectError(await server.api.get(path, { token: mallory.accessToken }), 404, 404790);
  });

  it("GET /projects/{project}/filter: the project's filter, or HERE's project-eval-unscoped for thisProjectOrNoProject", async () => {
    const project = await createProject(server.api, alice.accessToken);
    const path = projectPath(project.hrn, '/filter');
    expectError(await server.api.get(path, { token: alice.accessToken }), 404, 404773);

    const settings = await server.api.patch(
      projectPath(project.id, '/settings'),
      { scopeAccess: 'thisProjectOrNoProject' },
      { token: alice.accessToken },
    );
    expect(settings.status, settings.text).toBe(200);
    const platform = await server.api.get(path, { token: alice.accessToken });
    expect(platform.status, platform.text).toBe(200);
    expect(platform.body).toEqual({
      hrn: 'hrn:here:authorization::HERE:filter/project-eval-unscoped',
      type: 'here-platform',
      name: 'project-eval-unscoped',
      statements: [
        {
          description: 'Evaluate unscoped permissions for requests scoped to this project.',
          permissions: 'unscoped',
          scope: projectHrn(alice.realm, project.id),
          evaluate: true,
          priority: 0,
        },
      ],
    });

    const filter = await createFilter('Project boundary');
    await attachFilter(filter.hrn, 'project', project.id);
    const custom = await server.api.get(projectPath(project.id, '/filter'), { token: alice.accessToken });
    expect(custom.status, custom.text).toBe(200);
    expect(custom.body).toMatchObject({ hrn: filter.hrn, type: 'custom', name: 'Project boundary' });

    // A plain member may not read it; the ProjectAdmin of its own project may (readFilter on the project).
    expectError(await server.api.get(path, { token: bob.accessToken }), 403, 403403);
    const own = await createProject(server.api, bob.accessToken);
    expectError(await server.api.get(projectPath(own.id, '/filter'), { token: bob.accessToken }), 404, 404773);
    expectError(await server.api.get(path, { token: mallory.accessToken }), 404, 404820);
  });
});
