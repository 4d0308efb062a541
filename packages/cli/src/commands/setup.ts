import { readFile } from 'node:fs/promises';
import {
  baseUrlOf,
  CredentialsError,
  completeSetup,
  credentialsFromProperties,
  GatehouseClient,
  signInWithPassword,
  TokenProvider,
} from '@gatehouse/sdk';
import type { Command } from 'commander';
import { action } from '../command-support.js';
import { type CliIo, UsageError } from '../io.js';

/** `gatehouse serve`, `init`, `credentials import|list` and `token get`. */
export function registerSetupCommands(program: Command, io: CliIo, exitCode: { value: number }) {
  program
    .command('serve')
    .description('Start the Gatehouse server (options as for the server: --port, --config, GATEHOUSE_* variables)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[serverOptions...]', 'Options passed to the server')
    .action(async (serverOptions: string[]) => {
      // The server's entry point reads its flags from process.argv and runs until SIGINT or SIGTERM.
      process.argv = [process.argv[0] ?? 'node', 'gatehouse-serve', ...serverOptions];
      const main = new URL('./main.ts', import.meta.resolve('@gatehouse/server'));
      await import(main.href);
      await new Promise<never>(() => {});
    });

  program
    .command('init')
    .description('Create the first organization and its admin on a new server, and CLI credentials for it')
    .requiredOption('--setup-link <link>', 'The one-time set-up link the server printed at start (or its token)')
    .requiredOption('--org <id>', 'Organization id, e.g. acme')
    .option('--org-name <name>', 'Organization name (default: the id)')
    .requiredOption('--email <email>', 'Email address of the admin')
    .option('--password <password>', 'Password of the admin (default: GATEHOUSE_ADMIN_PASSWORD)')
    .option('--first-name <name>', 'First name of the admin', 'Organization')
    .option('--last-name <name>', 'Last name of the admin', 'Admin')
    .option('--save-profile <name>', 'Profile to save the CLI credentials under', 'default')
    .action(
      action(
        io,
        async (
          context,
          options: {
            setupLink: string;
            org: string;
            orgName?: string;
            email: string;
            password?: string;
            firstName: string;
            lastName: string;
            saveProfile: string;
          },
        ) => {
          const password = options.password ?? context.io.env.GATEHOUSE_ADMIN_PASSWORD;
          if (!password) throw new UsageError('Give the admin password with --password or GATEHOUSE_ADMIN_PASSWORD.');
          const { baseUrl, token } = parseSetupLink(options.setupLink, context.baseUrl());
          const organization = await completeSetup(baseUrl, {
            token,
            realm: options.org,
            organizationName: options.orgName ?? options.org,
            email: options.email,
            password,
            firstname: options.firstName,
            lastname: options.lastName,
          });
          const session = await signInWithPassword(baseUrl, {
            email: options.email,
            password,
            realm: organization.realm,
          });
          const admin = new GatehouseClient({ baseUrl, accessToken: session.accessToken });
          const app = await admin.apps.create({
            name: 'Gatehouse CLI',
            description: `Credentials of the gatehouse command for ${options.email}`,
          });
          await admin.apps.setAppCreationEnabled(app.clientId, true);
          const key = await admin.accessKeys.create(app.clientId);
          const file = await context.profiles.save(
            options.saveProfile,
            credentialsFromProperties(key.credentialsProperties),
          );
          context.output.result(
            {
              realm: organization.realm,
              userId: organization.userId,
              clientId: app.clientId,
              profile: options.saveProfile,
            },
            () =>
              [
                `Organization ${organization.realm} created; ${options.email} is its OrgAdmin (${organization.userId}).`,
                `App ${app.clientId} ("Gatehouse CLI") can act for you: its credentials are in profile "${options.saveProfile}" (${file}).`,
                `Sign in to the console at ${baseUrl}/sign-in.`,
              ].join('\n'),
            organization.realm,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  const credentials = program.command('credentials').description('Credential profiles');
  credentials
    .command('import <file>')
    .description(
      'Store a credentials.properties file as a profile (~/.gatehouse/profiles): --profile <name>, default "default"',
    )
    .action(
      action(
        io,
        async (context, file: string) => {
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch (error) {
            throw new CredentialsError(`Cannot read ${file}: ${(error as Error).message}`);
          }
          const parsed = credentialsFromProperties(text, file);
          const name = context.options.profile ?? 'default';
          const stored = await context.profiles.save(name, parsed);
          context.output.result(
            { profile: name, file: stored, accessKeyId: parsed.accessKeyId, tokenEndpointUrl: parsed.tokenEndpointUrl },
            () => `Profile "${name}" saved (access key ${parsed.accessKeyId}, ${parsed.tokenEndpointUrl}).`,
            name,
          );
          return undefined;
        },
        exitCode,
      ),
    );
  credentials
    .command('list')
    .description('List the stored profiles')
    .action(
      action(
        io,
        async (context) => {
          const names = await context.profiles.list();
          const rows = [];
          for (const name of names) {
            const profile = await context.profiles.load(name);
            rows.push({
              profile: name,
              accessKeyId: profile?.accessKeyId,
              server: profile && baseUrlOf(profile.tokenEndpointUrl),
            });
          }
          context.output.table({ profiles: rows }, rows, [
            ['profile', 'PROFILE'],
            ['accessKeyId', 'ACCESS KEY ID'],
            ['server', 'SERVER'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  const token = program.command('token').description('Access tokens');
  token
    .command('get')
    .description('Get an access token for your credentials (like `olp api token get`)')
    .option('--scope <project>', 'Project HRN (overrides here.token.scope; default: the app default scope)')
    .action(
      action(
        io,
        async (context, options: { scope?: string }) => {
          const provider = new TokenProvider({
            credentials: await context.credentials(),
            ...(options.scope !== undefined ? { scope: options.scope } : {}),
          });
          const issued = await provider.getToken();
          const expiresAt = new Date(issued.expiresAt).toISOString();
          context.output.result(
            { accessToken: issued.accessToken, expiresAt, ...(issued.scope ? { scope: issued.scope } : {}) },
            () => `Token: ${issued.accessToken}\nToken Expires at: ${expiresAt}`,
            issued.accessToken,
          );
          return undefined;
        },
        exitCode,
      ),
    );
}

/** `https://host/setup#token=…` (as printed at start) or a bare token with `--url`. */
function parseSetupLink(link: string, url: string | undefined): { baseUrl: string; token: string } {
  if (URL.canParse(link)) {
    const parsed = new URL(link);
    const token = new URLSearchParams(parsed.hash.replace(/^#/, '')).get('token');
    if (!token)
      throw new UsageError(`The set-up link ${link} has no #token=…; copy the whole link the server printed.`);
    return { baseUrl: url ?? parsed.origin, token };
  }
  if (url === undefined) throw new UsageError('Give the whole set-up link, or the token with --url <server>.');
  return { baseUrl: url, token: link };
}
