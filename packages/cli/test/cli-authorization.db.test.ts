import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCredentialsProperties } from '../../sdk/src/index.js';
import { type AppCredentials, appCredentials } from '../../sdk/test/support.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { type CliResult, cli, temporaryHome } from './support.js';

/**
 * The commands on HERE's Authorization API v1.1 (groups, projects, their members, access and administrators, member
 * permissions) and the decision API, against a real server.
 */

function expectJson(result: CliResult) {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** Makes the app an OrgAdmin of its organization (through storage, as role assignment is not what is tested). */
async function makeOrgAdmin(server: TestServer, app: AppCredentials): Promise<void> {
  const realm = app.admin.realm;
  const role = await server.gatehouse.storage.roles.findByName(
    realm,
    'OrgAdmin',
    `hrn:here:account::${realm}:realm/${realm}`,
  );
  if (!role) throw new Error(`No OrgAdmin role in ${realm}`);
  await server.gatehouse.storage.roles.assign(role.id, app.appId, Date.now());
}

describe('gatehouse group, project, permissions, authorize', () => {
  let server: TestServer;
  let app: AppCredentials;
  let home: string;
  let removeHome: () => Promise<void>;
  let credentialsFile: string;
  const run = (...argv: string[]) => cli(['--credentials', credentialsFile, ...argv], { home });

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
    await makeOrgAdmin(server, app);
    ({ home, remove: removeHome } = await temporaryHome());
    credentialsFile = path.join(home, 'credentials.properties');
    await writeFile(credentialsFile, formatCredentialsProperties(app.credentials));
  });
  afterAll(async () => {
    await server.close();
    await removeHome();
  });

  it('group create, list, show, member add/list/remove, admin add/list/remove, delete', async () => {
    const created = expectJson(await run('group', 'create', 'Editors', '--description', 'People who edit', '--json'));
    expect(created).toMatchObject({ name: 'Editors', id: expect.stringMatching(/^GROUP-/) });
    const quiet = await run('group', 'create', 'Readers', '--quiet');
    expect(quiet.stdout.trim()).toMatch(/^GROUP-[0-9a-f-]{36}$/);

    const table = await run('group', 'list');
    expect(table.stdout).toMatch(/^ID\s+NAME\s+DESCRIPTION\n/);
    expect(table.stdout).toContain('People who edit');
    const filtered = expectJson(await run('group', 'list', '--filter', 'Edit', '--json'));
    expect(filtered.groups.map((group: { id: string }) => group.id)).toEqual([created.id]);
    expect((await run('group', 'show', created.id)).stdout).toContain(`HRN:         ${created.hrn}`);

    const added = await run('group', 'member', 'add', created.id, app.admin.userId);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`user/${app.admin.userId} added to group ${created.id}`);
    const members = expectJson(await run('group', 'member', 'list', created.id, '--json')).members;
    expect(members.map((member: { memberHrn: string }) => member.memberHrn)).toContain(
      `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`,
    );
    // Administrators: the group's GroupAdmin role; its holders must be members (the creating app is both).
    const promoted = await run('group', 'admin', 'add', created.id, '--user', app.admin.userId);
    expect(promoted.stdout.trim()).toBe(
      `User ${app.admin.userId} has been added to the group ${created.hrn} as administrator`,
    );
    const admins = expectJson(await run('group', 'admin', 'list', created.hrn, '--json')).administrators;
    expect(admins.map((entry: { entityHrn: string }) => entry.entityHrn).sort()).toEqual(
      [`hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`, app.appHrn].sort(),
    );
    expect((await run('group', 'admin', 'remove', created.id, '--user', app.admin.userId)).code).toBe(0);
    expect((await run('group', 'admin', 'list', created.id, '--quiet')).stdout.trim()).toBe(app.appHrn);
    const byName = await run('group', 'admin', 'list', 'Editors');
    expect(byName.code).toBe(2);
    expect(byName.stderr).toContain('GROUP-');

    expect((await run('group', 'member', 'remove', created.id, app.admin.userId)).code).toBe(0);
    const after = expectJson(await run('group', 'member', 'list', created.id, '--json')).members;
    expect(after.map((member: { memberHrn: string }) => member.memberHrn)).not.toContain(
      `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`,
    );

    expect((await run('group', 'delete', created.id)).stdout).toBe(`Group ${created.id} deleted.\n`);
    const gone = await run('group', 'show', created.id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('HTTP 404');
  });

  it('project create, list, member add/remove, access grant/show/list/revoke, admin add/list/remove', async () => {
    const created = expectJson(await run('project', 'create', 'cli-project', 'CLI project', '--json'));
    expect(created.hrn).toBe(`hrn:here:authorization::${app.admin.realm}:project/cli-project`);
    const list = await run('project', 'list');
    expect(list.stdout).toContain(created.hrn);
    expect(expectJson(await run('project', 'list', 'cli-', '--json')).projects).toHaveLength(1);

    const userHrn = `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`;
    const member = await run('project', 'member', 'add', 'cli-project', app.admin.userId);
    expect(member.code, member.stderr).toBe(0);
    expect(member.stdout).toContain(`added to project ${created.hrn}`);

    const policies = await server.api.get(`/authorization/v1.1/projects/${encodeURIComponent(created.hrn)}/policies`, {
      token: app.admin.accessToken,
    });
    expect(policies.status, policies.text).toBe(200);
    const policy = policies.body.items[0]?.hrn as string;
    const granted = await run('project', 'access', 'grant', created.hrn, app.admin.userId, '--policy', policy);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(`Policy ${policy} granted`);

    const shown = expectJson(await run('project', 'access', 'show', 'cli-project', app.admin.userId, '--json'));
    expect(shown.policies.map((entry: { policy: string }) => entry.policy)).toContain(policy);
    const holders = expectJson(await run('project', 'access', 'list', created.hrn, '--policy', policy, '--json'));
    expect(holders.members.map((entry: { member: string }) => entry.member)).toContain(userHrn);
    const everyone = await run('project', 'access', 'list', 'cli-project');
    expect(everyone.stdout).toMatch(/^MEMBER\s+TYPE\n/);
    expect(everyone.stdout).toContain(userHrn);
    const revoked = await run('project', 'access', 'revoke', 'cli-project', app.admin.userId, '--policy', policy);
    expect(revoked.stdout).toContain(`Policy ${policy} revoked from ${userHrn}`);
    const after = expectJson(await run('project', 'access', 'show', 'cli-project', app.admin.userId, '--json'));
    expect(after.policies.map((entry: { policy: string }) => entry.policy)).not.toContain(policy);

    // Administrators: the project's ProjectAdmin role (the creating app holds it).
    const added = await run('project', 'admin', 'add', 'cli-project', '--user', app.admin.userId);
    expect(added.stdout.trim()).toBe(
      `User ${app.admin.userId} has been added to the project ${created.hrn} as administrator`,
    );
    const admins = expectJson(await run('project', 'admin', 'list', 'cli-project', '--json')).administrators;
    expect(admins.map((entry: { entityHrn: string }) => entry.entityHrn)).toEqual(
      expect.arrayContaining([userHrn, app.appHrn]),
    );
    const appsOnly = expectJson(await run('project', 'admin', 'list', 'cli-project', '--type', 'app', '--json'));
    expect(appsOnly.administrators.map((entry: { entityHrn: string }) => entry.entityHrn)).toEqual([app.appHrn]);
    const removed = await run('project', 'admin', 'remove', created.hrn, '--user', app.admin.userId);
    expect(removed.stdout).toContain(`has been removed from the project ${created.hrn} as administrator`);
    expect(expectJson(await run('project', 'admin', 'list', 'cli-project', '--type', 'user', '--json'))).toEqual({
      administrators: [],
    });
    const nobody = await run('project', 'admin', 'add', 'cli-project');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('--app or --user');
    const unknown = await run('project', 'admin', 'list', 'no-such-project');
    expect(unknown.code).not.toBe(0);

    const left = await run('project', 'member', 'remove', 'cli-project', app.admin.userId);
    expect(left.stdout).toContain(`removed from project ${created.hrn}`);
    const members = expectJson(await run('project', 'access', 'list', 'cli-project', '--json')).members;
    expect(members.map((entry: { member: string }) => entry.member)).not.toContain(userHrn);

    const invalid = await run('project', 'create', 'X', 'Bad id');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('400');
  });

  it('project resources link, list, unlink', async () => {
    const created = expectJson(await run('project', 'create', 'cli-res', 'CLI resources', '--json'));
    const catalog = `hrn:here:data::${app.admin.realm}:cli-catalog`;
    const registered = await server.api.post(
      '/authorization/v1.1/resources',
      { hrn: catalog, type: 'catalog', referenceable: true },
      { token: app.admin.accessToken },
    );
    expect(registered.status, registered.text).toBe(201);

    const linked = expectJson(
      await run(
        'project',
        'resources',
        'link',
        'cli-res',
        catalog,
        '--action',
        'readResource',
        '--subresource',
        'deu',
        '--json',
      ),
    );
    expect(linked).toMatchObject({ resource: catalog, relation: 'reference', subresources: ['deu'], active: true });
    const table = await run('project', 'resources', 'list', created.hrn);
    expect(table.stdout).toMatch(/^RESOURCE\s+TYPE\s+RELATION\s+ACTIONS\s+SUBRESOURCES\n/);
    expect(table.stdout).toContain(catalog);
    expect(expectJson(await run('project', 'resources', 'list', 'cli-res', '--relation', 'home', '--json'))).toEqual({
      resources: [],
    });
    const noAction = await run('project', 'resources', 'link', 'cli-res', catalog);
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toContain('--action');
    expect((await run('project', 'resources', 'list', 'cli-res', '--relation', 'sideways')).code).toBe(2);

    expect((await run('project', 'resources', 'unlink', 'cli-res', catalog)).stdout).toContain('unlinked');
    expect(expectJson(await run('project', 'resources', 'list', 'cli-res', '--json'))).toEqual({ resources: [] });
  });

  it('permissions list --user / --app / --group, and exactly one of them', async () => {
    const forApp = await run('permissions', 'list', '--app', app.appId);
    expect(forApp.code, forApp.stderr).toBe(0);
    expect(forApp.stdout).toMatch(/^ACTION\s+RESOURCE\s+EFFECT\n/);
    const forUser = expectJson(await run('permissions', 'list', '--user', app.admin.userId, '--json'));
    expect(forUser.permissions.length).toBeGreaterThan(0);
    const group = expectJson(await run('group', 'create', 'Auditors', '--json'));
    const resource = `hrn:here:data::${app.admin.realm}:audit-log`;
    await server.gatehouse.storage.permissions.grant({
      realm: app.admin.realm,
      identityId: group.id,
      action: 'read',
      resourceHrn: resource,
      effect: 'allow',
      createdAt: Date.now(),
    });
    const forGroup = expectJson(await run('permissions', 'list', '--group', group.id, '--json'));
    expect(forGroup.permissions).toContainEqual(expect.objectContaining({ action: 'read', resource, effect: 'allow' }));
    expect((await run('permissions', 'list')).code).toBe(2);
    expect((await run('permissions', 'list', '--user', app.admin.userId, '--app', app.appId)).code).toBe(2);
  });

  it('authorize: allow exits 0, deny exits 1', async () => {
    // OrgAdmin may create groups in its organization.
    const realm = `hrn:here:account::${app.admin.realm}:realm/${app.admin.realm}`;
    const allowed = await run('authorize', '--action', 'createGroup', '--resource', realm);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toBe(`allow: createGroup on ${realm}\n`);
    const foreign = 'hrn:here:account::someone-else:app/AAAAAAAAAAAAAAAAAAAA';
    const denied = await run('authorize', '--action', 'manage', '--resource', foreign, '--json');
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout).decision).toBe('deny');
    const explained = await run('authorize', '--action', 'manage', '--resource', foreign);
    expect(explained.code).toBe(1);
    expect(explained.stdout).toBe(`deny: manage on ${foreign} (The resource belongs to another organization.)\n`);
  });

  it("another organization cannot read or change this one's groups", async () => {
    const group = expectJson(await run('group', 'create', 'Private', '--json'));
    const other = await appCredentials(server);
    await makeOrgAdmin(server, other);
    const foreign = path.join(home, 'foreign.properties');
    await writeFile(foreign, formatCredentialsProperties(other.credentials));
    const shown = await cli(['--credentials', foreign, 'group', 'show', group.id], { home });
    expect(shown.code).toBe(1);
    const deleted = await cli(['--credentials', foreign, 'group', 'delete', group.id], { home });
    expect(deleted.code).toBe(1);
    const listed = expectJson(await cli(['--credentials', foreign, 'group', 'list', '--json'], { home }));
    expect(listed.groups.map((entry: { id: string }) => entry.id)).not.toContain(group.id);
    expect((await run('group', 'show', group.id)).code).toBe(0);
  });
});
