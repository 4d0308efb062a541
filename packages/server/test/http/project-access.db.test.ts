import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppView,
  AUTHN,
  AUTHZ,
  appPath,
  createAccessKey,
  createApp,
  grantPath,
  inviteMember,
  requestAppToken,
} from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { type HereCredentials, parseCredentialsProperties, requestToken } from '../support/here-clients.js';
import {
  addMember,
  createProject,
  groupHrn,
  insertGroup,
  managedPolicy,
  projectPath,
  touchOrganization,
  uniqueProjectId,
  userHrn,
  withServerDatabase,
} from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface Client {
  app: AppView;
  key: { accessKeyId: string; accessKeySecret: string };
  credentials: HereCredentials;
}

const NEEDS_SCOPED_TOKEN = 'The resource lives in a project; only a token scoped to that project reaches it.';
const OUTSIDE_TOKEN_PROJECT = 'The token is scoped to a project the resource is not part of.';

describe('project-scoped tokens and project resources', () => {
  let server: TestServer;
  /** OrgAdmin of organization A. */
  let alice: SignedIn;
  /** Plain member of organization A. */
  let bob: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let home: { id: string; hrn: string };
  let other: { id: string; hrn: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
    home = await createProject(server.api, alice.accessToken, { name: 'Home' });
    other = await createProject(server.api, alice.accessToken, { name: 'Other' });
  });
  afterAll(() => server.close());

  const catalog = (name: string, realm = alice.realm) => `hrn:here:data::${realm}:${name}`;
  const resourcePath = (hrn: string, suffix = '') => `${AUTHZ}/resources/${encodeURIComponent(hrn)}${suffix}`;
  const as = (token: string) => ({
    get: (path: string) => server.api.get(path, { token }),
    post: (path: string, body?: unknown) => server.api.post(path, body, { token }),
    send: (method: string, path: string, body?: unknown) => server.api.request(method, path, body, { token }),
  });

  async function client(name: string): Promise<Client> {
    const app = await createApp(server.api, alice.accessToken, { name });
    const key = await createAccessKey(server.api, alice.accessToken, app.clientId);
    return { app, key, credentials: parseCredentialsProperties(key.credentialsProperties) };
  }

  /** A client_credentials token, optionally scoped: asserts success and the echoed scope and `scp` claim. */
  async function scopedToken(who: Client, scope?: string): Promise<string> {
    const response = await requestAppToken(server.api, who.key, scope ? { scope } : {});
    expect(response.status, response.text).toBe(200);
    if (scope) {
      expect(response.body.scope).toBe(scope);
      expect(decodeJwt(response.body.accessToken).scp).toBe(scope);
    }
    return response.body.accessToken;
  }

  async function register(token: string, body: Record<string, unknown>) {
    return server.api.post(`${AUTHZ}/resources`, body, { token });
  }

  describe('token scopes', () => {
    it('issues a project-scoped token only to members, over OAuth 1.0 and client credentials', async () => {
      const x = await client('Scoped app');
      const basic = await requestAppToken(server.api, x.key, { scope: home.hrn });
      expect(basic.status).toBe(403);
      expect(basic.body).toMatchObject({ errorCode: 403109, error: 'invalid_scope' });
      const oauth1 = await requestToken('java', x.credentials, { scope: home.hrn });
      expect(oauth1.status).toBe(403);
      expect(await oauth1.json()).toMatchObject({ errorCode: 403109, error: 'invalid_scope' });

      await addMember(server.api, alice.accessToken, home.id, x.app.hrn);
      await scopedToken(x, home.hrn);
      const signed = await requestToken('java', x.credentials, { scope: home.hrn });
      expect(signed.status).toBe(200);
      const signedBody = (await signed.json()) as { access_token: string; scope: string };
      expect(signedBody.scope).toBe(home.hrn);
      expect(decodeJwt(signedBody.access_token).scp).toBe(home.hrn);
      const typescript = await requestToken('typescript', x.credentials, { scope: home.hrn });
      expect(((await typescript.json()) as { scope: string }).scope).toBe(home.hrn);
      // Unscoped tokens stay available; other projects are refused.
      expect(decodeJwt(await scopedToken(x)).scp).toBeUndefined();
      const elsewhere = await requestAppToken(server.api, x.key, { scope: other.hrn });
      expect(elsewhere.body).toMatchObject({ errorCode: 403109 });
      // A project of another organization with the same id.
      await createProject(server.api, mallory.accessToken, { id: home.id });
      const foreign = await requestAppToken(server.api, x.key, {
        scope: `hrn:here:authorization::${mallory.realm}:project/${home.id}`,
      });
      expect(foreign.body).toMatchObject({ errorCode: 403109 });
    });

    it('a member through a group gets scoped tokens until the group leaves', async () => {
      const y = await client('Grouped app');
      const group = await insertGroup(server, alice.realm, [y.app.clientId]);
      await touchOrganization(server, alice.realm, other.id);
      await addMember(server.api, alice.accessToken, other.id, groupHrn(alice.realm, group));
      await scopedToken(y, other.hrn);
      const removed = await as(alice.accessToken).send(
        'DELETE',
        projectPath(other.id, `/members/${encodeURIComponent(groupHrn(alice.realm, group))}`),
      );
      expect(removed.status).toBe(204);
      expect((await requestAppToken(server.api, y.key, { scope: other.hrn })).body).toMatchObject({
        errorCode: 403109,
      });
    });

    it("applies the app's default scope, and keeps an always-scoped app out of other projects", async () => {
      const z = await client('Defaulted app');
      await addMember(server.api, alice.accessToken, home.id, z.app.hrn);
      const put = await as(alice.accessToken).send('PUT', appPath(z.app.hrn, '/defaultScope'), {
        scope: home.hrn,
        isRestricted: true,
        alwaysProjectScope: true,
      });
      expect(put.status, put.text).toBe(200);
      // No scope requested: the default project.
      const token = await requestAppToken(server.api, z.key);
      expect(token.status, token.text).toBe(200);
      expect(token.body.scope).toBe(home.hrn);
      const restricted = await requestAppToken(server.api, z.key, { scope: other.hrn });
      expect(restricted.body).toMatchObject({ errorCode: 403111 });
      expectError(
        await as(alice.accessToken).post(projectPath(other.id, `/members/${encodeURIComponent(z.app.hrn)}`)),
        403,
        403801,
      );
      // Its tokens are scoped: management APIs refuse them.
      expectError(await as(token.body.accessToken).get(`${AUTHN}/apps`), 403, 403110);
    });
  });

  describe('resources', () => {
    let member: Client;
    let scoped: string;
    let unscoped: string;

    beforeAll(async () => {
      member = await client('Project worker');
      await addMember(server.api, alice.accessToken, home.id, member.app.hrn);
      scoped = await scopedToken(member, home.hrn);
      unscoped = await scopedToken(member);
    });

    it('registers resources outside projects and in a home project; validates and refuses duplicates', async () => {
      const outside = await register(alice.accessToken, { hrn: catalog('cat-out'), type: 'catalog' });
      expect(outside.status, outside.text).toBe(201);
      expect(outside.body).toEqual({ hrn: catalog('cat-out'), type: 'catalog', referenceable: false });
      const inside = await register(alice.accessToken, { hrn: catalog('cat-in'), type: 'catalog', home: home.hrn });
      expect(inside.body).toEqual({ hrn: catalog('cat-in'), type: 'catalog', home: home.hrn, referenceable: false });

      expectError(await register(alice.accessToken, { hrn: catalog('cat-out'), type: 'catalog' }), 409, 409900);
      expectError(
        await register(alice.accessToken, { hrn: catalog('x', mallory.realm), type: 'catalog' }),
        403,
        403403,
      );
      const own = await register(alice.accessToken, {
        hrn: `hrn:here:account::${alice.realm}:user/HERE-1`,
        type: 'catalog',
      });
      expectError(own, 400, 400200);
      expect(own.body.errorFields).toEqual([expect.objectContaining({ name: 'hrn' })]);
      expectError(await register(alice.accessToken, { hrn: 'catalog', type: 'catalog' }), 400, 400200);
      expectError(await register(alice.accessToken, { hrn: catalog('t'), type: 'Not A Type' }), 400, 400200);
      expectError(
        await register(alice.accessToken, { hrn: catalog('nowhere'), type: 'catalog', home: `${home.hrn}-missing` }),
        404,
        404820,
      );
      // Registering outside projects is for OrgAdmins and ResourceManagers.
      expectError(await register(bob.accessToken, { hrn: catalog('bobs'), type: 'catalog' }), 403, 403403);
      expectError(await register(unscoped, { hrn: catalog('apps'), type: 'catalog' }), 403, 403403);
    });

    it('a resource in a project is reached only with a token scoped to it; one outside projects only without', async () => {
      const inProject = await as(alice.accessToken).get(resourcePath(catalog('cat-in')));
      expectError(inProject, 403, 403403);
      expect(inProject.body.cause).toContain(NEEDS_SCOPED_TOKEN);
      expect((await as(alice.accessToken).get(resourcePath(catalog('cat-out')))).status).toBe(200);

      const read = await as(scoped).get(resourcePath(catalog('cat-in')));
      expect(read.status, read.text).toBe(200);
      expect(read.body).toMatchObject({ hrn: catalog('cat-in'), home: home.hrn });
      const outsideScoped = await as(scoped).get(resourcePath(catalog('cat-out')));
      expectError(outsideScoped, 403, 403403);
      expect(outsideScoped.body.cause).toContain(OUTSIDE_TOKEN_PROJECT);
      const inProjectUnscoped = await as(unscoped).get(resourcePath(catalog('cat-in')));
      expectError(inProjectUnscoped, 403, 403403);
      expect(inProjectUnscoped.body.cause).toContain(NEEDS_SCOPED_TOKEN);

      // A token scoped to another project never reaches it either, even for a member of both.
      await addMember(server.api, alice.accessToken, other.id, member.app.hrn);
      const otherToken = await scopedToken(member, other.hrn);
      expect((await as(otherToken).get(resourcePath(catalog('cat-in')))).body.cause).toContain(OUTSIDE_TOKEN_PROJECT);
      expectError(await as(otherToken).get(projectPath(home.id)), 403, 403403);
      expect((await as(otherToken).get(projectPath(other.id))).status).toBe(200);
      // Management writes need an unscoped token.
      expectError(await as(scoped).send('PATCH', projectPath(home.id), { name: 'Scoped' }), 403, 403110);
    });

    it('scoped tokens create resources in their project through project policies; policies decide access', async () => {
      const created = await register(scoped, { hrn: `hrn:here:pipeline::${alice.realm}:pipe-x`, type: 'pipeline' });
      expect(created.status, created.text).toBe(201);
      expect(created.body.home).toBe(home.hrn);
      expectError(await register(scoped, { hrn: catalog('elsewhere'), type: 'catalog', home: other.hrn }), 403, 403403);

      const memberPolicies = projectPath(home.id, `/members/${encodeURIComponent(member.app.hrn)}/policies`);
      const set = await as(alice.accessToken).post(memberPolicies, {
        policies: [{ policy: managedPolicy('read-only-access-to-all-catalogs') }],
      });
      expect(set.status, set.text).toBe(200);
      // The same token, decided anew: creation is gone, catalogs stay readable, pipelines are not.
      const refused = await register(scoped, { hrn: catalog('cat-new'), type: 'catalog' });
      expectError(refused, 403, 403403);
      expect(refused.body.cause).toContain('No project policy of the identity allows the action on the resource.');
      expect((await as(scoped).get(resourcePath(catalog('cat-in')))).status).toBe(200);
      expectError(await as(scoped).get(resourcePath(`hrn:here:pipeline::${alice.realm}:pipe-x`)), 403, 403403);
      const permissions = await as(alice.accessToken).get(
        projectPath(home.id, `/members/${encodeURIComponent(member.app.hrn)}/permissions`),
      );
      expect(permissions.body.items.map((item: { action: string }) => item.action)).toEqual(['read', 'readResource']);

      await as(alice.accessToken).post(memberPolicies, {
        policies: [{ policy: managedPolicy('all-access-all-project-resources') }],
      });
      expect((await as(scoped).get(resourcePath(`hrn:here:pipeline::${alice.realm}:pipe-x`))).status).toBe(200);
    });

    it('lists resources: scoped tokens see their project, OrgAdmins everything, others what they may reach', async () => {
      const listed = await as(scoped).get(`${AUTHZ}/resources`);
      expect(listed.status, listed.text).toBe(200);
      const hrns = (response: { body: { items: Array<{ hrn: string }> } }) =>
        response.body.items.map((item) => item.hrn);
      expect(hrns(listed)).toEqual([catalog('cat-in'), `hrn:here:pipeline::${alice.realm}:pipe-x`]);
      expect(hrns(await as(scoped).get(`${AUTHZ}/resources?resourceType=catalog`))).toEqual([catalog('cat-in')]);
      expect(hrns(await as(alice.accessToken).get(`${AUTHZ}/resources`))).toEqual(
        expect.arrayContaining([catalog('cat-in'), catalog('cat-out')]),
      );
      expect(hrns(await as(alice.accessToken).get(`${AUTHZ}/resources?access=readOutsideProject`))).not.toContain(
        catalog('cat-in'),
      );
      const page = await as(alice.accessToken).get(`${AUTHZ}/resources?limit=1`);
      expect(page.body.items).toHaveLength(1);
      const next = await as(alice.accessToken).get(`${AUTHZ}/resources?limit=1&pageToken=${page.body.pageToken}`);
      expect(next.body.items[0].hrn > page.body.items[0].hrn).toBe(true);
      // A member's unscoped token lists the resources of its projects.
      expect(hrns(await as(unscoped).get(`${AUTHZ}/resources`))).toEqual(
        expect.arrayContaining([catalog('cat-in'), `hrn:here:pipeline::${alice.realm}:pipe-x`]),
      );
      expect(hrns(await as(bob.accessToken).get(`${AUTHZ}/resources`))).toEqual([]);
      expectError(await as(alice.accessToken).get(`${AUTHZ}/resources?access=everything`), 400, 400200);
    });

    it('scopeAccess thisProjectOrNoProject lets scoped tokens reach resources outside projects by unscoped rights', async () => {
      const settings = await as(alice.accessToken).send('PATCH', projectPath(home.id, '/settings'), {
        scopeAccess: 'thisProjectOrNoProject',
      });
      expect(settings.status).toBe(200);
      const refused = await as(scoped).get(resourcePath(catalog('cat-out')));
      expectError(refused, 403, 403403);
      expect(refused.body.cause).toContain('No matching permissions');
      const grant = await as(alice.accessToken).post(grantPath(catalog('cat-out'), member.app.clientId, 'read', 'app'));
      expect(grant.status, grant.text).toBe(200);
      expect((await as(scoped).get(resourcePath(catalog('cat-out')))).status).toBe(200);

      await as(alice.accessToken).send('PATCH', projectPath(home.id, '/settings'), { scopeAccess: 'thisProjectOnly' });
      expect((await as(scoped).get(resourcePath(catalog('cat-out')))).body.cause).toContain(OUTSIDE_TOKEN_PROJECT);
    });

    it('links referenceable resources into projects with the actions each link allows', async () => {
      await register(alice.accessToken, { hrn: catalog('cat-ref'), type: 'catalog', referenceable: true });
      const add = (body: unknown, query = 'relation=reference') =>
        as(alice.accessToken).post(projectPath(other.id, `/resources?${query}`), body);
      const linked = await add({ items: [{ resource: catalog('cat-ref'), allowedActions: ['readResource'] }] });
      expect(linked.status, linked.text).toBe(201);
      expect(linked.body.items).toEqual([
        {
          resource: catalog('cat-ref'),
          project: other.hrn,
          type: 'catalog',
          relation: 'reference',
          allowedActions: ['readResource'],
          active: true,
        },
      ]);
      expectError(
        await add({ items: [{ resource: catalog('cat-ref'), allowedActions: ['readResource'] }] }),
        409,
        409900,
      );
      expectError(
        await add({ items: [{ resource: catalog('cat-out'), allowedActions: ['readResource'] }] }),
        403,
        403901,
      );
      const noActions = await add({ items: [{ resource: catalog('cat-ref'), externalId: 'sub-0' }] });
      expectError(noActions, 400, 400200);
      expect(noActions.body.errorFields).toEqual([
        expect.objectContaining({ name: 'items[0].allowedActions', errorCode: 400201 }),
      ]);
      const noRelation = await add({ items: [{ resource: catalog('cat-ref') }] }, 'type=catalog');
      expect(noRelation.body.errorFields).toEqual([expect.objectContaining({ name: 'relation', errorCode: 400201 })]);
      expectError(await add({ items: [] }), 400, 400200);
      expectError(
        await add({
          items: Array.from({ length: 21 }, () => ({ resource: catalog('cat-ref'), allowedActions: ['r'] })),
        }),
        400,
        400200,
      );
      expectError(
        await add({ items: [{ resource: catalog('missing'), allowedActions: ['readResource'] }] }),
        404,
        404903,
      );

      // Through the link, a token scoped to the project reads the resource with the linked actions only.
      const otherToken = await scopedToken(member, other.hrn);
      expect((await as(otherToken).get(resourcePath(catalog('cat-ref')))).status).toBe(200);
      // Bob is a member of nothing: linking needs membership too, and the rights on the project.
      expectError(
        await as(bob.accessToken).post(projectPath(other.id, '/resources?relation=reference'), {
          items: [{ resource: catalog('cat-ref'), allowedActions: ['readResource'] }],
        }),
        403,
        403403,
      );

      const inProject = await as(alice.accessToken).get(projectPath(other.id, '/resources?relation=reference'));
      expect(inProject.body.items.map((item: { resource: string }) => item.resource)).toEqual([catalog('cat-ref')]);
      const one = await as(alice.accessToken).get(
        projectPath(other.id, `/resources/${encodeURIComponent(catalog('cat-ref'))}`),
      );
      expect(one.body).toMatchObject({ relation: 'reference', allowedActions: ['readResource'] });
      const projects = await as(alice.accessToken).get(resourcePath(catalog('cat-ref'), '/projects'));
      expect(projects.body.items).toEqual([
        { id: other.id, hrn: other.hrn, name: 'Other', relation: 'reference', allowedActions: ['readResource'] },
      ]);

      // MaxResourceLinksPerProject: 5 links of one resource per project, by external id.
      const single = (externalId: string) =>
        as(alice.accessToken).post(
          projectPath(
            other.id,
            `/resources/${encodeURIComponent(catalog('cat-ref'))}?relation=reference&externalId=${externalId}`,
          ),
          { allowedActions: ['readResource'] },
        );
      for (const externalId of ['sub-1', 'sub-2', 'sub-3', 'sub-4'])
        expect((await single(externalId)).status).toBe(201);
      expectError(await single('sub-1'), 409, 409900);
      const sixth = await single('sub-5');
      expectError(sixth, 422, 422000);
      expect(sixth.body.message).toBe('MaxResourceLinksPerProject limit reached. Current value: 5. Maximum value: 5.');
      const removed = await as(alice.accessToken).send(
        'DELETE',
        projectPath(
          other.id,
          `/resources/${encodeURIComponent(catalog('cat-ref'))}?relation=reference&externalId=sub-1`,
        ),
      );
      expect(removed.status).toBe(204);
      expectError(
        await as(alice.accessToken).get(
          projectPath(other.id, `/resources/${encodeURIComponent(catalog('cat-ref'))}?externalId=sub-1`),
        ),
        404,
        404903,
      );
    });

    it('limits a link to subresources: the link lists them and a scoped token reaches only them', async () => {
      await register(alice.accessToken, { hrn: catalog('cat-sub'), type: 'catalog', referenceable: true });
      const link = (item: Record<string, unknown>, relation = 'reference') =>
        as(alice.accessToken).post(projectPath(other.id, `/resources?relation=${relation}`), { items: [item] });
      const linked = await link({
        resource: catalog('cat-sub'),
        allowedActions: ['readResource'],
        subresources: ['deu', 'fra', 'deu'],
      });
      expect(linked.status, linked.text).toBe(201);
      expect(linked.body.items[0]).toMatchObject({ relation: 'reference', subresources: ['deu', 'fra'] });
      const shown = await as(alice.accessToken).get(
        projectPath(other.id, `/resources/${encodeURIComponent(catalog('cat-sub'))}`),
      );
      expect(shown.body).toMatchObject({ relation: 'reference', subresources: ['deu', 'fra'] });

      const token = await scopedToken(member, other.hrn);
      const decide = async (subresource?: string) => {
        const question = {
          action: 'readResource',
          resource: catalog('cat-sub'),
          ...(subresource ? { subresource } : {}),
        };
        const response = await as(token).post('/decision/authorize', { actions: [question], diagnostics: true });
        expect(response.status, response.text).toBe(200);
        return response.body.diagnostics[0].permissions[0];
      };
      expect(await decide()).toMatchObject({ decision: 'allow', subresources: ['deu', 'fra'] });
      expect(await decide('fra')).toMatchObject({ decision: 'allow', subresources: ['deu', 'fra'] });
      expect(await decide('usa')).toMatchObject({ decision: 'deny', reason: 'subresource_not_granted' });

      // The member's linkable permissions in the project say the same as the decisions.
      const linkablePath = (who: string, query = '') =>
        projectPath(other.id, `/members/${encodeURIComponent(who)}/linkable/permissions${query}`);
      const linkable = await as(alice.accessToken).get(linkablePath(member.app.hrn));
      expect(linkable.status, linkable.text).toBe(200);
      expect(linkable.body.items).toContainEqual({
        action: 'readResource',
        resource: catalog('cat-sub'),
        effect: 'allow',
        subresources: ['deu', 'fra'],
      });
      expect(linkable.body.total).toBe(linkable.body.items.length);
      const own = await as(unscoped).get(linkablePath(member.app.hrn, '?resourceType=catalog&limit=1'));
      expect(own.body).toMatchObject({ limit: 1, items: [expect.objectContaining({ effect: 'allow' })] });
      expect(own.body.pageToken).toEqual(expect.any(String));
      const pipelines = await as(alice.accessToken).get(linkablePath(member.app.hrn, '?resourceType=pipeline'));
      expect(pipelines.body).toMatchObject({ total: 0, items: [] });
      expectError(await as(bob.accessToken).get(linkablePath(member.app.hrn)), 403, 403403);
      expectError(await as(alice.accessToken).get(linkablePath(userHrn(alice.realm, bob.userId))), 404, 404801);
      expectError(
        await as(alice.accessToken).get(linkablePath(member.app.hrn, '?resourceType=Not A Type')),
        400,
        400200,
      );

      // HERE's limits: at most 10 subresources of at most 24 characters.
      const tooLong = { resource: catalog('cat-sub'), externalId: 'x', allowedActions: ['readResource'] };
      expectError(await link({ ...tooLong, subresources: ['x'.repeat(25)] }), 400, 400200);
      expectError(await link({ ...tooLong, subresources: Array.from({ length: 11 }, (_, i) => `r${i}`) }), 400, 400200);
      // A home is the whole resource: it cannot be limited.
      await register(alice.accessToken, { hrn: catalog('cat-sub-home'), type: 'catalog' });
      const homed = await link({ resource: catalog('cat-sub-home'), subresources: ['deu'] }, 'home');
      expectError(homed, 400, 400200);
      expect(homed.body.errorFields).toEqual([expect.objectContaining({ name: 'items[0].subresources' })]);
    });

    it('homes a resource in a project: it then needs a scoped token; taking the home back frees it', async () => {
      await register(alice.accessToken, { hrn: catalog('cat-move'), type: 'catalog' });
      const path = projectPath(home.id, '/resources?relation=home');
      const homed = await as(alice.accessToken).post(path, { items: [{ resource: catalog('cat-move') }] });
      expect(homed.status, homed.text).toBe(201);
      expect(homed.body.items).toEqual([
        { resource: catalog('cat-move'), project: home.hrn, type: 'catalog', relation: 'home', active: true },
      ]);
      // Idempotent in a batch, 409 for the single endpoint, 409 for another project.
      expect((await as(alice.accessToken).post(path, { items: [{ resource: catalog('cat-move') }] })).status).toBe(201);
      expectError(
        await as(alice.accessToken).post(
          projectPath(home.id, `/resources/${encodeURIComponent(catalog('cat-move'))}?relation=home`),
        ),
        409,
        409900,
      );
      expectError(
        await as(alice.accessToken).post(projectPath(other.id, '/resources?relation=home'), {
          items: [{ resource: catalog('cat-move') }],
        }),
        403,
        403403,
      );
      expect((await as(alice.accessToken).get(resourcePath(catalog('cat-move')))).body.cause).toContain(
        NEEDS_SCOPED_TOKEN,
      );
      expect((await as(scoped).get(resourcePath(catalog('cat-move')))).status).toBe(200);

      const taken = await as(alice.accessToken).send(
        'DELETE',
        projectPath(home.id, `/resources/${encodeURIComponent(catalog('cat-move'))}?relation=home`),
      );
      expect(taken.status).toBe(204);
      expect((await as(alice.accessToken).get(resourcePath(catalog('cat-move')))).status).toBe(200);
    });

    it('MaxProjectResources: 100 resources per project', async () => {
      const crowded = await createProject(server.api, alice.accessToken);
      await withServerDatabase(server, async (db) => {
        await db
          .insertInto('resources')
          .values(
            Array.from({ length: 100 }, (_, index) => ({
              hrn: catalog(`bulk-${crowded.id}-${index}`),
              realm_id: alice.realm,
              type: 'catalog',
              home_project_id: crowded.id,
              referenceable: 0 as const,
              creator_id: null,
              created_at: Date.now(),
            })),
          )
          .execute();
      });
      const full = await register(alice.accessToken, {
        hrn: catalog(`one-more-${crowded.id}`),
        type: 'catalog',
        home: crowded.hrn,
      });
      expectError(full, 422, 422000);
      expect(full.body.message).toBe('MaxProjectResources limit reached. Current value: 100. Maximum value: 100.');
    });

    it('deleting a project leaves its resources outside projects', async () => {
      const doomed = await createProject(server.api, alice.accessToken, { id: uniqueProjectId('doomed') });
      await register(alice.accessToken, { hrn: catalog('orphan'), type: 'catalog', home: doomed.hrn });
      expect((await as(alice.accessToken).send('DELETE', projectPath(doomed.id))).status).toBe(202);
      const list = await as(alice.accessToken).get(`${AUTHZ}/resources?access=readOutsideProject`);
      expect(list.body.items).toContainEqual({ hrn: catalog('orphan'), type: 'catalog', referenceable: false });
    });

    it('keeps organizations apart', async () => {
      expectError(await as(mallory.accessToken).get(resourcePath(catalog('cat-out'))), 404, 404903);
      expectError(await as(mallory.accessToken).get(resourcePath(catalog('cat-ref'), '/projects')), 404, 404903);
      const theirs = await as(mallory.accessToken).get(`${AUTHZ}/resources`);
      expect(theirs.body.items).toEqual([]);
      const project = await createProject(server.api, mallory.accessToken);
      expectError(
        await as(mallory.accessToken).post(projectPath(project.id, '/resources?relation=reference'), {
          items: [{ resource: catalog('cat-ref'), allowedActions: ['readResource'] }],
        }),
        404,
        404903,
      );
      expectError(await as(mallory.accessToken).get(projectPath(other.hrn, '/resources')), 404, 404820);
      expectError(await as(alice.accessToken).get(projectPath(project.hrn)), 404, 404820);
    });
  });
});
