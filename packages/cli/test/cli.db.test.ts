import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCredentialsProperties } from '../../sdk/src/index.js';
import { type AppCredentials, appCredentials } from '../../sdk/test/support.js';
import { freePort, startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { type CliResult, cli, temporaryHome } from './support.js';

const BIN = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));

function expectJson(result: CliResult) {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('gatehouse CLI', () => {
  let server: TestServer;
  let app: AppCredentials;
  let home: string;
  let removeHome: () => Promise<void>;
  let credentialsFile: string;
  /** Runs with --credentials pointing at the test app's file. */
  const run = (...argv: string[]) => cli(['--credentials', credentialsFile, ...argv], { home });

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    app = await appCredentials(server);
    ({ home, remove: removeHome } = await temporaryHome());
    credentialsFile = path.join(home, 'credentials.properties');
    await writeFile(credentialsFile, formatCredentialsProperties(app.credentials));
  });
  afterAll(async () => {
    await server.close();
    await removeHome();
  });

  describe('usage', () => {
    it('--help and --version exit 0', async () => {
      const help = await cli(['--help'], { home });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: gatehouse');
      expect(help.stdout).toContain('token');
      expect((await cli(['--version'], { home })).stdout.trim()).toBe('0.1.0');
    });

    it('unknown commands, missing arguments and bad values exit 2 with a hint', async () => {
      const unknown = await cli(['frobnicate'], { home });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'frobnicate'");
      const missing = await run('app', 'show');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("missing required argument 'app'");
      const badBoolean = await run('app', 'scope', 'set', app.appId, 'p-1', '--is-restricted', 'maybe');
      expect(badBoolean.code).toBe(2);
      expect(badBoolean.stderr).toContain('Use true or false.');
      const badDate = await run('app', 'key', 'api', 'create', app.appId, 'k', '--expires-at', 'soon');
      expect(badDate.code).toBe(2);
      expect(badDate.stderr).toContain('is not a date');
    });
  });

  describe('credentials', () => {
    it('import stores a profile that later commands use', async () => {
      const imported = await cli(['credentials', 'import', credentialsFile, '--profile', 'work'], { home });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('Profile "work" saved');
      const stored = path.join(home, '.gatehouse', 'profiles', 'work.properties');
      expect((await stat(stored)).mode & 0o777).toBe(0o600);
      const listed = expectJson(await cli(['credentials', 'list', '--json'], { home }));
      expect(listed.profiles).toEqual([
        { profile: 'work', accessKeyId: app.credentials.accessKeyId, server: server.url },
      ]);
      const token = await cli(['--profile', 'work', 'token', 'get', '--quiet'], { home });
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('a file without the secret, a missing file, an unknown profile: exit 3 saying what to do', async () => {
      const broken = path.join(home, 'broken.properties');
      await writeFile(broken, 'here.access.key.id = x\n');
      const incomplete = await cli(['credentials', 'import', broken], { home });
      expect(incomplete.code).toBe(3);
      expect(incomplete.stderr).toContain('here.access.key.secret missing');
      const absent = await cli(['credentials', 'import', path.join(home, 'nope.properties')], { home });
      expect(absent.code).toBe(3);
      const profile = await cli(['--profile', 'nobody', 'app', 'list'], { home });
      expect(profile.code).toBe(3);
      expect(profile.stderr).toContain('gatehouse credentials import <file> --profile nobody');
    });

    it('no credentials anywhere: exit 3 naming every way to give them', async () => {
      const empty = await temporaryHome();
      try {
        const result = await cli(['token', 'get'], { home: empty.home });
        expect(result.code).toBe(3);
        expect(result.stderr).toContain('No credentials found');
        expect(result.stderr).toContain('HERE_ACCESS_KEY_ID');
      } finally {
        await empty.remove();
      }
    });

    it('HERE_* variables are used when no file or profile is named', async () => {
      const empty = await temporaryHome();
      try {
        const env = {
          HERE_ACCESS_KEY_ID: app.credentials.accessKeyId,
          HERE_ACCESS_KEY_SECRET: app.credentials.accessKeySecret,
          HERE_TOKEN_ENDPOINT_URL: app.credentials.tokenEndpointUrl,
        };
        const result = await cli(['token', 'get', '--json'], { home: empty.home, env });
        expect(expectJson(result).accessToken).toBeTruthy();
      } finally {
        await empty.remove();
      }
    });
  });

  describe('token get', () => {
    it('prints the token like `olp api token get`', async () => {
      const result = await run('token', 'get');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Token: [\w-]+\.[\w-]+\.[\w-]+\nToken Expires at: \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    });

    it('--json answers {accessToken, expiresAt}', async () => {
      const token = expectJson(await run('token', 'get', '--json'));
      expect(Object.keys(token).sort()).toEqual(['accessToken', 'expiresAt']);
      expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now());
    });

    it('--scope is sent: a project the app is not a member of is refused (exit 1)', async () => {
      const scope = `hrn:here:authorization::${app.admin.realm}:project/not-mine`;
      const result = await run('token', 'get', '--scope', scope);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('403109');
      expect(result.stderr).toContain('Add the app to the project');
    });

    it('a wrong secret is exit 3, an unreachable server exit 4', async () => {
      const wrong = path.join(home, 'wrong.properties');
      await writeFile(wrong, formatCredentialsProperties({ ...app.credentials, accessKeySecret: 'wrong' }));
      const refused = await cli(['--credentials', wrong, 'token', 'get'], { home });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('HTTP 401');
      expect(refused.stderr).toContain('Check your credentials');
      const port = await freePort();
      const unreachable = await run('--url', `http://127.0.0.1:${port}`, 'token', 'get');
      expect(unreachable.code).toBe(4);
      expect(unreachable.stderr).toContain(`Cannot reach http://127.0.0.1:${port}/oauth2/token`);
    });
  });

  describe('app', () => {
    it('create, list, show, delete', async () => {
      const created = expectJson(await run('app', 'create', 'CLI app', '--description', 'from the CLI', '--json'));
      expect(created).toMatchObject({ name: 'CLI app', description: 'from the CLI', realm: app.admin.realm });

      const human = await run('app', 'create', 'Second app');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^App Second app created\.\n {2}id: {2}\w{20}\n {2}HRN: hrn:here:account::/);
      const quiet = await run('app', 'create', 'Third app', '--quiet');
      expect(quiet.stdout.trim()).toMatch(/^hrn:here:account::[\w-]+:app\/\w{20}$/);

      const table = await run('app', 'list');
      expect(table.code).toBe(0);
      const [header, rule, ...rows] = table.stdout.trim().split('\n');
      expect(header).toMatch(/^HRN\s+NAME\s+STATUS\s+CREATED$/);
      expect(rule).toMatch(/^-+ {2}-+/);
      expect(rows.some((row) => row.includes('CLI app') && row.includes('active'))).toBe(true);
      const listed = expectJson(await run('app', 'list', '--json', '--limit', '2'));
      expect(listed.items).toHaveLength(2);

      const shown = await run('app', 'show', created.hrn);
      expect(shown.stdout).toContain(`id:             ${created.clientId}`);
      const deleted = await run('app', 'delete', created.clientId);
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toBe(`App ${created.clientId} deleted.\n`);
      const gone = await run('app', 'show', created.clientId);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/HTTP 404, \d{6}, ERROR-/);
    });

    it('invalid input: exit 1 with the field errors', async () => {
      const result = await run('app', 'create', 'a*b');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('400200');
      expect(result.stderr).toContain('name:');
    });

    it('key access create (with --output), list, disable, enable, delete', async () => {
      const target = expectJson(await run('app', 'create', 'Keyed', '--json'));
      const output = path.join(home, 'keyed.properties');
      const created = expectJson(
        await run('app', 'key', 'access', 'create', target.clientId, '--output', output, '--json'),
      );
      expect(created.accessKeySecret).toBeTruthy();
      expect((await stat(output)).mode & 0o777).toBe(0o600);
      expect(await readFile(output, 'utf8')).toContain(`here.access.key.id = ${created.accessKeyId}`);
      const withNewKey = await cli(['--credentials', output, 'token', 'get', '--quiet'], { home });
      expect(withNewKey.code, withNewKey.stderr).toBe(0);

      const listed = await run('app', 'key', 'access', 'list', target.clientId);
      expect(listed.stdout).toMatch(new RegExp(`${created.accessKeyId}\\s+true`));
      expect(listed.stdout).not.toContain(created.accessKeySecret);
      // Access key ids may begin with "-": after "--" they are arguments, never options; the HRN is safe too.
      expect((await run('app', 'key', 'access', 'disable', target.clientId, '--', created.accessKeyId)).stdout).toBe(
        `Access key ${created.accessKeyId} disabled.\n`,
      );
      expect((await cli(['--credentials', output, 'token', 'get'], { home })).code).toBe(3);
      expect((await run('app', 'key', 'access', 'enable', target.clientId, created.accessKeyHrn)).code).toBe(0);
      expect((await cli(['--credentials', output, 'token', 'get'], { home })).code).toBe(0);
      expect((await run('app', 'key', 'access', 'delete', target.clientId, '--', created.accessKeyId)).code).toBe(0);
      expect(expectJson(await run('app', 'key', 'access', 'list', target.clientId, '--json')).keys).toEqual([]);
    });

    it('key access create without --output shows the secret once, with a warning', async () => {
      const target = expectJson(await run('app', 'create', 'Shown', '--json'));
      const created = await run('app', 'key', 'access', 'create', target.clientId);
      expect(created.stdout).toContain('access key secret: ');
      expect(created.stdout).toContain('it cannot be shown again');
    });

    it('key api create, list, update, disable, enable, delete', async () => {
      const target = expectJson(await run('app', 'create', 'API keyed', '--json'));
      const created = expectJson(
        await run(
          'app',
          'key',
          'api',
          'create',
          target.clientId,
          'maps',
          '--expires-at',
          '2099-01-01T00:00:00Z',
          '--json',
        ),
      );
      expect(created).toMatchObject({ name: 'maps', expiresAt: Date.parse('2099-01-01T00:00:00Z') });
      expect((await server.api.get(`/app/me?apiKey=${created.apiKeyId}`)).status).toBe(200);
      const listed = await run('app', 'key', 'api', 'list', target.clientId);
      expect(listed.stdout).toContain('maps');
      expect(listed.stdout).toContain('2099-01-01T00:00:00.000Z');

      const renamed = expectJson(
        await run(
          'app',
          'key',
          'api',
          'update',
          target.clientId,
          created.apiKey,
          '--name',
          'tiles',
          '--expires-at',
          'never',
          '--json',
        ),
      );
      expect(renamed).toMatchObject({ name: 'tiles', expiresAt: -1 });
      const nothing = await run('app', 'key', 'api', 'update', target.clientId, created.apiKey);
      expect(nothing.code).toBe(2);
      expect(
        (await run('app', 'key', 'api', 'update', target.clientId, created.apiKey, '--expires-at', 'soon')).code,
      ).toBe(2);
      expect((await run('app', 'key', 'api', 'disable', target.clientId, created.apiKey)).stdout).toContain('disabled');
      expect((await server.api.get(`/app/me?apiKey=${created.apiKeyId}`)).status).toBe(401);
      expect((await run('app', 'key', 'api', 'enable', target.clientId, created.apiKey)).code).toBe(0);
      expect((await server.api.get(`/app/me?apiKey=${created.apiKeyId}`)).status).toBe(200);

      expect((await run('app', 'key', 'api', 'delete', target.clientId, created.apiKey)).code).toBe(0);
      expect(expectJson(await run('app', 'key', 'api', 'list', target.clientId, '--json')).keys).toEqual([]);
    });

    it('scope set: a project id becomes the HRN in the organization', async () => {
      const target = expectJson(await run('app', 'create', 'Scoped', '--json'));
      const answer = expectJson(
        await run('app', 'scope', 'set', target.clientId, 'my-project', '--is-restricted', 'false', '--json'),
      );
      expect(answer).toMatchObject({
        defaultScope: `hrn:here:account::${app.admin.realm}:project/my-project`.replace('account', 'authorization'),
        isRestrictedScope: false,
        alwaysProjectScope: false,
      });
      const shown = await run('app', 'scope', 'show', target.clientId);
      expect(shown.stdout).toContain(`project/my-project (restricted: false, always: false)`);
      expect((await run('app', 'scope', 'remove', target.clientId)).stdout).toContain('removed');
      expect((await run('app', 'scope', 'show', target.clientId)).code).toBe(1);
    });

    it('manager add, list, remove: who holds which actions on an app', async () => {
      const target = expectJson(await run('app', 'create', 'Managed', '--json'));
      const userHrn = `hrn:here:account::${app.admin.realm}:user/${app.admin.userId}`;
      const added = await run('app', 'manager', 'add', target.clientId, '--user', app.admin.userId);
      expect(added.stdout.trim()).toBe(`${userHrn} now manages app ${target.hrn}.`);
      const listed = expectJson(await run('app', 'manager', 'list', target.clientId, '--type', 'user', '--json'));
      expect(listed.managers).toEqual([
        expect.objectContaining({
          entityId: expect.objectContaining({ hrn: userHrn, type: 'user' }),
          permissions: expect.arrayContaining(
            ['read', 'write', 'manage'].map((action) => expect.objectContaining({ action })),
          ),
        }),
      ]);
      const table = await run('app', 'manager', 'list', target.hrn);
      expect(table.stdout).toMatch(/^MANAGER\s+TYPE\s+ACTIONS\n/);
      expect(table.stdout).toContain(userHrn);
      expect((await run('app', 'manager', 'remove', target.clientId, '--user', userHrn)).code).toBe(0);
      expect(
        expectJson(await run('app', 'manager', 'list', target.clientId, '--type', 'user', '--json')).managers,
      ).toEqual([]);
      expect((await run('app', 'manager', 'add', target.clientId)).code).toBe(2);
      expect((await run('app', 'manager', 'list', target.clientId, '--type', 'robot')).code).toBe(2);
    });

    it("another organization's app is not found", async () => {
      const other = await appCredentials(server);
      const foreign = path.join(home, 'foreign.properties');
      await writeFile(foreign, formatCredentialsProperties(other.credentials));
      const result = await cli(['--credentials', foreign, 'app', 'show', app.appId], { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/HTTP (403|404)/);
      const deleted = await cli(['--credentials', foreign, 'app', 'delete', app.appId], { home });
      expect(deleted.code).toBe(1);
      const still = await server.api.get(`/authentication/v1.1/apps/${app.appId}`, { token: app.admin.accessToken });
      expect(still.status).toBe(200);
    });
  });

  describe('bulk import', () => {
    it('apps from CSV: a progress bar, and a summary of what failed and why', async () => {
      const file = path.join(home, 'apps.csv');
      await writeFile(
        file,
        'name,description\r\nImported one,"first, with a comma"\r\n"Bad * name",x\r\n"Imported ""two""","multi\nline"\r\n\r\n',
      );
      const result = await cli(['--credentials', credentialsFile, 'import', 'apps', file], { home, stderrIsTTY: true });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('\r[');
      expect(result.stderr).toContain('] 3/3 apps, 1 failed');
      expect(result.stdout).toContain('Imported 2 of 3 apps.');
      expect(result.stdout).toContain('1 failed:\n  line 3: invalid row (name: Invalid input)');
      const names = expectJson(await run('app', 'list', '--json')).items.map((item: { name: string }) => item.name);
      expect(names).toEqual(expect.arrayContaining(['Imported one', 'Imported "two"']));
    });

    it('apps from JSON, with --json output and no bar', async () => {
      const file = path.join(home, 'apps.json');
      await writeFile(file, JSON.stringify([{ name: 'From JSON' }, { description: 'no name' }]));
      const result = await cli(['--credentials', credentialsFile, '--json', 'import', 'apps', file], {
        home,
        stderrIsTTY: true,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout);
      expect(report.imported).toEqual([expect.objectContaining({ position: 1, name: 'From JSON' })]);
      expect(report.failed).toEqual([
        expect.objectContaining({ position: 2, reason: expect.stringContaining('name') }),
      ]);
    });

    it('users: invitations, refused row by row without the right to invite, sent once the app may', async () => {
      const file = path.join(home, 'users.csv');
      await writeFile(file, 'email,firstName,lastName\nada@example.com,Ada,Lovelace\nnot-an-email,X,Y\n');
      const refused = await run('import', 'users', file);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('Imported 0 of 2 users.');
      expect(refused.stdout).toMatch(/line 2: 403\d{3} /);

      // The roles API is not on this branch: give the app OrgInviter through storage.
      const realmHrn = `hrn:here:account::${app.admin.realm}:realm/${app.admin.realm}`;
      const role = await server.gatehouse.storage.roles.findByName(app.admin.realm, 'OrgInviter', realmHrn);
      if (!role) throw new Error('no OrgInviter role');
      await server.gatehouse.storage.roles.assign(role.id, app.appId, Date.now());
      const invited = await run('import', 'users', file);
      expect(invited.code).toBe(1);
      expect(invited.stdout).toContain('Imported 1 of 2 users.');
      expect(invited.stdout).toContain('line 3: invalid row (emailAddress: Invalid email address)');
    });

    it('an unreadable or malformed file is a usage error', async () => {
      expect((await run('import', 'apps', path.join(home, 'missing.csv'))).code).toBe(2);
      const bad = path.join(home, 'bad.json');
      await writeFile(bad, '{"name": "not an array"}');
      const result = await run('import', 'apps', bad);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('must hold a JSON array of objects');
    });
  });

  it('runs as a real child process: gatehouse --credentials … token get --json', async () => {
    const child = spawn(process.execPath, [BIN, '--credentials', credentialsFile, 'token', 'get', '--json'], {
      env: { ...process.env, HOME: home },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('a real child process exits with the documented code on failure', async () => {
    const child = spawn(process.execPath, [BIN, '--credentials', path.join(home, 'nope'), 'token', 'get']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain('No credentials file at');
  });
});

describe('gatehouse init and serve', () => {
  it('init creates the organization, its admin and a CLI profile from the set-up link', async () => {
    const server = await startTestServer({ mail: false });
    const { home, remove } = await temporaryHome();
    try {
      const first = server.gatehouse.firstStart;
      if (first.kind !== 'setup-link') throw new Error(`expected a set-up link, got ${first.kind}`);
      const argv = ['init', '--setup-link', first.url, '--org', 'acme-init', '--email', 'admin@acme.example'];
      const noPassword = await cli(argv, { home });
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toContain('GATEHOUSE_ADMIN_PASSWORD');

      const password = 'Correct-Horse-Battery-9';
      const result = await cli(argv, { home, env: { GATEHOUSE_ADMIN_PASSWORD: password } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Organization acme-init created; admin@acme.example is its OrgAdmin');
      const apps = expectJson(await cli(['app', 'list', '--json'], { home }));
      expect(apps.items).toEqual([]);
      const created = expectJson(await cli(['app', 'create', 'After init', '--json'], { home }));
      expect(created.realm).toBe('acme-init');

      const again = await cli(argv, { home, env: { GATEHOUSE_ADMIN_PASSWORD: password } });
      expect(again.code).toBe(1);
    } finally {
      await remove();
      await server.close();
    }
  });

  it('serve starts the server as a child process', { timeout: 120_000 }, async () => {
    const { home, remove } = await temporaryHome();
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', home, '--log-level', 'warn'],
      { env: { ...process.env, HOME: home } },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const deadline = Date.now() + 100_000;
      while (!stdout.includes('is listening on')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(stdout).toContain('/setup#token=');
      const response = await fetch(`http://127.0.0.1:${port}/timestamp`);
      expect(response.status).toBe(200);
    } finally {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await closed;
      await remove();
    }
  });
});
