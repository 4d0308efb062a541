import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGatehouse, type Gatehouse } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { type Backend, dropSchema, freshSchemaName, postgresUrl, redisUrl, testBackend } from './backend.js';
import { ApiClient } from './http-client.js';
import { Mailbox } from './mailbox.js';

export interface TestServerOptions {
  config?: ConfigInput;
  /** Start a real SMTP server and deliver the server's mail to it (default true). */
  mail?: boolean;
  /** Share rate limits and nonces through the local Redis. */
  redis?: boolean;
  clock?: () => number;
  /** Reuse the data directory (SQLite file, master key) of an earlier server, to test a restart. */
  dataDir?: string;
  /** Reuse the PostgreSQL schema of an earlier server, to test a restart. */
  databaseSchema?: string;
  /** Leave the data directory and the PostgreSQL schema in place on close, for a later server to reuse. */
  keepData?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly api: ApiClient;
  readonly mailbox: Mailbox;
  readonly gatehouse: Gatehouse;
  readonly backend: Backend;
  /** Where the SQLite file and the master key live. */
  readonly dataDir: string;
  /** The PostgreSQL schema of the postgres project; undefined on SQLite. */
  readonly databaseSchema: string | undefined;
  close(): Promise<void>;
}

/** Settings that keep tests fast: cheap password hashing and limits out of the way unless a test sets them. */
const TEST_DEFAULTS: ConfigInput = {
  host: '127.0.0.1',
  logLevel: (process.env.GATEHOUSE_TEST_LOG_LEVEL as ConfigInput['logLevel']) ?? 'silent',
  passwordHashMemoryKib: 256,
  passwordHashIterations: 1,
  rateLimitIpPerMinute: 100_000,
  rateLimitIdentityPerMinute: 100_000,
  rateLimitMailPerHour: 1000,
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a whole Gatehouse server over real HTTP, on the backend of the current vitest project: a SQLite file in a
 * temporary directory, or a fresh schema in the local PostgreSQL. Mail goes to a real SMTP server.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const backend = testBackend();
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'gatehouse-test-')));
  const schema = backend === 'postgres' ? (options.databaseSchema ?? freshSchemaName()) : undefined;
  const removeData = async () => {
    if (options.keepData) return;
    if (schema) await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  };
  const mailbox = await new Mailbox().start();
  let gatehouse: Gatehouse;
  let config: ReturnType<typeof loadConfig>;
  try {
    const port = await freePort();
    config = loadConfig({
      overrides: {
        ...TEST_DEFAULTS,
        port,
        dataDir,
        databaseUrl: backend === 'postgres' ? postgresUrl() : `sqlite:${path.join(dataDir, 'gatehouse.db')}`,
        ...(options.mail === false ? {} : { smtpUrl: mailbox.url }),
        ...(options.redis ? { redisUrl: redisUrl() } : {}),
        ...options.config,
      },
    });
    gatehouse = await createGatehouse({
      config,
      strictResponses: true,
      ...(schema ? { databaseSchema: schema } : {}),
      ...(options.redis ? { redisPrefix: `gh-test-${randomBytes(6).toString('hex')}:` } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (error) {
    await mailbox.stop();
    await removeData();
    throw error;
  }
  await gatehouse.listen();
  return {
    url: config.publicUrl,
    api: new ApiClient(config.publicUrl),
    mailbox,
    gatehouse,
    backend,
    dataDir,
    databaseSchema: schema,
    async close() {
      await gatehouse.close();
      await mailbox.stop();
      await removeData();
    },
  };
}
