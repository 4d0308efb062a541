import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/storage/database.js';
import { AUTHZ, appPath, appWithToken, createApiKey, createApp, inviteMember } from '../support/apps.js';
import { addProjectMember, insertProject, insertResource, openServerDatabase } from '../support/authz-rows.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const realmHrn = (realm: string) => `hrn:here:account::${realm}:realm/${realm}`;

describe('POST /decision/authorize', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  let admin: SignedIn;
  let member: SignedIn;
  let outsider: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    handle = openServerDatabase(server);
    admin = await signUpAndSignIn(server.api);
    member = await inviteMember(server, admin, { prefix: 'member' });
    outsider = await signUpAndSignIn(server.api);
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  const authorize = (credentials: { token?: string; apiKey?: string }, body: unknown) =>
    server.api.post(
      `/decision/authorize${credentials.apiKey ? `?apiKey=${encodeURIComponent(credentials.apiKey)}` : ''}`,
      body,
      credentials.token ? { token: credentials.token } : {},
    );

  it('answers allow for an OrgAdmin and deny for a plain member, with the identity and reasons', async () => {
    const question = { actions: [{ action: 'manageInvites', resource: realmHrn(admin.realm) }], diagnostics: true };
    const allowed = await authorize({ token: admin.accessToken }, question);
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.body).toEqual({
      identity: { userId: admin.userId, realm: admin.realm, emailVerified: expect.any(Boolean) },
      decision: 'allow',
      diagnostics: [
        {
          decision: 'allow',
          permissions: [
            {
              decision: 'allow',
              action: 'manageInvites',
              resource: realmHrn(admin.realm),
              reason: 'allowed',
              cause: 'A permission allows it.',
            },
          ],
        },
      ],
    });

    const denied = await authorize({ token: member.accessToken }, question);
    expect(denied.status).toBe(200);
    expect(denied.body.decision).toBe('deny');
    expect(denied.body.diagnostics[0].permissions[0]).toMatchObject({
      decision: 'deny',
      reason: 'no_matching_permission',
      cause: 'No matching permissions found for the identity, its groups and roles, or the realm.',
    });
  });

  it('combines several actions with "and" by default and with "or" on request; diagnostics only when asked', async () => {
    const actions = [
      { action: 'createApp', resource: realmHrn(member.realm) },
      { action: 'manageInvites', resource: realmHrn(member.realm) },
    ];
    const and = await authorize({ token: member.accessToken }, { actions });
    expect(and.body).toEqual({ identity: expect.any(Object), decision: 'deny' });
    const or = await authorize({ token: member.accessToken }, { actions, operator: 'or', serviceId: 'SERVICE-1' });
    expect(or.body.decision).toBe('allow');
  });

  it('lets a deny permission win over an allow', async () => {
    const resource = `hrn:here:data::${member.realm}:deny-catalog`;
    const grant = (effect: 'allow' | 'deny') =>
      server.gatehouse.storage.permissions.grant({
        realm: member.realm,
        identityId: member.userId,
        action: 'read',
        resourceHrn: effect === 'allow' ? `hrn:here:data::${member.realm}:*` : resource,
        effect,
        createdAt: Date.now(),
      });
    await grant('allow');
    const body = { actions: [{ action: 'read', resource }], diagnostics: true };
    expect((await authorize({ token: member.accessToken }, body)).body.decision).toBe('allow');
    await grant('deny');
    const denied = await authorize({ token: member.accessToken }, body);
    expect(denied.body.decision).toBe('deny');
    expect(denied.body.diagnostics[0].permissions[0].reason).toBe('denied_by_permission');
  });

  it('answers for app tokens and API keys, and never reaches another organization', async () => {
    const { app, token } = await appWithToken(server.api, admin.accessToken);
    const own = { actions: [{ action: 'createProject', resource: realmHrn(admin.realm) }], diagnostics: true };
    const byToken = await authorize({ token }, own);
    expect(byToken.status, byToken.text).toBe(200);
    expect(byToken.body.identity).toEqual({ clientId: app.clientId, realm: admin.realm });
    expect(byToken.body.decision).toBe('allow');

    const apiKey = (await createApiKey(server.api, admin.accessToken, app.clientId)).apiKeyId;
    const byKey = await authorize({ apiKey }, own);
    expect(byKey.status, byKey.text).toBe(200);
    expect(byKey.body.decision).toBe('allow');

    const foreign = await authorize(
      { token: admin.accessToken },
      { actions: [{ action: 'read', resource: `hrn:here:data::${outsider.realm}:*` }], diagnostics: true },
    );
    expect(foreign.body.decision).toBe('deny');
    expect(foreign.body.diagnostics[0].permissions[0].reason).toBe('other_organization');
  });

  it('decides for project-scoped credentials by the project policies of the member', async () => {
    const projectId = `p-${Date.now().toString(36)}`;
    const inProject = `hrn:here:data::${admin.realm}:scoped-${projectId}`;
    const outside = `hrn:here:data::${admin.realm}:outside-${projectId}`;
    const app = await createApp(server.api, admin.accessToken);
    await insertProject(handle.db, admin.realm, projectId);
    await insertResource(handle.db, admin.realm, inProject, 'catalog', projectId);
    await insertResource(handle.db, admin.realm, outside, 'catalog');
    await addProjectMember(handle.db, admin.realm, projectId, app.clientId, [
      'hrn:here:authorization::HERE:platform:policy/read-only-access-to-all-catalogs',
    ]);
    const scope = `hrn:here:authorization::${admin.realm}:project/${projectId}`;
    const set = await server.api.put(
      appPath(app.clientId, '/defaultScope'),
      { scope, isRestricted: true, alwaysProjectScope: true },
      { token: admin.accessToken },
    );
    expect(set.status, set.text).toBe(200);
    const apiKey = (await createApiKey(server.api, admin.accessToken, app.clientId)).apiKeyId;

    const answer = await authorize(
      { apiKey },
      {
        actions: [
          { action: 'read', resource: inProject },
          { action: 'write', resource: inProject },
          { action: 'read', resource: outside },
        ],
        diagnostics: true,
      },
    );
    expect(answer.status, answer.text).toBe(200);
    expect(
      answer.body.diagnostics[0].permissions.map((p: { decision: string; reason: string }) => [p.decision, p.reason]),
    ).toEqual([
      ['allow', 'allowed'],
      ['deny', 'no_matching_project_policy'],
      ['deny', 'resource_outside_token_project'],
    ]);
    // Without the scope, the resource of the project is out of reach.
    const unscoped = await authorize(
      { token: admin.accessToken },
      { actions: [{ action: 'read', resource: inProject }], diagnostics: true },
    );
    expect(unscoped.body.diagnostics[0].permissions[0].reason).toBe('project_resource_needs_scoped_token');
  });

  it('rejects malformed requests with 400200 and missing credentials with 401', async () => {
    for (const body of [
      {},
      { actions: [] },
      { actions: [{ action: 'read', resource: 'not-an-hrn' }] },
      { actions: [{ action: 'read', resource: realmHrn(admin.realm) }], operator: 'xor' },
    ]) {
      expectError(await authorize({ token: admin.accessToken }, body), 400, 400200);
    }
    const anonymous = await authorize({}, { actions: [{ action: 'read', resource: realmHrn(admin.realm) }] });
    expect(anonymous.status).toBe(401);
  });
});

describe('a refused management call', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("answers 403 with HERE's verbose body: who, which action on which HRN, why, and what to do", async () => {
    const admin = await signUpAndSignIn(server.api);
    const member = await inviteMember(server, admin);
    const response = await server.api.post(
      `${AUTHZ}/realms/${admin.realm}/invites`,
      { emailAddress: 'someone@example.com' },
      { token: member.accessToken },
    );
    expectError(response, 403, 403403);
    expect(response.body).toMatchObject({
      title: 'These credentials do not authorize access for this operation.',
      status: 403,
      code: 'E403403',
      action: 'Add/Share the necessary permissions to the identity.',
    });
    expect(response.body.cause).toBe(
      `App/User /${member.userId} credentials do not authorize access to perform manageInvites action on ` +
        `${realmHrn(admin.realm)} because No matching permissions found for the identity, its groups and roles, ` +
        'or the realm.',
    );
  });
});
