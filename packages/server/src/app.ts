import { readFileSync } from 'node:fs';
import { HrnFactory } from '@gatehouse/contracts';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AppService } from './apps/app-service.js';
import { Authenticator } from './auth/authenticator.js';
import { PrincipalCache } from './auth/principal-cache.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { SignInService } from './authentication/sign-in-service.js';
import { createAuthorizationApi } from './authz/authorization-api.js';
import { Authorizer } from './authz/authorizer.js';
import { AuthzVersions } from './authz/authz-versions.js';
import { AuthorizationEngine } from './authz/engine.js';
import { CatalogService } from './catalog/catalog-service.js';
import { ConfigError, envVarName, flagName } from './config/load.js';
import type { Config } from './config/schema.js';
import { CredentialService } from './credentials/credential-service.js';
import { UsageRecorder } from './credentials/usage-recorder.js';
import { loadMasterKey } from './crypto/master-key.js';
import { PasswordHasher } from './crypto/passwords.js';
import { SecretBox } from './crypto/secret-box.js';
import { AppError } from './errors/app-error.js';
import { GroupService } from './groups/group-service.js';
import { plainOperation } from './http/openapi.js';
import type { AnyRoute } from './http/route.js';
import { createAdminUserRoutes } from './http/routes/admin-user-routes.js';
import { createAppRoutes } from './http/routes/app-routes.js';
import { createCredentialRoutes } from './http/routes/credential-routes.js';
import { createGrantRoutes } from './http/routes/grant-routes.js';
import { createGroupRoutes } from './http/routes/group-routes.js';
import { createInviteRoutes } from './http/routes/invite-routes.js';
import { createLinkableRoutes } from './http/routes/linkable-routes.js';
import { createOAuthRoutes } from './http/routes/oauth-routes.js';
import { createProjectRoutes } from './http/routes/project-routes.js';
import { createRealmMemberRoutes } from './http/routes/realm-member-routes.js';
import { createRecoveryRoutes } from './http/routes/recovery-routes.js';
import { createResourceRoutes } from './http/routes/resource-routes.js';
import { createRoleRoutes } from './http/routes/role-routes.js';
import { createServiceRoutes } from './http/routes/service-routes.js';
import { createSetupRoutes } from './http/routes/setup-routes.js';
import { createUserRoutes } from './http/routes/user-routes.js';
import { createWebSessionRoutes } from './http/routes/web-session-routes.js';
import { createHttpServer } from './http/server.js';
import { InviteService } from './invites/invite-service.js';
import type { KeyValueStore } from './kv/key-value-store.js';
import { MemoryKeyValueStore } from './kv/memory-store.js';
import { RedisKeyValueStore } from './kv/redis-store.js';
import { Mailer } from './mail/mailer.js';
import { MemberService } from './members/member-service.js';
import { ClientAuthenticator } from './oauth/client-authenticator.js';
import { TokenService } from './oauth/token-service.js';
import { type FirstStart, SetupService } from './organizations/setup-service.js';
import { GrantService } from './permissions/grant-service.js';
import { engineProjectScopes } from './projects/engine-project-scopes.js';
import { LinkableService } from './projects/linkable-service.js';
import { ProjectService } from './projects/project-service.js';
import { ResourceService } from './projects/resource-service.js';
import { RoleService } from './roles/role-service.js';
import { openDatabase } from './storage/database.js';
import { migrate } from './storage/migrate.js';
import { createStorage, type Storage } from './storage/storage.js';
import { BackgroundTasks } from './support/background-tasks.js';
import { AccessTokens } from './tokens/access-tokens.js';
import { KeyRing } from './tokens/key-ring.js';
import { OneTimeLinks } from './tokens/one-time-links.js';
import { AccountService } from './users/account-service.js';
import { RecoveryService } from './users/recovery-service.js';
import { registerConsole } from './web/console.js';
import { Links } from './web/links.js';
import { registerWebPages } from './web/pages.js';

export interface GatehouseOptions {
  config: Config;
  logger?: Logger;
  /** Time source of every service, in epoch milliseconds. */
  clock?: () => number;
  /** PostgreSQL schema to use instead of the URL's default search path (test isolation). */
  databaseSchema?: string;
  /** Key prefix in Redis, so several deployments can share one Redis. */
  redisPrefix?: string;
  /** Answers that break their declared schema fail loudly instead of being logged (tests). */
  strictResponses?: boolean;
}

