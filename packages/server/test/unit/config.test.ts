import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  envVarName,
  flagName,
  loadConfig,
  productionWarnings,
  redactConfig,
} from '../../src/config/load.js';
import { renderConfigReference } from '../../src/config/reference.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { openDatabase } from '../../src/storage/database.js';

let directory: string;
let fileCounter = 0;

/** Writes a config file with `content` (an object is written as JSON) and returns its path. */
function configFile(content: unknown): string {
  const file = path.join(directory, `config-${++fileCounter}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The ConfigError message `load` throws. */
function configErrorOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-config-'));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig();
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      tokenAudience: 'http://localhost:8080',
      dataDir: './data',
      databaseUrl: `sqlite:${path.join('./data', 'gatehouse.db')}`,
      hrnPartition: 'here',
      signUpEnabled: true,
      trustProxy: false,
      logLevel: 'info',
      passwordMinLength: 12,
      lockoutMaxAttempts: 5,
      inviteTtlSeconds: 7 * 86_400,
      setupLinkTtlSeconds: 86_400,
      signingAlgorithm: 'ES256',
    });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.bootstrapOrg).toBeUndefined();
  });

  it('layers defaults < JSON file < GATEHOUSE_* environment < flags < overrides', () => {
    const file = configFile({ port: 7000, logLevel: 'debug', mailFrom: 'File <file@example.com>', trustProxy: true });
    const fromFile = loadConfig({ argv: ['--config', file] });
    expect(fromFile).toMatchObject({ port: 7000, logLevel: 'debug', mailFrom: 'File <file@example.com>' });
    expect(fromFile.trustProxy).toBe(true);

    const env = { GATEHOUSE_PORT: '7100', GATEHOUSE_LOG_LEVEL: 'warn', GATEHOUSE_TRUST_PROXY: 'false' };
    const fromEnv = loadConfig({ argv: ['--config', file], env });
    expect(fromEnv).toMatchObject({ port: 7100, logLevel: 'warn', mailFrom: 'File <file@example.com>' });
    expect(fromEnv.trustProxy).toBe(false);

    const fromFlags = loadConfig({ argv: ['--config', file, '--port', '7200'], env });
    expect(fromFlags).toMatchObject({ port: 7200, logLevel: 'warn', mailFrom: 'File <file@example.com>' });
    expect(fromFlags.publicUrl).toBe('http://localhost:7200');

    const fromOverrides = loadConfig({ argv: ['--config', file, '--port', '7200'], env, overrides: { port: 7300 } });
    expect(fromOverrides.port).toBe(7300);
  });

  it('takes the config file from GATEHOUSE_CONFIG too', () => {
    const file = configFile({ hrnPartition: 'here-dev' });
    expect(loadConfig({ env: { GATEHOUSE_CONFIG: file } }).hrnPartition).toBe('here-dev');
    const flagWins = configFile({ hrnPartition: 'here-cn' });
    expect(loadConfig({ argv: ['--config', flagWins], env: { GATEHOUSE_CONFIG: file } }).hrnPartition).toBe('here-cn');
  });

  it('names every key in the environment and as a flag', () => {
    for (const key of Object.keys(ConfigSchema.shape)) {
      expect(envVarName(key)).toMatch(/^GATEHOUSE_[A-Z0-9_]+$/);
      expect(flagName(key)).toMatch(/^[a-z0-9-]+$/);
    }
    const env = {
      GATEHOUSE_PUBLIC_URL: 'https://iam.example.com/',
      GATEHOUSE_SIGN_UP_ENABLED: '0',
      GATEHOUSE_RATE_LIMIT_IP_PER_MINUTE: '17',
      GATEHOUSE_SIGNING_ALGORITHM: 'EdDSA',
    };
    const config = loadConfig({ env, argv: ['--token-audience', 'gatehouse', '--body-limit-bytes', '2048'] });
    expect(config).toMatchObject({
      publicUrl: 'https://iam.example.com',
      tokenAudience: 'gatehouse',
      signUpEnabled: false,
      rateLimitIpPerMinute: 17,
      signingAlgorithm: 'EdDSA',
      bodyLimitBytes: 2048,
    });
  });

  it('ignores empty environment variables and unrelated ones', () => {
    const config = loadConfig({ env: { GATEHOUSE_PORT: '', GATEHOUSE_TEST_DB: 'postgres', PATH: '/usr/bin' } });
    expect(config.port).toBe(8080);
  });

  it('names the environment variable of a bad value', () => {
    const message = configErrorOf(() => loadConfig({ env: { GATEHOUSE_PORT: 'eighty' } }));
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('port (GATEHOUSE_PORT in the environment)');
  });

  it('names the flag of a bad value', () => {
    const message = configErrorOf(() => loadConfig({ argv: ['--port', '70000'], env: { GATEHOUSE_PORT: '9000' } }));
    expect(message).toContain('port (--port on the command line)');
    expect(message).not.toContain('GATEHOUSE_PORT in the environment');
  });

  it('names the file key of a bad value', () => {
    const file = configFile({ logLevel: 'loud' });
    const message = configErrorOf(() => loadConfig({ argv: ['--config', file] }));
    expect(message).toContain(`logLevel ("logLevel" in ${file})`);
  });

  it('names every bad key at once', () => {
    const file = configFile({ hrnPartition: 'Not A Partition' });
    const message = configErrorOf(() =>
      loadConfig({
        argv: ['--config', file, '--signing-algorithm', 'HS256'],
        env: { GATEHOUSE_SMTP_URL: 'http://mail.example.com', GATEHOUSE_TRUST_PROXY: 'maybe' },
      }),
    );
    expect(message).toContain(`hrnPartition ("hrnPartition" in ${file})`);
    expect(message).toContain('signingAlgorithm (--signing-algorithm on the command line)');
    expect(message).toContain('smtpUrl (GATEHOUSE_SMTP_URL in the environment): must start with smtp:// or smtps://');
    expect(message).toContain('trustProxy (GATEHOUSE_TRUST_PROXY in the environment)');
  });

  it('never repeats a secret in an error', () => {
    const message = configErrorOf(() =>
      loadConfig({
        env: {
          GATEHOUSE_DATABASE_URL: 'mysql://root:hunter2-secret@db.example.com/iam',
          GATEHOUSE_MASTER_KEY: 'too-short-hunter3-secret',
        },
      }),
    );
    expect(message).toContain('databaseUrl (GATEHOUSE_DATABASE_URL in the environment)');
    expect(message).toContain('masterKey (GATEHOUSE_MASTER_KEY in the environment)');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('hunter3');
  });

  it('needs the bootstrap trio together', () => {
    const message = configErrorOf(() => loadConfig({ env: { GATEHOUSE_BOOTSTRAP_ORG: 'acme' } }));
    expect(message).toContain('bootstrapEmail (GATEHOUSE_BOOTSTRAP_EMAIL / --bootstrap-email)');
    expect(message).toContain('bootstrapPassword (GATEHOUSE_BOOTSTRAP_PASSWORD / --bootstrap-password)');
    expect(message).toContain('must be set together');
    expect(message).not.toContain('bootstrapOrg (');

    const onlyPassword = configErrorOf(() => loadConfig({ argv: ['--bootstrap-password', 'a long secret phrase'] }));
    expect(onlyPassword).toContain('bootstrapOrg (');
    expect(onlyPassword).toContain('bootstrapEmail (');
    expect(onlyPassword).not.toContain('a long secret phrase');

    const config = loadConfig({
      env: {
        GATEHOUSE_BOOTSTRAP_ORG: 'acme',
        GATEHOUSE_BOOTSTRAP_EMAIL: 'admin@acme.example',
        GATEHOUSE_BOOTSTRAP_PASSWORD: 'a long secret phrase',
      },
    });
    expect(config).toMatchObject({ bootstrapOrg: 'acme', bootstrapEmail: 'admin@acme.example' });
    expect(configErrorOf(() => loadConfig({ env: { GATEHOUSE_BOOTSTRAP_EMAIL: 'not-an-email' } }))).toContain(
      'bootstrapEmail (GATEHOUSE_BOOTSTRAP_EMAIL in the environment)',
    );
  });

  it('refuses unknown keys, non-objects and unreadable config files', () => {
    const unknown = configFile({ port: 9000, prot: 9001, smtp: 'smtp://x' });
    expect(configErrorOf(() => loadConfig({ argv: ['--config', unknown] }))).toBe(
      `The config file ${unknown} has unknown keys: prot, smtp.`,
    );
    const array = configFile([{ port: 9000 }]);
    expect(configErrorOf(() => loadConfig({ argv: ['--config', array] }))).toContain('must hold a JSON object');
    const broken = configFile('{ "port": ');
    expect(configErrorOf(() => loadConfig({ argv: ['--config', broken] }))).toContain(
      `Cannot read the config file ${broken}`,
    );
    const missing = path.join(directory, 'missing.json');
    expect(configErrorOf(() => loadConfig({ env: { GATEHOUSE_CONFIG: missing } }))).toContain(
      `Cannot read the config file ${missing}`,
    );
  });

  it('refuses unknown flags and positional arguments', () => {
    expect(configErrorOf(() => loadConfig({ argv: ['--prot', '9000'] }))).toMatch(/^Invalid command line:/);
    expect(configErrorOf(() => loadConfig({ argv: ['serve'] }))).toMatch(/^Invalid command line:/);
  });

  it('selects PostgreSQL with a postgres:// URL and SQLite otherwise', async () => {
    for (const url of ['postgres://gatehouse@db.example.com:5432/iam', 'postgresql://db.example.com/iam']) {
      const config = loadConfig({ env: { GATEHOUSE_DATABASE_URL: url } });
      expect(config.databaseUrl).toBe(url);
      const database = openDatabase({ url: config.databaseUrl }); // connects lazily: no server needed
      expect(database.dialect).toBe('postgres');
      await database.close();
    }
    const sqlite = loadConfig({ argv: ['--data-dir', path.join(directory, 'data')] });
    expect(sqlite.databaseUrl).toBe(`sqlite:${path.join(directory, 'data', 'gatehouse.db')}`);
    const database = openDatabase({ url: 'sqlite::memory:' });
    expect(database.dialect).toBe('sqlite');
    await database.close();
  });
});

describe('redactConfig and productionWarnings', () => {
  it('keeps secrets out of logged configuration', () => {
    const config = loadConfig({
      env: {
        GATEHOUSE_MASTER_KEY: 'A'.repeat(43),
        GATEHOUSE_SMTP_URL: 'smtp://user:mail-secret@mail.example.com',
        GATEHOUSE_DATABASE_URL: 'postgres://user:db-secret@db.example.com/iam',
        GATEHOUSE_REDIS_URL: 'redis://:redis-secret@cache.example.com',
        GATEHOUSE_BOOTSTRAP_ORG: 'acme',
        GATEHOUSE_BOOTSTRAP_EMAIL: 'admin@acme.example',
        GATEHOUSE_BOOTSTRAP_PASSWORD: 'bootstrap-secret',
      },
    });
    const logged = JSON.stringify(redactConfig(config));
    for (const secret of ['AAAAAAAAAA', 'mail-secret', 'db-secret', 'redis-secret', 'bootstrap-secret']) {
      expect(logged).not.toContain(secret);
    }
    expect(redactConfig(config)).toMatchObject({ masterKey: '[redacted]', bootstrapEmail: 'admin@acme.example' });
    expect(redactConfig(loadConfig()).databaseUrl).toBe(loadConfig().databaseUrl); // a SQLite path is no secret
  });

  it('warns about plain http on a public host and weak password hashing', () => {
    expect(productionWarnings(loadConfig())).toEqual([]);
    const warnings = productionWarnings(
      loadConfig({
        env: { GATEHOUSE_PUBLIC_URL: 'http://iam.example.com', GATEHOUSE_PASSWORD_HASH_MEMORY_KIB: '1024' },
      }),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('https');
    expect(warnings[1]).toContain('passwordHashMemoryKib');
    expect(productionWarnings(loadConfig({ env: { GATEHOUSE_PUBLIC_URL: 'https://iam.example.com' } }))).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  it('is what renderConfigReference() generates (run `npm run docs:config` after changing the schema)', () => {
    const file = new URL('../../../../docs/configuration.md', import.meta.url);
    expect(readFileSync(file, 'utf8')).toBe(renderConfigReference());
  });

  it('lists every key with its variable, flag and description', () => {
    const reference = renderConfigReference();
    for (const [key, field] of Object.entries(ConfigSchema.shape)) {
      expect(reference).toContain(`| \`${key}\` | \`${envVarName(key)}\` | \`--${flagName(key)}\` |`);
      expect((field as { description?: string }).description, key).toBeTruthy();
    }
  });
});
