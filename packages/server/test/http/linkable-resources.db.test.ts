import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import { createProject, projectPath } from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('linkable resources', () => {
  let server: TestServer;
  /** OrgAdmin of organization A, creator (so ProjectAdmin and member) of its projects. */
  let alice: SignedIn;
  /** Plain member of organization A, in no project. */
  let bob: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let home: { id: string; hrn: string };
  let second: { id: string; hrn: string };
  let third: { id: string; hrn: string };
  /** Alice's token scoped to the home project. */
  let scoped: string;

  const catalog = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  const realmHrn = () => `hrn:here:account::${alice.realm}:realm/${alice.realm}`;
  const linkablePath = (resource: string, target?: string) =>
    `${AUTHZ}/resources/${encodeURIComponent(resource)}/linkable${target ? `/${encodeURIComponent(target)}` : ''}`;
  const makeLinkable = (body: Record<string, unknown>, token = scoped, resource = catalog('cat')) =>
    server.api.post(linkablePath(resource), { resource, ...body }, { token });
  const reference = (project: string, allowedActions: string[], resource = catalog('cat')) =>
    server.api.post(
      projectPath(project, '/resources?relation=reference'),
      { items: [{ resource, allowedActions }] },
      { token: alice.accessToken },
    );

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
    home = await createProject(server.api, alice.accessToken, { name: 'Home', description: 'Where it lives' });
    second = await createProject(server.api, alice.accessToken, { name: 'Second', description: 'Links here' });
    third = await createProject(server.api, alice.accessToken, { name: 'Third' });
    const register = (body: Record<string, unknown>) =>
      server.api.post(`${AUTHZ}/resources`, body, { token: alice.accessToken });
    expect((await register({ hrn: catalog('cat'), type: 'catalog', home: home.hrn })).status).toBe(201);
    expect((await register({ hrn: catalog('outside'), type: 'catalog' })).status).toBe(201);
    expect(
      (await register({ hrn: `hrn:here:pipeline::${alice.realm}:pipe`, type: 'pipeline', home: home.hrn })).status,
    ).toBe(201);
    const token = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: alice.email,
      password: alice.password,
      scope: home.hrn,
    });
    expect(token.status, token.text).toBe(200);
    scoped = token.body.accessToken;
  });
  afterAll(() => server.close());

  it('a resource neither referenceable nor linkable cannot be linked', async () => {
    expectError(await reference(second.id, ['read']), 403, 403901);
  });

  it('makes a resource linkable to a project from its home project; links then allow at most those actions', async () => {
    // Managing the resource needs a token scoped to its home project.
    expectError(
      await makeLinkable({ projectHrn: second.hrn, allowedActions: ['read'] }, alice.accessToken),
      403,
      403403,
    );
    const made = await makeLinkable({ projectHrn: second.hrn, allowedActions: ['read', 'readResource'] });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toEqual({
      resource: catalog('cat'),
      projectHrn: second.hrn,
      allowedActions: ['read', 'readResource'],
      projectId: second.id,
      projectName: 'Second',
      projectDescription: 'Links here',
    });
    expectError(await makeLinkable({ projectHrn: second.hrn, allowedActions: ['read'] }), 409, 409900);

    const tooMuch = await reference(second.id, ['read', 'write']);
    expectError(tooMuch, 400, 400200);
    expect(tooMuch.body.errorFields).toEqual([expect.objectContaining({ name: 'items[0].allowedActions' })]);
    const linked = await reference(second.id, ['read']);
    expect(linked.status, linked.text).toBe(201);
    expect(linked.body.items).toEqual([expect.objectContaining({ relation: 'reference', allowedActions: ['read'] })]);
    // Linkable to the second project only.
    expectError(await reference(third.id, ['read']), 403, 403901);
  });

  it('lists linkable resources with linkable=true: for the token project, or the projects of the caller', async () => {
    const scopedTo = async (project: string) => {
      const response = await server.api.post('/oauth2/token', {
        grantType: 'password',
        email: alice.email,
        password: alice.password,
        scope: project,
      });
      expect(response.status, response.text).toBe(200);
      return response.body.accessToken as string;
    };
    const listed = async (token: string, query = '') => {
      const response = await server.api.get(`${AUTHZ}/resources?linkable=true${query}`, { token });
      expect(response.status, response.text).toBe(200);
      return response.body.items.map((item: { hrn: string }) => item.hrn);
    };
    expect(await listed(await scopedTo(second.hrn))).toEqual([catalog('cat')]);
    expect(await listed(await scopedTo(third.hrn))).toEqual([]);
    expect(await listed(alice.accessToken)).toEqual([catalog('cat')]);
    expect(await listed(alice.accessToken, '&resourceType=pipeline')).toEqual([]);
    expect(await listed(bob.accessToken)).toEqual([]);
    expect(await listed(mallory.accessToken)).toEqual([]);
    expectError(await server.api.get(`${AUTHZ}/resources?linkable=maybe`, { token: alice.accessToken }), 400, 400200);
  });

  it('makes a resource linkable to the whole organization; reads, changes and removes linkabilities', async () => {
    const made = await makeLinkable({ realmHrn: realmHrn(), allowedActions: ['read', 'write'] });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toEqual({ resource: catalog('cat'), realmHrn: realmHrn(), allowedActions: ['read', 'write'] });
    const linked = await reference(third.id, ['write']);
    expect(linked.status, linked.text).toBe(201);
    expect(
      (await server.api.get(`${AUTHZ}/resources?linkable=true`, { token: bob.accessToken })).body.items.map(
        (item: { hrn: string }) => item.hrn,
      ),
    ).toEqual([catalog('cat')]);

    const list = await server.api.get(linkablePath(catalog('cat')), { token: scoped });
    expect(list.status, list.text).toBe(200);
    expect(list.body.total).toBe(2);
    expect(
      list.body.items.map((item: { projectHrn?: string; realmHrn?: string }) => item.projectHrn ?? item.realmHrn),
    ).toEqual([second.hrn, realmHrn()]);
    const one = await server.api.get(linkablePath(catalog('cat'), second.hrn), { token: scoped });
    expect(one.body).toMatchObject({ projectHrn: second.hrn, allowedActions: ['read', 'readResource'] });

    const put = await server.api.put(
      linkablePath(catalog('cat'), second.hrn),
      { allowedActions: ['manage'] },
      {
        token: scoped,
      },
    );
    expect(put.status, put.text).toBe(200);
    expect(put.body.allowedActions).toEqual(['manage']);
    expectError(
      await server.api.put(linkablePath(catalog('cat'), second.hrn), { allowedActions: [] }, { token: scoped }),
      400,
      400200,
    );
    expectError(
      await server.api.put(
        linkablePath(catalog('cat'), second.hrn),
        { allowedActions: ['read'] },
        {
          token: alice.accessToken,
        },
      ),
      403,
      403403,
    );

    const removed = await server.api.delete(linkablePath(catalog('cat'), realmHrn()), { token: scoped });
    expect(removed.status, removed.text).toBe(204);
    expectError(await server.api.get(linkablePath(catalog('cat'), realmHrn()), { token: scoped }), 404, 404903);
    expectError(await server.api.delete(linkablePath(catalog('cat'), realmHrn()), { token: scoped }), 404, 404903);
  });

  it('validates the linkable resource', async () => {
    const invalid = async (body: Record<string, unknown>, resource?: string) => {
      const response = await makeLinkable(body, scoped, resource);
      expectError(response, 400, 400200);
      return response;
    };
    await invalid({ projectHrn: third.hrn, realmHrn: realmHrn(), allowedActions: ['read'] });
    await invalid({ allowedActions: ['read'] });
    await invalid({ projectHrn: third.hrn, allowedActions: [] });
    await invalid({ projectHrn: third.hrn, allowedActions: ['not an action'] });
    await invalid({ projectHrn: home.hrn, allowedActions: ['read'] });
    await invalid({ projectHrn: catalog('cat'), allowedActions: ['read'] });
    await invalid({ realmHrn: `hrn:here:account::${mallory.realm}:realm/${mallory.realm}`, allowedActions: ['read'] });
    await invalid({ projectHrn: third.hrn, allowedActions: ['read'] }, catalog('outside'));
    await invalid({ projectHrn: third.hrn, allowedActions: ['read'] }, `hrn:here:pipeline::${alice.realm}:pipe`);
    const mismatch = await server.api.post(
      linkablePath(catalog('cat')),
      { resource: catalog('outside'), projectHrn: third.hrn, allowedActions: ['read'] },
      { token: scoped },
    );
    expectError(mismatch, 400, 400200);
    expectError(await makeLinkable({ projectHrn: `${third.hrn}-gone`, allowedActions: ['read'] }), 404, 404820);
    expectError(
      await makeLinkable({ projectHrn: third.hrn, allowedActions: ['read'] }, scoped, catalog('nope')),
      404,
      404903,
    );
  });

  it('a resource taken out of its home project is not linkable any more', async () => {
    const roaming = catalog('roaming');
    const registered = await server.api.post(
      `${AUTHZ}/resources`,
      { hrn: roaming, type: 'catalog', home: home.hrn },
      { token: alice.accessToken },
    );
    expect(registered.status, registered.text).toBe(201);
    expect((await makeLinkable({ realmHrn: realmHrn(), allowedActions: ['read'] }, scoped, roaming)).status).toBe(201);
    const freed = await server.api.delete(
      projectPath(home.id, `/resources/${encodeURIComponent(roaming)}?relation=home`),
      {
        token: alice.accessToken,
      },
    );
    expect(freed.status, freed.text).toBe(204);
    expectError(await reference(second.id, ['read'], roaming), 403, 403901);
  });

  it('keeps organizations and non-members out', async () => {
    expectError(await server.api.get(linkablePath(catalog('cat')), { token: mallory.accessToken }), 404, 404903);
    expectError(
      await makeLinkable({ projectHrn: second.hrn, allowedActions: ['read'] }, mallory.accessToken),
      404,
      404903,
    );
    // A project of organization B with the id of one of A is not a target.
    await createProject(server.api, mallory.accessToken, { id: third.id });
    expectError(
      await makeLinkable({
        projectHrn: `hrn:here:authorization::${mallory.realm}:project/${third.id}`,
        allowedActions: ['read'],
      }),
      404,
      404820,
    );
    expectError(await server.api.get(linkablePath(catalog('cat')), { token: bob.accessToken }), 403, 403403);
    expectError(
      await server.api.delete(linkablePath(catalog('cat'), second.hrn), { token: bob.accessToken }),
      403,
      403403,
    );
  });
});
