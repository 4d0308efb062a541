import { RealmId } from '@gatehouse/contracts';
import { z } from 'zod';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Booleans from files are booleans; from the environment or flags they are `true`/`false`/`1`/`0`. */
const boolean = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1'),
]);

/**
 * The whole configuration of a Gatehouse server.
 *
 * @remarks
 * Every key can be set, later sources winning: the default here < the JSON config file (`--config` or
 * `GATEHOUSE_CONFIG`) < an environment variable `GATEHOUSE_<KEY_IN_SCREAMING_SNAKE_CASE>` < a command-line flag
 * `--<key-in-kebab-case>`. `docs/configuration.md` is generated from this schema (`npm run docs:config`).
 * Keys listed in {@link secretConfigKeys} are never logged.
 */
export const ConfigSchema = z
  .object({
    port: integer(0, 65535).default(8080).describe('TCP port the HTTP server listens on.'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Interface to listen on. Use 0.0.0.0 to accept connections from other machines.'),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'URL where clients reach this server (scheme, host, optional port and path prefix). It is the token ' +
          'issuer, the base of links in mails and the URL OAuth 1.0 signatures are checked against. ' +
          'Defaults to http://localhost:<port>.',
      ),
    dataDir: z
      .string()
      .min(1)
      .default('./data')
      .describe('Directory for the SQLite database and the generated master key.'),
    databaseUrl: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
      .optional()
      .describe(
        'Database to use. A postgres:// URL selects PostgreSQL; sqlite:<path> (or sqlite::memory:) a SQLite file. ' +
          'Defaults to the SQLite file <dataDir>/gatehouse.db.',
      ),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional()
      .describe(
        'Redis for rate limits and replay detection shared by several Gatehouse nodes. Without it they are kept ' +
          'in process, which is right for a single node.',
      ),
    masterKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 random bytes in base64url (43 characters)')
      .optional()
      .describe(
        'Key (32 bytes, base64url) that encrypts signing keys and access-key secrets at rest. Without it, ' +
          '<dataDir>/master.key is used, generated with mode 0600 on first start. Every node of a cluster needs ' +
          'the same key.',
      ),
    hrnPartition: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/)
      .default('here')
      .describe('Partition of every HRN this server issues, e.g. here, here-dev, here-cn.'),
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional()
      .describe(
        'SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.com:587. Without it, mails stay in ' +
          'the outbox table and their links are logged, which is enough for a local user.',
      ),
    mailFrom: z.string().min(3).default('Gatehouse <no-reply@localhost>').describe('From address of outgoing mail.'),
    signUpEnabled: boolean
      .default(true)
      .describe('Whether anyone may sign up and create a new organization with POST /user.'),
    bootstrapOrg: RealmId.optional().describe(
      'orgId of the first organization, created on first start together with its OrgAdmin.',
    ),
    bootstrapOrgName: z.string().min(1).max(200).optional().describe('Name of the first organization.'),
    bootstrapEmail: z.email().optional().describe('Email address of the first OrgAdmin.'),
    bootstrapPassword: z
      .string()
      .min(1)
      .optional()
      .describe('Password of the first OrgAdmin; it must satisfy the password rules.'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level.'),
    trustProxy: boolean
      .default(false)
      .describe(
        'Trust X-Forwarded-For/-Proto/-Host from a reverse proxy: client IPs for rate limits and the URL ' +
          'OAuth 1.0 signatures are checked against.',
      ),
    bodyLimitBytes: integer(1024, 10 * 1024 * 1024)
      .default(256 * 1024)
      .describe('Largest request body accepted; larger ones get 400917.'),

    passwordMinLength: integer(8, 128).default(12).describe('Shortest password accepted.'),
    passwordHashMemoryKib: integer(64, 4 * 1024 * 1024)
      .default(19_456)
      .describe('argon2id memory cost in KiB (OWASP: 19456).'),
    passwordHashIterations: integer(1, 100).default(2).describe('argon2id time cost (OWASP: 2).'),
    passwordHashParallelism: integer(1, 16).default(1).describe('argon2id parallelism (OWASP: 1).'),

    lockoutMaxAttempts: integer(1, 100)
      .default(5)
      .describe('Invalid sign-in attempts for one email (and orgId) before sign-in is locked.'),
    lockoutDurationSeconds: integer(1, 7 * 86_400)
      .default(900)
      .describe('How long sign-in stays locked after too many invalid attempts.'),

    userAccessTokenTtlSeconds: integer(60, 86_400)
      .default(3600)
      .describe('Lifetime of access tokens issued to users by the password and refresh_token grants.'),
    refreshTokenTtlSeconds: integer(300, 365 * 86_400)
      .default(30 * 86_400)
      .describe('Lifetime of a user session: its refresh tokens stop working after this long.'),
    passwordResetTtlSeconds: integer(60, 7 * 86_400)
      .default(3600)
      .describe('How long a password-reset link stays valid.'),
    emailVerificationTtlSeconds: integer(60, 30 * 86_400)
      .default(3 * 86_400)
      .describe('How long an email-verification link stays valid.'),
    inviteTtlSeconds: integer(60, 90 * 86_400)
      .default(7 * 86_400)
      .describe('How long an invitation stays valid.'),
    setupLinkTtlSeconds: integer(60, 30 * 86_400)
      .default(86_400)
      .describe('How long the one-time setup link printed at start-up stays valid.'),

    signingAlgorithm: z.enum(['ES256', 'EdDSA']).default('ES256').describe('Algorithm of the token signing keys.'),
    signingKeyRotationDays: integer(1, 3650)
      .default(30)
      .describe('Age at which the signing key is replaced; the old one stays published until its tokens expire.'),
    tokenAudience: z.string().min(1).optional().describe('`aud` claim of issued tokens. Defaults to the public URL.'),

    appRateLimitPer15Minutes: integer(1, 100_000_000)
      .default(25_000)
      .describe('Requests one app may make to the account APIs per 15 minutes (HERE: 25,000); then 429002.'),
    oauthTimestampSkewSeconds: integer(30, 3600)
      .default(600)
      .describe(
        'How far the oauth_timestamp of a signed token request may be from the server clock (401204 beyond). ' +
          'Nonces are remembered for twice as long.',
      ),

    rateLimitIpPerMinute: integer(1, 1_000_000)
      .default(300)
      .describe('Requests per minute one client IP may make to each unauthenticated endpoint.'),
    rateLimitIdentityPerMinute: integer(1, 1_000_000)
      .default(20)
      .describe('Requests per minute aimed at one email address (sign-in, sign-up, resets, recovery).'),
    rateLimitMailPerHour: integer(1, 10_000)
      .default(5)
      .describe('Mails per hour one email address can be sent by public endpoints (reset, recovery, invitations).'),
  })
  .superRefine((config, ctx) => {
    const bootstrap = [config.bootstrapOrg, config.bootstrapEmail, config.bootstrapPassword];
    if (bootstrap.some((value) => value !== undefined) && bootstrap.some((value) => value === undefined)) {
      for (const key of ['bootstrapOrg', 'bootstrapEmail', 'bootstrapPassword'] as const) {
        if (config[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'bootstrapOrg, bootstrapEmail and bootstrapPassword must be set together',
          });
        }
      }
    }
  });

export type ConfigInput = z.input<typeof ConfigSchema>;
type ParsedConfig = z.output<typeof ConfigSchema>;

/** The configuration after defaults that depend on other keys are filled in. */
export interface Config extends ParsedConfig {
  publicUrl: string;
  tokenAudience: string;
  databaseUrl: string;
}

export type ConfigKey = keyof ParsedConfig;

/** Keys whose values never appear in logs or error messages. */
export const secretConfigKeys: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'masterKey',
  'smtpUrl',
  'databaseUrl',
  'redisUrl',
  'bootstrapPassword',
]);
