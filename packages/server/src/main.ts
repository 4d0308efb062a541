import { createGatehouse } from './app.js';
import { ConfigError, loadConfig, productionWarnings, redactConfig } from './config/load.js';

/**
 * `npm start`: configuration from `GATEHOUSE_*` variables, `--flags` and an optional `--config` file; SQLite under
 * ./data unless GATEHOUSE_DATABASE_URL says otherwise.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const gatehouse = await createGatehouse({ config });
  const { logger } = gatehouse;
  logger.debug({ config: redactConfig(config) }, 'configuration');
  for (const warning of productionWarnings(config)) logger.warn(warning);
  const address = await gatehouse.listen();

  const database = config.databaseUrl.startsWith('sqlite:')
    ? `SQLite ${config.databaseUrl.slice('sqlite:'.length)}`
    : 'PostgreSQL';
  const lines = [
    '',
    `Gatehouse ${gatehouse.version} is listening on ${address} (${database}).`,
    `  Sign in:  ${config.publicUrl}/sign-in`,
    `  API:      ${config.publicUrl}/openapi.json`,
  ];
  const first = gatehouse.firstStart;
  if (first.kind === 'setup-link') {
    lines.push(
      '',
      'No organization exists yet. Create the first organization and its admin in the browser:',
      `  ${first.url}`,
      `  (one-time link, valid for ${Math.round(first.expiresInSeconds / 3600)} h; a new one is printed at each start until set-up is done)`,
      'or start with GATEHOUSE_BOOTSTRAP_ORG, GATEHOUSE_BOOTSTRAP_EMAIL and GATEHOUSE_BOOTSTRAP_PASSWORD set.',
    );
  } else if (first.kind === 'bootstrapped') {
    lines.push('', `Created organization ${first.realm} with OrgAdmin ${first.email}: sign in with that address.`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    gatehouse.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Gatehouse could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
