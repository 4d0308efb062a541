import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envVarName } from '../../src/config/load.js';
import { dropSchema, freshSchemaName, postgresUrl, testBackend } from '../support/backend.js';
import { ApiClient } from '../support/http-client.js';
import { freePort } from '../support/test-server.js';

/** The repository root: `npm start` runs from here. */
const ROOT = new URL('../../../../', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/**
 * Runs the real entry point as `npm start` does (`tsx packages/server/src/main.ts`), with only the given GATEHOUSE_*
 * variables. tsx is started directly: `npx` does not pass SIGTERM on, and would leave the server running.
 */
function startMain(env: Record<string, string>, argv: string[] = []): Started {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GATEHOUSE_')));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['packages/server/src/main.ts', ...argv], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that a failed test can stop everything it started
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => stdout, errors: () => stderr, exit };
}

async function waitFor(started: Started, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(started.output());
    if (match) return match;
    if (started.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`No ${pattern} in the output.\nstdout:\n${started.output()}\nstderr:\n${started.errors()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the real entry point (npm start)', () => {
  let dataDir: string;
  let schema: string | undefined;
  /** The database of this run: a SQLite file in the data directory, or a fresh schema of the local PostgreSQL. */
  let databaseEnv: Record<string, string>;
  const cheapHashing = {
    [envVarName('passwordHashMemoryKib')]: '256',
    [envVarName('passwordHashIterations')]: '1',
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-start-'));
    databaseEnv = {};
    if (testBackend() === 'postgres') {
      // The connection string selects the schema (libpq `options`), as an operator would.
      schema = freshSchemaName();
      const client = new pg.Client({ connectionString: postgresUrl() });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      const url = new URL(postgresUrl());
      url.searchParams.set('options', `-c search_path=${schema}`);
      databaseEnv = { GATEHOUSE_DATABASE_URL: url.toString() };
    }
  });
  afterAll(async () => {
    for (const child of running) if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  });

  it('prints the set-up link on an empty database, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const started = startMain({
      ...databaseEnv,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_LOG_LEVEL: 'info',
      ...cheapHashing,
    });
    try {
      const [, token] = await waitFor(started, /\/setup#token=([A-Za-z0-9_-]{43})/);
      const output = started.output();
      expect(output).toMatch(
        testBackend() === 'postgres'
          ? new RegExp(`Gatehouse \\d+\\.\\d+\\.\\d+ is listening on http://127\\.0\\.0\\.1:${port} \\(PostgreSQL\\)`)
          : new RegExp(`is listening on http://127\\.0\\.0\\.1:${port} \\(SQLite ${dataDir}/gatehouse\\.db\\)`),
      );
      expect(output).toContain(`Sign in:  http://localhost:${port}/sign-in`);
      expect(output).toContain(`API:      http://localhost:${port}/openapi.json`);
      expect(output).toContain(`http://localhost:${port}/setup#token=${token}`);
      expect(output).toContain('GATEHOUSE_BOOTSTRAP_ORG, GATEHOUSE_BOOTSTRAP_EMAIL and GATEHOUSE_BOOTSTRAP_PASSWORD');
      // The cheap hashing is reported as unfit for production; the log is JSON lines, written asynchronously, so
      // the line may follow the banner.
      await waitFor(started, /"level":40.*passwordHashMemoryKib is below the OWASP minimum/);

      const api = new ApiClient(`http://127.0.0.1:${port}`);
      expect((await api.post('/setup/status', { token })).body).toEqual({ open: true });
      expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
      const page = await api.get('/setup');
      expect(page.text).toContain('Set up Gatehouse');

      // pino request logs carry the correlation id, without query secrets.
      const timestamp = await api.get('/timestamp?token=secret-in-query', {
        headers: { 'X-Correlation-ID': 'start-test-42' },
      });
      expect(timestamp.headers.get('x-correlation-id')).toBe('start-test-42');
      const [logLine = ''] = await waitFor(started, /^\{.*"correlationId":"start-test-42".*"url":"\/timestamp.*$/m);
      expect(JSON.parse(logLine)).toMatchObject({ req: { method: 'GET', url: '/timestamp?token=[redacted]' } });
      expect(started.output()).not.toContain('secret-in-query');

      // A generated master key with owner-only permissions.
      const key = await stat(path.join(dataDir, 'master.key'));
      expect(key.mode & 0o777).toBe(0o600);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exit).toBe(0);
  });

  it('prints a new set-up link at the next start, and the old one stops working', async () => {
    const port = await freePort();
    const first = startMain({ ...databaseEnv, GATEHOUSE_DATA_DIR: dataDir, ...cheapHashing }, ['--port', String(port)]);
    let firstToken: string;
    try {
      [, firstToken = ''] = await waitFor(first, /\/setup#token=([A-Za-z0-9_-]{43})/);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exit).toBe(0);

    const second = startMain({ ...databaseEnv, GATEHOUSE_DATA_DIR: dataDir, ...cheapHashing }, [
      '--port',
      String(port),
    ]);
    try {
      const [, secondToken] = await waitFor(second, /\/setup#token=([A-Za-z0-9_-]{43})/);
      expect(secondToken).not.toBe(firstToken);
      const api = new ApiClient(`http://127.0.0.1:${port}`);
      expect((await api.post('/setup/status', { token: firstToken })).body).toEqual({ open: false });
      expect((await api.post('/setup/status', { token: secondToken })).body).toEqual({ open: true });
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exit).toBe(0);
  });

  it('refuses a bad GATEHOUSE_PORT with exit code 2 and a message naming it', async () => {
    const started = startMain({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PORT: 'eighty' });
    expect(await started.exit).toBe(2);
    expect(started.errors()).toContain('Invalid configuration:');
    expect(started.errors()).toContain('port (GATEHOUSE_PORT in the environment)');
    expect(started.output()).not.toContain('listening');
  });

  it('refuses a bad flag and a bootstrap password against the rules, naming them', async () => {
    const flag = startMain({ GATEHOUSE_DATA_DIR: dataDir }, ['--port', '70000']);
    expect(await flag.exit).toBe(2);
    expect(flag.errors()).toContain('port (--port on the command line)');

    const bootstrap = startMain({
      ...databaseEnv,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_PORT: String(await freePort()),
      GATEHOUSE_BOOTSTRAP_ORG: 'short-password-org',
      GATEHOUSE_BOOTSTRAP_EMAIL: 'admin@example.com',
      GATEHOUSE_BOOTSTRAP_PASSWORD: 'short',
      ...cheapHashing,
    });
    expect(await bootstrap.exit).toBe(2);
    expect(bootstrap.errors()).toContain('GATEHOUSE_BOOTSTRAP_PASSWORD');
    expect(bootstrap.errors()).toContain('at least 12 characters');
    expect(bootstrap.errors()).toMatch(/^Invalid configuration:\n {2}- bootstrapPassword /);
  });
});
