import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ, createApp, inviteMember, rawColonHrn, realmRoleHrn } from '../support/apps.js';
import { expectError, type SignedIn, signUpAndSignIn } from '../support/fixtures.js';
import {
  addMember,
  appHrnOf,
  createProject,
  groupHrn,
  insertGroup,
  insertIdentities,
  insertMembers,
  insertProjectsWithMember,
  managedPolicy,
  projectHrn,
  projectPath,
  touchOrganization,
  uniqueProjectId,
  userHrn,
} from '../support/projects.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALL_ACCESS = managedPolicy('all-access-all-project-resources');
const CREATION = managedPolicy('resource-creation-access-all-project-resources');
const READ_CATALOGS = managedPolicy('read-only-access-to-all-catalogs');

describe('projects (Authorization v1.1)', () => {
  let server: TestServer;
  /** OrgAdmin of organization A. */
  let alice: SignedIn;
  /** Plain members of organization A. */
  let bob: SignedIn;
  let carol: SignedIn;
  /** ResourceManager of organization A. */
  let rita: SignedIn;
  /** OrgAdmin of organization B. */
  let mallory: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await signUpAndSignIn(server.api);
    [bob, carol] = await Promise.all([
      inviteMember(server, alice, { prefix: 'bob' }),
      inviteMember(server, alice, { prefix: 'carol' }),
    ]);
    rita = await inviteMember(server, alice, {
      prefix: 'rita',
      roles: [await realmRoleHrn(server, alice.realm, 'ResourceManager')],
    });
    mallory = await signUpAndSignIn(server.api);
  });
  afterAll(() => server.close());

  const get = (who: SignedIn, path: string) => server.api.get(path, { token: who.accessToken });
  const post = (who: SignedIn, path: string, body?: unknown) => server.api.post(path, body, { token: who.accessToken });
  const send = (who: SignedIn, method: string, path: string, body?: unknown) =>
    server.api.request(method, path, body, { token: who.accessToken });
  const memberPath = (project: string, member: string, suffix = '') =>
    projectPath(project, `/members/${encodeURIComponent(member)}${suffix}`);

  describe('create, read, update, delete', () => {
    it('creates a project: the creator is a member and ProjectAdmin, with the default settings', async () => {
      const id = uniqueProjectId();
      const response = await post(alice, `${AUTHZ}/projects`, { id, name: 'Alpha', description: 'First project' });
      expect(response.status, response.text).toBe(201);
      expect(response.body).toEqual({
        id,
        hrn: projectHrn(alice.realm, id),
        name: 'Alpha',
        description: 'First project',
      });

      const members = await get(alice, projectPath(id, '/members'));
      expect(members.status, members.text).toBe(200);
      expect(members.body).toMatchObject({ limit: 10, total: 1 });
      expect(members.body.items).toEqual([
        {
          project: projectHrn(alice.realm, id),
          member: userHrn(alice.realm, alice.userId),
          identityType: 'user',
          info: expect.objectContaining({ userId: alice.userId, email: alice.email, realm: alice.realm }),
        },
      ]);
      const settings = await get(alice, projectPath(id, '/settings'));
      expect(settings.body).toEqual({
        scopeAccess: 'thisProjectOnly',
        defaultNewMemberProjectPolicies: [ALL_ACCESS, CREATION],
      });
      const own = await get(alice, memberPath(id, userHrn(alice.realm, alice.userId), '/policies'));
      expect(own.body).toEqual({ policies: [{ policy: ALL_ACCESS }, { policy: CREATION }] });

      // ProjectAdmin: a plain member who creates a project administers it.
      const bobs = await createProject(server.api, bob.accessToken);
      const renamed = await send(bob, 'PATCH', projectPath(bobs.id), { name: 'Renamed' });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.name).toBe('Renamed');
      const roles = await server.gatehouse.storage.roles.rolesOf(bob.userId);
      expect(roles.map((role) => [role.name, role.resourceHrn])).toContainEqual(['ProjectAdmin', bobs.hrn]);
    });

    it.each([
      ['abc', 'too short'],
      ['abcdefghijklmnopq', 'too long'],
      ['-abcd', 'leading hyphen'],
      ['abcd-', 'trailing hyphen'],
      ['Abcd', 'uppercase'],
      ['ab_cd', 'underscore'],
      ['ab cd', 'space'],
    ])('refuses the id %j (%s) with 400200', async (id) => {
      const response = await post(alice, `${AUTHZ}/projects`, { id, name: 'Bad' });
      expectError(response, 400, 400200);
      expect(response.body.errorFields).toEqual([expect.objectContaining({ name: 'id', errorCode: 400203 })]);
    });

    it('accepts ids of 4 and 16 characters, and refuses a taken id with 409', async () => {
      const short = `a${uniqueProjectId('').slice(-3)}`;
      const long = `z${uniqueProjectId('').slice(1)}-abcdefg`.slice(0, 16);
      expect(short).toHaveLength(4);
      expect(long).toHaveLength(16);
      await createProject(server.api, alice.accessToken, { id: short });
      await createProject(server.api, alice.accessToken, { id: long });
      expectError(await post(alice, `${AUTHZ}/projects`, { id: short, name: 'Again' }), 409, 409800);
      // Ids are per organization: another organization may use the same one.
      await createProject(server.api, mallory.accessToken, { id: short });
    });

    it('validates names and bodies', async () => {
      const missing = await post(alice, `${AUTHZ}/projects`, { id: uniqueProjectId() });
      expectError(missing, 400, 400200);
      expect(missing.body.errorFields).toEqual([expect.objectContaining({ name: 'name', errorCode: 400201 })]);
      const illegal = await post(alice, `${AUTHZ}/projects`, { id: uniqueProjectId(), name: 'a/b' });
      expect(illegal.body.errorFields).toEqual([expect.objectContaining({ name: 'name', errorCode: 400203 })]);
      expectError(
        await post(alice, `${AUTHZ}/projects`, { id: uniqueProjectId(), name: 'x'.repeat(201) }),
        400,
        400200,
      );
      const project = await createProject(server.api, alice.accessToken);
      expectError(await send(alice, 'PATCH', projectPath(project.id), { name: '' }), 400, 400200);
    });

    it('reads a project by id, by percent-encoded HRN and by HRN with raw colons; HEAD tells whether it exists', async () => {
      const project = await createProject(server.api, alice.accessToken, { name: 'Readable' });
      for (const path of [
        projectPath(project.id),
        projectPath(project.hrn),
        `${AUTHZ}/projects/${rawColonHrn(project.hrn)}`,
      ]) {
        const response = await get(alice, path);
        expect(response.status, `${path}: ${response.text}`).toBe(200);
        expect(response.body).toEqual({ id: project.id, hrn: project.hrn, name: 'Readable' });
      }
      const head = await server.api.request('HEAD', projectPath(project.hrn), undefined, { token: alice.accessToken });
      expect(head.status).toBe(200);
      const missing = await server.api.request('HEAD', projectPath('no-such-project'), undefined, {
        token: alice.accessToken,
      });
      expect(missing.status).toBe(404);
      expectError(await get(alice, projectPath('no-such-project')), 404, 404820);
      // An HRN of another organization names nothing here.
      expectError(await get(alice, projectPath(projectHrn(mallory.realm, project.id))), 404, 404820);
    });

    it('only administrators update and delete; deleting answers 202 and removes members and policies', async () => {
      const project = await createProject(server.api, alice.accessToken);
      await addMember(server.api, alice.accessToken, project.id, userHrn(alice.realm, bob.userId));
      expectError(await send(bob, 'PATCH', projectPath(project.id), { name: 'Mine' }), 403, 403403);
      expectError(await send(bob, 'DELETE', projectPath(project.id)), 403, 403403);
      const patched = await send(alice, 'PATCH', projectPath(project.id), { description: 'Described' });
      expect(patched.body).toMatchObject({ name: 'Project', description: 'Described' });

      const deleted = await send(alice, 'DELETE', projectPath(project.hrn));
      expect(deleted.status, deleted.text).toBe(202);
      expectError(await get(alice, projectPath(project.id)), 404, 404820);
      expect(await server.gatehouse.storage.projects.projectIdsOf(alice.realm, [bob.userId])).not.toContain(project.id);
      const roles = await server.gatehouse.storage.roles.rolesOf(alice.userId);
      expect(roles.map((role) => role.resourceHrn)).not.toContain(project.hrn);
    });
  });

  describe('listing', () => {
    it('GET /projects lists every project for OrgAdmins and ResourceManagers, with q and paging', async () => {
      const marker = `needle${Date.now() % 100000}`;
      const first = await createProject(server.api, bob.accessToken, { name: `A ${marker}` });
      const second = await createProject(server.api, bob.accessToken, { name: 'B', description: `about ${marker}` });
      for (const who of [alice, rita]) {
        const all = await get(who, `${AUTHZ}/projects`);
        expect(all.status, all.text).toBe(200);
        expect(all.body.items.map((item: { id: string }) => item.id)).toEqual(
          expect.arrayContaining([first.id, second.id]),
        );
        expect(all.body.total).toBe(all.body.items.length);
      }
      const found = await get(alice, `${AUTHZ}/projects?q=${marker.toUpperCase()}`);
      expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([first.id, second.id]);
      const page1 = await get(alice, `${AUTHZ}/projects?q=${marker}&limit=1`);
      expect(page1.body).toMatchObject({ limit: 1, total: 2, items: [{ id: first.id }] });
      const page2 = await get(alice, `${AUTHZ}/projects?q=${marker}&limit=1&pageToken=${page1.body.pageToken}`);
      expect(page2.body.items.map((item: { id: string }) => item.id)).toEqual([second.id]);
      expect(page2.body).not.toHaveProperty('pageToken');

      expectError(await get(bob, `${AUTHZ}/projects`), 403, 403403);
      expectError(await get(alice, `${AUTHZ}/projects?limit=0`), 400, 400200);
      expectError(await get(alice, `${AUTHZ}/projects?pageToken=${'!'.repeat(5)}`), 400, 400200);
      // Nothing of organization A reaches organization B.
      const other = await get(mallory, `${AUTHZ}/projects?q=${marker}`);
      expect(other.body.items).toEqual([]);
    });

    it('GET /projects/me lists my projects; isMember=false adds those I administer; canManage keeps manageable ones', async () => {
      const administered = await createProject(server.api, alice.accessToken);
      const joined = await createProject(server.api, rita.accessToken);
      await addMember(server.api, rita.accessToken, joined.id, userHrn(alice.realm, carol.userId));
      const carols = await get(carol, `${AUTHZ}/projects/me`);
      expect(carols.body.items.map((item: { id: string }) => item.id)).toEqual([joined.id]);
      const manageable = await get(carol, `${AUTHZ}/projects/me?canManage=true`);
      expect(manageable.body.items).toEqual([]);

      // Alice leaves her project but keeps administering it.
      expect((await send(alice, 'DELETE', projectPath(administered.id, '/members/me'))).status).toBe(204);
      const mine = await get(alice, `${AUTHZ}/projects/me`);
      expect(mine.body.items.map((item: { id: string }) => item.id)).not.toContain(administered.id);
      const any = await get(alice, `${AUTHZ}/projects/me?isMember=false&canManage=true`);
      expect(any.body.items.map((item: { id: string }) => item.id)).toEqual(
        expect.arrayContaining([administered.id, joined.id]),
      );
      expectError(await get(alice, `${AUTHZ}/projects/me?canManage=yes`), 400, 400200);
    });

    it('GET /realms/{realm}/members/{member}/projects for the member itself or an OrgAdmin', async () => {
      const project = await createProject(server.api, alice.accessToken);
      await addMember(server.api, alice.accessToken, project.id, userHrn(alice.realm, carol.userId));
      const path = `${AUTHZ}/realms/${alice.realm}/members/${encodeURIComponent(userHrn(alice.realm, carol.userId))}/projects`;
      for (const who of [carol, alice]) {
        const response = await get(who, path);
        expect(response.status, response.text).toBe(200);
        expect(response.body.items.map((item: { id: string }) => item.id)).toContain(project.id);
      }
      expectError(await get(bob, path), 403, 403403);
      expectError(await get(mallory, path), 403, 400361);
    });
  });

  describe('members', () => {
    it('adds users and apps (201, then 200), reads and removes them; members read the project', async () => {
      const project = await createProject(server.api, alice.accessToken);
      const bobHrn = userHrn(alice.realm, bob.userId);
      expectError(await get(bob, projectPath(project.id)), 403, 403403);

      const added = await post(alice, memberPath(project.id, bobHrn));
      expect(added.status, added.text).toBe(201);
      expect(added.body).toMatchObject({ project: project.hrn, member: bobHrn, identityType: 'user' });
      const again = await post(alice, memberPath(project.hrn, bobHrn));
      expect(again.status, again.text).toBe(200);

      const app = await createApp(server.api, alice.accessToken, { name: 'Member app' });
      const appAdded = await post(alice, memberPath(project.id, app.hrn));
      expect(appAdded.status).toBe(201);
      expect(appAdded.body).toMatchObject({
        identityType: 'app',
        member: appHrnOf(alice.realm, app.clientId),
        info: { clientId: app.clientId, name: 'Member app' },
      });

      expect((await get(bob, projectPath(project.id))).status).toBe(200);
      const read = await get(bob, memberPath(project.id, bobHrn));
      expect(read.body).toMatchObject({ member: bobHrn, identityType: 'user' });
      // Members read, administrators manage.
      expectError(await post(bob, memberPath(project.id, userHrn(alice.realm, carol.userId))), 403, 403403);

      expect((await send(alice, 'DELETE', memberPath(project.id, app.hrn))).status).toBe(204);
      expectError(await get(alice, memberPath(project.id, app.hrn)), 404, 404801);
      expectError(await send(alice, 'DELETE', memberPath(project.id, app.hrn)), 404, 404801);
      expect((await send(bob, 'DELETE', projectPath(project.id, '/members/me'))).status).toBe(204);
      expectError(await get(bob, projectPath(project.id)), 403, 403403);
      expectError(await send(bob, 'DELETE', projectPath(project.id, '/members/me')), 404, 404801);
    });

    it('refuses unknown identities, identities of other organizations and malformed member HRNs', async () => {
      const project = await createProject(server.api, alice.accessToken);
      expectError(await post(alice, memberPath(project.id, userHrn(mallory.realm, mallory.userId))), 404, 404802);
      expectError(await post(alice, memberPath(project.id, userHrn(alice.realm, mallory.userId))), 404, 404802);
      expectError(
        await post(alice, memberPath(project.id, `hrn:here:account::${alice.realm}:user/HERE-nobody`)),
        404,
        404802,
      );
      expectError(await post(alice, memberPath(project.id, groupHrn(alice.realm, bob.userId))), 404, 404802);
      expectError(await post(alice, memberPath(project.id, 'not-an-hrn')), 404, 404802);
      // Organization B cannot touch organization A's project.
      expectError(await post(mallory, memberPath(project.hrn, userHrn(mallory.realm, mallory.userId))), 404, 404820);
      expectError(await get(mallory, projectPath(project.hrn, '/members')), 404, 404820);
    });

    it('groups are members: their users count as identities of the project', async () => {
      const project = await createProject(server.api, alice.accessToken);
      const group = await insertGroup(server, alice.realm, [carol.userId]);
      const added = await post(alice, memberPath(project.id, groupHrn(alice.realm, group)));
      expect(added.status, added.text).toBe(201);
      expect(added.body).toMatchObject({
        identityType: 'group',
        info: { groupId: group, groupHrn: groupHrn(alice.realm, group), name: expect.any(String) },
      });

      const direct = await get(alice, projectPath(project.id, '/members'));
      expect(direct.body.total).toBe(2);
      expect(direct.body.items.map((item: { identityType: string }) => item.identityType).sort()).toEqual([
        'group',
        'user',
      ]);
      const identities = await get(alice, projectPath(project.id, '/members?onlyIncludeIdentities=true'));
      expect(identities.status, identities.text).toBe(200);
      expect(identities.body).not.toHaveProperty('total');
      // Rita administers every project as ResourceManager: she counts, though not a member.
      expect(identities.body.items.map((item: { member: string }) => item.member).sort()).toEqual(
        [alice, carol, rita].map((who) => userHrn(alice.realm, who.userId)).sort(),
      );
      const page = await get(alice, projectPath(project.id, '/members?onlyIncludeIdentities=true&limit=1'));
      expect(page.body.items).toHaveLength(1);
      const rest = await get(
        alice,
        projectPath(project.id, `/members?onlyIncludeIdentities=true&limit=2&pageToken=${page.body.pageToken}`),
      );
      expect(rest.body.items).toHaveLength(2);
      expect(rest.body).not.toHaveProperty('pageToken');
      expect(rest.body.items[0].member).not.toBe(page.body.items[0].member);

      // Carol, a member through the group, sees and reads the project.
      const carols = await get(carol, `${AUTHZ}/projects/me`);
      expect(carols.body.items.map((item: { id: string }) => item.id)).toContain(project.id);
      expect((await get(carol, projectPath(project.id))).status).toBe(200);
      const permissions = await get(carol, memberPath(project.id, userHrn(alice.realm, carol.userId), '/permissions'));
      expect(permissions.status, permissions.text).toBe(200);
      // The group got the default policies when it joined; Carol holds them through it.
      expect(permissions.body.items).toEqual(
        expect.arrayContaining([
          { action: '*', effect: 'allow', resource: '*', policy: ALL_ACCESS },
          { action: 'create', effect: 'allow', resourceType: '*', policy: CREATION },
        ]),
      );
    });
  });

  describe('limits', () => {
    it('MaxProjectMembers: 500 users and apps per project', async () => {
      const project = await createProject(server.api, alice.accessToken);
      await insertMembers(server, alice.realm, project.id, await insertIdentities(server, alice.realm, 'user', 499));
      await touchOrganization(server, alice.realm, project.id);
      const app = await createApp(server.api, alice.accessToken);
      const full = await post(alice, memberPath(project.id, app.hrn));
      expectError(full, 422, 422000);
      expect(full.body.message).toBe('MaxProjectMembers limit reached. Current value: 500. Maximum value: 500.');
      // Groups count apart.
      const group = await insertGroup(server, alice.realm, []);
      expect((await post(alice, memberPath(project.id, groupHrn(alice.realm, group)))).status).toBe(201);
      const members = await get(alice, projectPath(project.id, '/members?limit=100'));
      expect(members.body.total).toBe(501);
    });

    it('MaxProjectGroups: 5 groups per project', async () => {
      const project = await createProject(server.api, alice.accessToken);
      await insertMembers(server, alice.realm, project.id, await insertIdentities(server, alice.realm, 'group', 5));
      const group = await insertGroup(server, alice.realm, []);
      const full = await post(alice, memberPath(project.id, groupHrn(alice.realm, group)));
      expectError(full, 422, 422000);
      expect(full.body.message).toBe('MaxProjectGroups limit reached. Current value: 5. Maximum value: 5.');
    });

    it('MaxEntityProjects: an identity joins or creates at most 50 projects', async () => {
      const member = await inviteMember(server, alice, { prefix: 'busy' });
      await insertProjectsWithMember(server, alice.realm, member.userId, 50);
      const project = await createProject(server.api, alice.accessToken);
      const full = await post(alice, memberPath(project.id, userHrn(alice.realm, member.userId)));
      expectError(full, 422, 422000);
      expect(full.body.message).toBe('MaxEntityProjects limit reached. Current value: 50. Maximum value: 50.');
      const create = await post(member, `${AUTHZ}/projects`, { id: uniqueProjectId(), name: 'One too many' });
      expectError(create, 422, 422000);
    });

    it('MaxGroupProjects: a group joins at most 50 projects', async () => {
      const group = await insertGroup(server, alice.realm, []);
      await insertProjectsWithMember(server, alice.realm, group, 50);
      const project = await createProject(server.api, alice.accessToken);
      const full = await post(alice, memberPath(project.id, groupHrn(alice.realm, group)));
      expectError(full, 422, 422000);
      expect(full.body.message).toBe('MaxGroupProjects limit reached. Current value: 50. Maximum value: 50.');
    });
  });

  describe('policies and settings', () => {
    const permissions = [
      { resourceType: 'catalog', allowedActions: ['readResource'] },
      { resource: 'hrn:here:data::*:special-*', allowedActions: ['readResource', 'writeResource'] },
    ];

    it('creates, lists, reads, replaces and deletes custom policies; HERE policies are listed and read-only', async () => {
      const project = await createProject(server.api, alice.accessToken);
      const created = await post(alice, projectPath(project.id, '/policies'), {
        id: 'read-catalogs',
        name: 'Read catalogs',
        permissions,
      });
      expect(created.status, created.text).toBe(201);
      const policyHrn = `${project.hrn}:policy/read-catalogs`;
      expect(created.body).toEqual({
        id: 'read-catalogs',
        hrn: policyHrn,
        name: 'Read catalogs',
        type: 'custom',
        permissions,
      });
      expectError(
        await post(alice, projectPath(project.id, '/policies'), { id: 'read-catalogs', name: 'Again', permissions }),
        409,
        409801,
      );

      const all = await get(alice, projectPath(project.id, '/policies'));
      expect(all.body.items.map((item: { hrn: string; type: string }) => [item.hrn, item.type])).toEqual([
        [ALL_ACCESS, 'here-platform'],
        [CREATION, 'here-platform'],
        [READ_CATALOGS, 'here-platform'],
        [policyHrn, 'custom'],
      ]);
      const custom = await get(alice, projectPath(project.id, '/policies?type=custom'));
      expect(custom.body.items.map((item: { id: string }) => item.id)).toEqual(['read-catalogs']);
      const managed = await get(alice, projectPath(project.id, '/policies?projectPolicyType=here-platform'));
      expect(managed.body.items).toHaveLength(3);

      for (const reference of ['read-catalogs', policyHrn]) {
        const read = await get(alice, projectPath(project.id, `/policies/${encodeURIComponent(reference)}`));
        expect(read.body.hrn).toBe(policyHrn);
      }
      const here = await get(alice, projectPath(project.id, `/policies/${encodeURIComponent(ALL_ACCESS)}`));
      expect(here.body).toMatchObject({ id: 'all-access-all-project-resources', type: 'here-platform' });
      expectError(
        await send(alice, 'PUT', projectPath(project.id, `/policies/${encodeURIComponent(ALL_ACCESS)}`), {
          name: 'Mine',
          permissions,
        }),
        403,
        403802,
      );
      expectError(
        await send(alice, 'DELETE', projectPath(project.id, '/policies/all-access-all-project-resources')),
        403,
        403802,
      );

      const replaced = await send(alice, 'PUT', projectPath(project.id, '/policies/read-catalogs'), {
        name: 'Renamed',
        description: 'Only catalogs',
        permissions: [permissions[0]],
      });
      expect(replaced.body).toMatchObject({
        name: 'Renamed',
        description: 'Only catalogs',
        permissions: [permissions[0]],
      });

      // A member holding it; deleting the policy removes the attachment.
      await addMember(server.api, alice.accessToken, project.id, userHrn(alice.realm, bob.userId));
      const bobHrn = userHrn(alice.realm, bob.userId);
      expect((await post(alice, memberPath(project.id, bobHrn, `/policies/read-catalogs`))).status).toBe(204);
      const holders = await get(alice, projectPath(project.id, `/policies/${encodeURIComponent(policyHrn)}/members`));
      expect(holders.body.items.map((item: { member: string }) => item.member)).toEqual([bobHrn]);
      expect((await send(alice, 'DELETE', projectPath(project.id, '/policies/read-catalogs'))).status).toBe(204);
      expectError(await get(alice, projectPath(project.id, '/policies/read-catalogs')), 404, 404803);
      const bobs = await get(alice, memberPath(project.id, bobHrn, '/policies'));
      expect(bobs.body.policies).toEqual([{ policy: ALL_ACCESS }, { policy: CREATION }]);

      // Members read policies, only administrators write them.
      expect((await get(bob, projectPath(project.id, '/policies'))).status).toBe(200);
      expectError(
        await post(bob, projectPath(project.id, '/policies'), { id: 'bobs-own', name: 'Bob', permissions }),
        403,
        403403,
      );
    });

    it('validates policy ids and permissions', async () => {
      const project = await createProject(server.api, alice.accessToken);
      for (const id of ['abc', 'Upper', 'trailing-', 'x'.repeat(17)]) {
        const response = await post(alice, projectPath(project.id, '/policies'), { id, name: 'P', permissions });
        expectError(response, 400, 400200);
      }
      for (const permission of [
        { allowedActions: ['read'] },
        { resource: 'hrn:here:data::x:y', resourceType: 'catalog', allowedActions: ['read'] },
        { resourceType: 'catalog', allowedActions: [] },
        { resource: 'not-an-hrn', allowedActions: ['read'] },
      ]) {
        const response = await post(alice, projectPath(project.id, '/policies'), {
          id: 'bad-policy',
          name: 'P',
          permissions: [permission],
        });
        expectError(response, 400, 400200);
      }
    });

    it('MaxPolicyPermissions, MaxProjectCustomPolicies, MaxProjectPolicies and MaxMemberProjectPolicies', async () => {
      const project = await createProject(server.api, alice.accessToken);
      const many = Array.from({ length: 101 }, (_, index) => ({
        resource: `hrn:here:data::${alice.realm}:c${index}`,
        allowedActions: ['readResource'],
      }));
      const tooMany = await post(alice, projectPath(project.id, '/policies'), {
        id: 'too-many',
        name: 'P',
        permissions: many,
      });
      expectError(tooMany, 422, 422000);
      expect(tooMany.body.message).toBe('MaxPolicyPermissions limit reached. Current value: 101. Maximum value: 100.');
      const fits = await post(alice, projectPath(project.id, '/policies'), {
        id: 'just-enough',
        name: 'P',
        permissions: many.slice(0, 100),
      });
      expect(fits.status, fits.text).toBe(201);

      for (const id of ['custom-2', 'custom-3', 'custom-4', 'custom-5']) {
        expect((await post(alice, projectPath(project.id, '/policies'), { id, name: id, permissions })).status).toBe(
          201,
        );
      }
      const sixth = await post(alice, projectPath(project.id, '/policies'), { id: 'custom-6', name: 'P', permissions });
      expectError(sixth, 422, 422000);
      expect(sixth.body.message).toBe('MaxProjectCustomPolicies limit reached. Current value: 5. Maximum value: 5.');

      const six = [ALL_ACCESS, CREATION, READ_CATALOGS, 'just-enough', 'custom-2', 'custom-3'].map((policy) => ({
        policy,
      }));
      const attachedTooMany = await post(alice, projectPath(project.id, '/attachedPolicies'), { policies: six });
      expectError(attachedTooMany, 422, 422000);
      expect(attachedTooMany.body.message).toBe(
        'MaxProjectPolicies limit reached. Current value: 6. Maximum value: 5.',
      );
      const attached = await post(alice, projectPath(project.id, '/attachedPolicies'), { policies: six.slice(0, 5) });
      expect(attached.status, attached.text).toBe(200);
      expect(attached.body.policies).toHaveLength(5);
      expect(attached.body.policies[3]).toEqual({ policy: `${project.hrn}:policy/just-enough` });
      const oneMore = await post(alice, projectPath(project.id, `/attachedPolicies/custom-3`));
      expectError(oneMore, 422, 422000);
      expect((await send(alice, 'DELETE', projectPath(project.id, `/attachedPolicies/custom-2`))).status).toBe(204);
      expect((await post(alice, projectPath(project.id, `/attachedPolicies/custom-3`))).status).toBe(204);
      const one = await get(
        alice,
        projectPath(project.id, `/attachedPolicies/${encodeURIComponent(`${project.hrn}:policy/custom-3`)}`),
      );
      expect(one.body).toEqual({ policy: `${project.hrn}:policy/custom-3` });
      expectError(await get(alice, projectPath(project.id, '/attachedPolicies/custom-2')), 404, 404803);
      expectError(await post(alice, projectPath(project.id, '/attachedPolicies/no-such-policy')), 404, 404803);

      const aliceHrn = userHrn(alice.realm, alice.userId);
      const memberTooMany = await post(alice, memberPath(project.id, aliceHrn, '/policies'), { policies: six });
      expectError(memberTooMany, 422, 422000);
      expect(memberTooMany.body.message).toBe(
        'MaxMemberProjectPolicies limit reached. Current value: 6. Maximum value: 5.',
      );
      expect(
        (await post(alice, memberPath(project.id, aliceHrn, '/policies'), { policies: six.slice(0, 5) })).status,
      ).toBe(200);
      expectError(await post(alice, memberPath(project.id, aliceHrn, '/policies/custom-5')), 422, 422000);
      expect(
        (await send(alice, 'DELETE', memberPath(project.id, aliceHrn, `/policies/${encodeURIComponent(CREATION)}`)))
          .status,
      ).toBe(204);
      expect((await post(alice, memberPath(project.id, aliceHrn, '/policies/custom-5'))).status).toBe(204);
      const held = await get(alice, memberPath(project.id, aliceHrn, '/policies/custom-5'));
      expect(held.body).toEqual({ policy: `${project.hrn}:policy/custom-5` });
    });

    it('settings: scopeAccess and the default policies of new members', async () => {
      const project = await createProject(server.api, alice.accessToken);
      const patched = await send(alice, 'PATCH', projectPath(project.id, '/settings'), {
        scopeAccess: 'thisProjectOrNoProject',
        defaultNewMemberProjectPolicies: ['read-only-access-to-all-catalogs'],
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body).toEqual({
        scopeAccess: 'thisProjectOrNoProject',
        defaultNewMemberProjectPolicies: [READ_CATALOGS],
      });
      const bobHrn = userHrn(alice.realm, bob.userId);
      await addMember(server.api, alice.accessToken, project.id, bobHrn);
      expect((await get(alice, memberPath(project.id, bobHrn, '/policies'))).body).toEqual({
        policies: [{ policy: READ_CATALOGS }],
      });
      const effective = await get(bob, memberPath(project.id, bobHrn, '/permissions'));
      expect(effective.body.items).toEqual([
        { action: 'read', effect: 'allow', resourceType: 'catalog', policy: READ_CATALOGS },
        { action: 'readResource', effect: 'allow', resourceType: 'catalog', policy: READ_CATALOGS },
      ]);
      // Another member's permissions need readMembers.
      expectError(
        await get(bob, memberPath(project.id, userHrn(alice.realm, alice.userId), '/permissions')),
        403,
        403403,
      );

      // A default policy cannot be deleted while it is one.
      expect(
        (await post(alice, projectPath(project.id, '/policies'), { id: 'defaults', name: 'D', permissions })).status,
      ).toBe(201);
      const defaults = await send(alice, 'PATCH', projectPath(project.id, '/settings'), {
        defaultNewMemberProjectPolicies: ['defaults'],
      });
      expect(defaults.body.defaultNewMemberProjectPolicies).toEqual([`${project.hrn}:policy/defaults`]);
      expectError(await send(alice, 'DELETE', projectPath(project.id, '/policies/defaults')), 409, 409802);

      expectError(
        await send(alice, 'PATCH', projectPath(project.id, '/settings'), { defaultNewMemberProjectPolicies: [] }),
        400,
        400200,
      );
      expectError(
        await send(alice, 'PATCH', projectPath(project.id, '/settings'), {
          defaultNewMemberProjectPolicies: ['a', 'b', 'c', 'd', 'e', 'f'],
        }),
        400,
        400200,
      );
      expectError(
        await send(alice, 'PATCH', projectPath(project.id, '/settings'), {
          defaultNewMemberProjectPolicies: ['missing'],
        }),
        404,
        404803,
      );
      expectError(
        await send(alice, 'PATCH', projectPath(project.id, '/settings'), { scopeAccess: 'everywhere' }),
        400,
        400200,
      );
      expectError(
        await send(bob, 'PATCH', projectPath(project.id, '/settings'), { scopeAccess: 'thisProjectOnly' }),
        403,
        403403,
      );
    });
  });
});