export interface Gatehouse {
  readonly config: Config;
  readonly http: FastifyInstance;
  readonly storage: Storage;
  readonly logger: Logger;
  readonly mailer: Mailer;
  readonly background: BackgroundTasks;
  /** What the first start did: nothing, bootstrap, or a set-up link. */
  readonly firstStart: FirstStart;
  readonly version: string;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
const KEY_REFRESH_INTERVAL_MS = 10 * 60_000;
/** Longest token lifetime (24 h, spec §1.5) plus clock skew: how long a retired signing key stays published. */
const KEY_OVERLAP_MS = 86_400_000 + 5 * 60_000;

export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Builds a whole Gatehouse server from its configuration: the composition root. */
export async function createGatehouse(options: GatehouseOptions): Promise<Gatehouse> {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret', '*.token'],
        censor: '[redacted]',
      },
    });
  const closers: Array<() => Promise<void>> = [];
  const timers: NodeJS.Timeout[] = [];

  try {
    const { key: masterKey, generatedAt } = loadMasterKey(config.masterKey, config.dataDir);
    if (generatedAt) logger.warn({ file: generatedAt }, 'generated a new master key; back it up with the database');
    const box = new SecretBox(masterKey);

    const database = openDatabase({
      url: config.databaseUrl,
      ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
    });
    closers.push(() => database.close());
    const applied = await migrate(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const authzVersions = new AuthzVersions();
    const storage = createStorage(database, authzVersions);

    let kv: KeyValueStore;
    if (config.redisUrl) {
      const redis = new RedisKeyValueStore(config.redisUrl, options.redisPrefix);
      await redis.ready();
      kv = redis;
    } else {
      kv = new MemoryKeyValueStore();
    }
    closers.push(() => kv.close());

    const keyRing = new KeyRing(storage.signingKeys, box, {
      algorithm: config.signingAlgorithm,
      rotationMs: config.signingKeyRotationDays * 86_400_000,
      overlapMs: KEY_OVERLAP_MS,
    });
    await keyRing.refresh(clock());
    timers.push(
      setInterval(
        () => keyRing.refresh(clock()).catch((error) => logger.error({ err: error }, 'key refresh failed')),
        KEY_REFRESH_INTERVAL_MS,
      ),
    );

    const hrns = new HrnFactory(config.hrnPartition);
    const tokens = new AccessTokens(keyRing, { issuer: config.publicUrl, audience: config.tokenAudience, clock });
    const hasher = new PasswordHasher({
      memoryKiB: config.passwordHashMemoryKib,
      iterations: config.passwordHashIterations,
      parallelism: config.passwordHashParallelism,
    });
    const mailer = new Mailer({
      outbox: storage.outbox,
      logger,
      from: config.mailFrom,
      clock,
      ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
    });
    mailer.start();
    closers.push(() => mailer.stop());
    const background = new BackgroundTasks(logger);
    closers.push(() => background.drain());

    const links = new Links(config.publicUrl);
    const oneTimeLinks = new OneTimeLinks(storage.oneTimeTokens, clock);
    const rateLimiter = new RateLimiter(kv);
    const authenticator = new Authenticator({
      tokens,
      storage,
      box,
      hrns,
      clock,
      apiKeyUsage: new UsageRecorder((id, now) => storage.apiKeys.touch(id, now), logger),
      principals: new PrincipalCache(authzVersions),
    });
    const engine = new AuthorizationEngine({
      store: storage.authz,
      versions: authzVersions,
      partition: config.hrnPartition,
      clock,
    });
    const authorizer = new Authorizer(engine, hrns);

    const accounts = new AccountService({
      storage,
      hasher,
      mailer,
      links,
      oneTimeLinks,
      authorizer,
      hrns,
      logger,
      clock,
      settings: config,
    });
    const signIn = new SignInService({
      storage,
      hasher,
      tokens,
      projects: engineProjectScopes(engine, config.hrnPartition),
      logger,
      clock,
      settings: config,
    });
    const recovery = new RecoveryService({
      storage,
      accounts,
      hasher,
      mailer,
      links,
      oneTimeLinks,
      rateLimiter,
      background,
      clock,
      settings: config,
    });
    const members = new MemberService({ storage, authorizer, hrns });
    const groups = new GroupService({ storage, authorizer, members, hrns, clock });
    const invites = new InviteService({
      storage,
      accounts,
      hasher,
      authorizer,
      groups,
      mailer,
      links,
      hrns,
      rateLimiter,
      background,
      clock,
      settings: config,
    });
    const setup = new SetupService({ storage, accounts, oneTimeLinks, links, logger });
    const apps = new AppService({ storage, authorizer, box, hrns, clock });
    const credentials = new CredentialService({
      storage,
      apps,
      box,
      hrns,
      clock,
      tokenEndpointUrl: `${config.publicUrl}/oauth2/token`,
    });
    const clients = new ClientAuthenticator({
      storage,
      box,
      nonces: kv,
      usage: new UsageRecorder((id, now) => storage.accessKeys.touch(id, now), logger),
      publicUrl: config.publicUrl,
      clock,
      timestampSkewSeconds: config.oauthTimestampSkewSeconds,
    });
    const tokenService = new TokenService({
      storage,
      tokens,
      authenticator,
      projects: engineProjectScopes(engine, config.hrnPartition),
      rateLimiter,
      hrns,
      clock,
      settings: config,
    });
    const grants = new GrantService({ storage, apps, authorizer, hrns, clock });
    const roles = new RoleService({ storage, authorizer, members, hrns, clock });
    const projects = new ProjectService({ storage, authorizer, hrns, clock });
    const resources = new ResourceService({ storage, authorizer, projects, hrns, clock });
    const linkables = new LinkableService({ storage, authorizer, hrns, clock });
    const catalog = new CatalogService({ authorizer, hrns });

    const routes: AnyRoute[] = [
      ...createOAuthRoutes({ signIn, tokens: tokenService, clients, authenticator, clock, issuer: config.publicUrl }),
      ...createUserRoutes({ accounts, invites, signIn, signUpEnabled: config.signUpEnabled }),
      ...createRecoveryRoutes({ recovery, invites }),
      ...createInviteRoutes({ invites }),
      ...createAdminUserRoutes({ accounts }),
      ...createSetupRoutes({ setup }),
      ...createAppRoutes({ apps, accounts }),
      ...createCredentialRoutes({ credentials, apps }),
      ...createGrantRoutes({ grants }),
      ...createGroupRoutes({ groups }),
      ...createRoleRoutes({ roles }),
      ...createRealmMemberRoutes({ members }),
      ...createProjectRoutes({ projects }),
      ...createResourceRoutes({ resources }),
      ...createLinkableRoutes({ linkables }),
      ...createServiceRoutes({ catalog }),
      ...createAuthorizationApi({
        storage,
        authorizer,
        hrns,
        clock,
        grants,
        roles,
        projects,
        publicUrl: config.publicUrl,
      }),
      ...createWebSessionRoutes({ signIn, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds }),
    ];

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics, prefix: 'gatehouse_' });
    const http = await createHttpServer({
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      trustProxy: config.trustProxy,
      publicUrl: config.publicUrl,
      version,
      routes,
      metrics,
      routeServices: {
        authenticate: (request, mode) => authenticator.authenticateRequest(request, mode),
        rateLimiter,
        rateLimitIpPerMinute: config.rateLimitIpPerMinute,
        rateLimitIdentityPerMinute: config.rateLimitIdentityPerMinute,
        consumeAppRateLimit: (appId) => tokenService.consumeAppRateLimit(appId),
        strictResponses: options.strictResponses ?? false,
      },
      async checkReadiness() {
        await storage.ping();
        await kv.increment('readyz', 1000);
      },
      pluginPaths: {
        '/.well-known/jwks.json': plainOperation({
          operationId: 'getJwks',
          summary: 'Public keys that sign access tokens (JWKS, RFC 7517)',
          responses: {
            200: {
              description: 'JSON Web Key Set',
              schema: {
                type: 'object',
                properties: { keys: { type: 'array', items: { type: 'object' } } },
                required: ['keys'],
              },
            },
          },
        }),
      },
      plugins: [
        (app) => {
          app.get('/.well-known/jwks.json', async (_request, reply) => {
            reply.header('Cache-Control', 'public, max-age=300');
            return keyRing.jwks();
          });
        },
        (app) => registerWebPages(app),
        (app) => registerConsole(app),
      ],
    });
    closers.push(() => http.close());

    const firstStart = await setup.onStart(config).catch((error: unknown) => {
      throw bootstrapConfigError(error);
    });

    timers.push(
      setInterval(() => {
        const now = clock();
        Promise.all([
          storage.sessions.deleteExpired(now),
          storage.oneTimeTokens.deleteExpired(now),
          storage.outbox.deleteSentBefore(now - 86_400_000),
          storage.revokedTokens.deleteExpired(now),
        ]).catch((error) => logger.error({ err: error }, 'maintenance failed'));
      }, MAINTENANCE_INTERVAL_MS),
    );
    for (const timer of timers) timer.unref();

    return {
      config,
      http,
      storage,
      logger,
      mailer,
      background,
      firstStart,
      version,
      async listen() {
        return http.listen({ port: config.port, host: config.host });
      },
      async close() {
        for (const timer of timers) clearInterval(timer);
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** A bootstrap password that breaks the password rules is bad configuration: start-up stops naming the key. */
function bootstrapConfigError(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'request.invalid_data') return error;
  const where = `${envVarName('bootstrapPassword')} / --${flagName('bootstrapPassword')}`;
  const problems = error.fields.map((field) => field.message).join(' ');
  return new ConfigError(`Invalid configuration:\n  - bootstrapPassword (${where}): ${problems}`);
}
