import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, grantPath, inviteMember } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import {
  addMember,
  createProject,
  groupHrn,
  insertGroup,
  projectPath,
  touchOrganization,
  userHrn,
} from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const NEEDS_SCOPED_TOKEN = 'The resource lives in a project; only a token scoped to that project reaches it.';
const OUTSIDE_TOKEN_PROJECT = 'The token is scoped to a project the resource is not part of.';

describe('project-scoped user tokens', () => {
  let server: TestServer;
  /** OrgAdmin of organization A. */
  let alice: SignedIn;
  /** Plain member of organization A. */
  let bob: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;
  let home: { id: string; hrn: string };
  let other: { id: string; hrn: string };

  const catalog = (name: string) => `hrn:here:data::${alice.realm}:${name}`;
  const resourcePath = (hrn: string) => `${AUTHZ}/resources/${encodeURIComponent(hrn)}`;
  const get = (token: string, path: string) => server.api.get(path, { token });
  const password = (who: SignedIn, scope?: string) =>
    server.api.post('/oauth2/token', {
      grantType: 'password',
      email: who.email,
      password: who.password,
      realm: who.realm,
      ...(scope !== undefined ? { scope } : {}),
    });
  const refresh = (refreshToken: string, scope?: string) =>
    server.api.post('/oauth2/token', {
      grantType: 'refresh_token',
      refreshToken,
      ...(scope !== undefined ? { scope } : {}),
    });

  /** A password-grant token scoped to `scope`: asserts the echoed scope and the `scp` claim. */
  async function scopedSignIn(who: SignedIn, scope: string) {
    const response = await password(who, scope);
    expect(response.status, response.text).toBe(200);
    expect(response.body.scope).toBe(scope);
    expect(decodeJwt(response.body.accessToken).scp).toBe(scope);
    return response.body as { accessToken: string; refreshToken: string };
  }

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    bob = await inviteMember(server, alice, { prefix: 'bob' });
    mallory = await signUpAndSignIn(server.api);
    home = await createProject(server.api, alice.accessToken, { name: 'Home' });
    other = await createProject(server.api, alice.accessToken, { name: 'Other' });
    const register = (body: Record<string, unknown>) =>
      server.api.post(`${AUTHZ}/resources`, body, { token: alice.accessToken });
    expect((await register({ hrn: catalog('cat-in'), type: 'catalog', home: home.hrn })).status).toBe(201);
    expect((await register({ hrn: catalog('cat-out'), type: 'catalog' })).status).toBe(201);
    const grant = await server.api.post(grantPath(catalog('cat-out'), bob.userId, 'read', 'user'), undefined, {
      token: alice.accessToken,
    });
    expect(grant.status, grant.text).toBe(200);
  });
  afterAll(() => server.close());

  it('issues a scoped user token only to members, after the password is checked', async () => {
    expectError(await password(bob, home.hrn), 403, 403109);
    const wrongPassword = await server.api.post('/oauth2/token', {
      grantType: 'password',
      email: bob.email,
      password: `${bob.password}x`,
      scope: home.hrn,
    });
    expect(wrongPassword.status).toBe(401);

    await addMember(server.api, alice.accessToken, home.id, userHrn(alice.realm, bob.userId));
    const scoped = await scopedSignIn(bob, home.hrn);
    // Form requests get the scope in snake_case answers too; `openid` is ignored.
    const form = await server.api.post('/oauth2/token', undefined, {
      form: { grant_type: 'password', email: bob.email, password: bob.password, scope: `openid ${home.hrn}` },
    });
    expect(form.status, form.text).toBe(200);
    expect(form.body.scope).toBe(home.hrn);
    expect(decodeJwt(form.body.access_token).scp).toBe(home.hrn);
    // Unscoped sign-ins stay unscoped.
    const unscoped = await password(bob);
    expect(unscoped.body.scope).toBeUndefined();
    expect(decodeJwt(unscoped.body.accessToken).scp).toBeUndefined();

    const verified = await server.api.post('/verify/accessToken', undefined, { token: scoped.accessToken });
    expect(verified.body.scope).toBe(home.hrn);
  });

  it('validates the scope: one project HRN of the organization', async () => {
    expectError(await password(bob, `${home.hrn} ${other.hrn}`), 400, 400981);
    expect((await password(bob, 'not-a-project')).status).toBe(400);
    expect((await password(bob, `hrn:here:data::${alice.realm}:cat-in`)).status).toBe(400);
    const tooLong = await password(bob, 'x'.repeat(3000));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errorFields).toEqual([expect.objectContaining({ name: 'scope' })]);
    expectError(await password(bob, `${home.hrn}-missing`), 403, 403109);
  });

  it("reaches the project's resources through project policies, and nothing outside the project", async () => {
    const scoped = await scopedSignIn(bob, home.hrn);
    const inside = await get(scoped.accessToken, resourcePath(catalog('cat-in')));
    expect(inside.status, inside.text).toBe(200);
    const outside = await get(scoped.accessToken, resourcePath(catalog('cat-out')));
    expectError(outside, 403, 403403);
    expect(outside.body.cause).toContain(OUTSIDE_TOKEN_PROJECT);
    expect((await get(scoped.accessToken, projectPath(home.id))).status).toBe(200);
    expectError(await get(scoped.accessToken, projectPath(other.id)), 403, 403403);

    // Unscoped: the opposite.
    const unscoped = (await password(bob)).body.accessToken as string;
    const insideUnscoped = await get(unscoped, resourcePath(catalog('cat-in')));
    expectError(insideUnscoped, 403, 403403);
    expect(insideUnscoped.body.cause).toContain(NEEDS_SCOPED_TOKEN);
    expect((await get(unscoped, resourcePath(catalog('cat-out')))).status).toBe(200);
  });

  it('a refresh keeps the scope, or moves to another project the user is a member of', async () => {
    const first = await scopedSignIn(bob, home.hrn);
    const kept = await refresh(first.refreshToken);
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body.scope).toBe(home.hrn);
    expect(decodeJwt(kept.body.accessToken).scp).toBe(home.hrn);

    // Not a member of the other project: refused, and the refresh token is not used up.
    expectError(await refresh(kept.body.refreshToken, other.hrn), 403, 403109);
    expectError(await refresh(kept.body.refreshToken, `${home.hrn} ${other.hrn}`), 400, 400981);
    await addMember(server.api, alice.accessToken, other.id, userHrn(alice.realm, bob.userId));
    const moved = await refresh(kept.body.refreshToken, other.hrn);
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.scope).toBe(other.hrn);
    expect(decodeJwt(moved.body.accessToken).scp).toBe(other.hrn);
    const stays = await refresh(moved.body.refreshToken);
    expect(stays.body.scope).toBe(other.hrn);
    expectError(await get(stays.body.accessToken, resourcePath(catalog('cat-in'))), 403, 403403);

    // Refresh tokens of unscoped sessions stay unscoped.
    const plain = await refresh(bob.refreshToken);
    expect(plain.status, plain.text).toBe(200);
    expect(plain.body.scope).toBeUndefined();
    expect(decodeJwt(plain.body.accessToken).scp).toBeUndefined();
    bob.refreshToken = plain.body.refreshToken;
  });

  it('a member through a group gets scoped tokens; a removed member is refused at the next request', async () => {
    const carol = await inviteMember(server, alice, { prefix: 'carol' });
    const project = await createProject(server.api, alice.accessToken, { name: 'Grouped' });
    await server.api.post(
      `${AUTHZ}/resources`,
      { hrn: catalog('cat-grouped'), type: 'catalog', home: project.hrn },
      { token: alice.accessToken },
    );
    const group = await insertGroup(server, alice.realm, [carol.userId]);
    await touchOrganization(server, alice.realm, project.id);
    await addMember(server.api, alice.accessToken, project.id, groupHrn(alice.realm, group));
    const scoped = await scopedSignIn(carol, project.hrn);
    expect((await get(scoped.accessToken, resourcePath(catalog('cat-grouped')))).status).toBe(200);

    const removed = await server.api.request(
      'DELETE',
      projectPath(project.id, `/members/${encodeURIComponent(groupHrn(alice.realm, group))}`),
      undefined,
      { token: alice.accessToken },
    );
    expect(removed.status).toBe(204);
    // The same token, decided anew by the engine.
    expectError(await get(scoped.accessToken, resourcePath(catalog('cat-grouped'))), 403, 403403);
    expectError(await refresh(scoped.refreshToken), 403, 403109);
    expectError(await password(carol, project.hrn), 403, 403109);
  });

  it('keeps organizations apart', async () => {
    // A project of organization B with the same id as one of A.
    await createProject(server.api, mallory.accessToken, { id: home.id });
    expectError(await password(mallory, home.hrn), 403, 403109);
    expectError(await password(bob, `hrn:here:authorization::${mallory.realm}:project/${home.id}`), 403, 403109);
    const foreignRefresh = await refresh(mallory.refreshToken, home.hrn);
    expectError(foreignRefresh, 403, 403109);
  });
});
