import { writeFile } from 'node:fs/promises';
import type { EntityType } from '@gatehouse/contracts';
import { type Command, InvalidArgumentError } from 'commander';
import { action, collectPages, parseBoolean, parseLimit } from '../command-support.js';
import { type CliIo, UsageError } from '../io.js';

/** `gatehouse app …`: apps, their access keys, API keys and default project. */
export function registerAppCommands(program: Command, io: CliIo, exitCode: { value: number }) {
  const app = program.command('app').description('Manage apps, their keys and their default project');

  app
    .command('create <name>')
    .description('Create an app (your credentials must allow app creation)')
    .option('--description <text>', 'Description of the app')
    .action(
      action(
        io,
        async (context, name: string, options: { description?: string }) => {
          const created = await (await context.client()).apps.create({
            name,
            ...(options.description !== undefined ? { description: options.description } : {}),
          });
          context.output.result(
            created,
            () => `App ${created.name} created.\n  id:  ${created.clientId}\n  HRN: ${created.hrn}`,
            created.hrn,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  app
    .command('list')
    .description('List the apps you can read')
    .option('--limit <n>', 'Most apps to list', parseLimit, 100)
    .action(
      action(
        io,
        async (context, options: { limit: number }) => {
          const client = await context.client();
          const items = await collectPages(
            async ({ pageToken, size }) => client.apps.list({ limit: size, ...(pageToken ? { pageToken } : {}) }),
            options.limit,
          );
          context.output.table({ items }, items, [
            ['hrn', 'HRN'],
            ['name', 'NAME'],
            ['status', 'STATUS'],
            ['createdTime', 'CREATED'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  app
    .command('show <app>')
    .description('Show an app (id or HRN)')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const shown = await (await context.client()).apps.get(reference);
          context.output.result(
            shown,
            () =>
              [
                `${shown.name}`,
                `  id:             ${shown.clientId}`,
                `  HRN:            ${shown.hrn}`,
                `  status:         ${shown.status}`,
                `  description:    ${shown.description ?? ''}`,
                `  token duration: ${shown.tokenDuration} s`,
                `  created:        ${new Date(shown.createdTime).toISOString()}`,
              ].join('\n'),
            shown.hrn,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  app
    .command('delete <app>')
    .description('Delete an app: its keys and tokens stop working')
    .action(
      action(
        io,
        async (context, reference: string) => {
          await (await context.client()).apps.delete(reference);
          context.output.result({ deleted: reference }, () => `App ${reference} deleted.`);
          return undefined;
        },
        exitCode,
      ),
    );

  const key = app.command('key').description('Access keys and API keys of an app');
  const access = key.command('access').description('Access keys (OAuth 1.0 credentials that get tokens)');

  access
    .command('create <app>')
    .description('Create an access key; the secret is shown only this once')
    .option('--output <file>', 'Also write the credentials.properties file (readable by you only)')
    .action(
      action(
        io,
        async (context, reference: string, options: { output?: string }) => {
          const created = await (await context.client()).accessKeys.create(reference);
          if (options.output !== undefined) {
            await writeFile(options.output, created.credentialsProperties, { mode: 0o600 });
          }
          context.output.result(
            created,
            () =>
              [
                `Access key ${created.accessKeyId} created for app ${created.clientId}.`,
                `  access key id:     ${created.accessKeyId}`,
                `  access key secret: ${created.accessKeySecret}`,
                options.output !== undefined
                  ? `credentials.properties written to ${options.output}.`
                  : 'Store the secret now: it cannot be shown again (or use --output <file>).',
              ].join('\n'),
            `${created.accessKeyId} ${created.accessKeySecret}`,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  access
    .command('list <app>')
    .description('List the access keys of an app')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const client = await context.client();
          const items = await collectPages(
            ({ pageToken, size }) =>
              client.accessKeys.list(reference, { limit: size, ...(pageToken ? { pageToken } : {}) }),
            10_000,
          );
          context.output.table({ keys: items }, items, [
            ['accessKeyId', 'ACCESS KEY ID'],
            ['enabled', 'ENABLED'],
            ['createdTime', 'CREATED'],
            ['lastTimeUsed', 'LAST USED'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  for (const verb of ['enable', 'disable', 'delete'] as const) {
    access
      .command(`${verb} <app> <accessKey>`)
      .description(
        verb === 'delete'
          ? 'Delete an access key'
          : verb === 'disable'
            ? 'Disable an access key: it gets no tokens and its tokens stop working'
            : 'Enable an access key again',
      )
      .action(
        action(
          io,
          async (context, reference: string, accessKey: string) => {
            await (await context.client()).accessKeys[verb](reference, accessKey);
            const past = verb === 'delete' ? 'deleted' : `${verb}d`;
            context.output.result({ accessKeyId: accessKey, [past]: true }, () => `Access key ${accessKey} ${past}.`);
            return undefined;
          },
          exitCode,
        ),
      );
  }

  const api = key.command('api').description('API keys (for the apiKey query parameter)');

  api
    .command('create <app> <name>')
    .description('Create an API key; the key is shown only this once')
    .option('--expires-at <time>', 'Expiry, e.g. 2027-01-31T00:00:00Z (default: never)', parseExpiry)
    .action(
      action(
        io,
        async (context, reference: string, name: string, options: { expiresAt?: number }) => {
          const created = await (await context.client()).apiKeys.create(reference, {
            name,
            ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
          });
          context.output.result(
            created,
            () =>
              [
                `API key ${created.name} created.`,
                `  API key: ${created.apiKeyId}`,
                `  HRN:     ${created.apiKey}`,
                'Store the key now: it cannot be shown again.',
              ].join('\n'),
            created.apiKeyId,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  api
    .command('list <app>')
    .description('List the API keys of an app')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const { items } = await (await context.client()).apiKeys.list(reference);
          context.output.table({ keys: items }, items, [
            ['apiKey', 'HRN'],
            ['name', 'NAME'],
            ['enabled', 'ENABLED'],
            ['expiresAt', 'EXPIRES'],
            ['createdTime', 'CREATED'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  api
    .command('update <app> <apiKey>')
    .description('Rename an API key or change its expiry')
    .option('--name <name>', 'New name')
    .option('--expires-at <time>', 'New expiry, e.g. 2027-01-31T00:00:00Z, or never', parseExpiry)
    .action(
      action(
        io,
        async (context, reference: string, apiKey: string, options: { name?: string; expiresAt?: number }) => {
          if (options.name === undefined && options.expiresAt === undefined) {
            throw new UsageError('Give --name, --expires-at or both.');
          }
          const updated = await (await context.client()).apiKeys.update(reference, apiKey, {
            ...(options.name !== undefined ? { name: options.name } : {}),
            ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
          });
          context.output.result(updated, () => `API key ${updated.apiKey} updated.`);
          return undefined;
        },
        exitCode,
      ),
    );

  for (const verb of ['enable', 'disable'] as const) {
    api
      .command(`${verb} <app> <apiKey>`)
      .description(verb === 'disable' ? 'Disable an API key: requests with it are refused' : 'Enable an API key again')
      .action(
        action(
          io,
          async (context, reference: string, apiKey: string) => {
            await (await context.client()).apiKeys[verb](reference, apiKey);
            context.output.result({ apiKey, [`${verb}d`]: true }, () => `API key ${apiKey} ${verb}d.`);
            return undefined;
          },
          exitCode,
        ),
      );
  }

  api
    .command('delete <app> <apiKey>')
    .description('Delete an API key (its HRN, as listed)')
    .action(
      action(
        io,
        async (context, reference: string, apiKey: string) => {
          await (await context.client()).apiKeys.delete(reference, apiKey);
          context.output.result({ apiKey, deleted: true }, () => `API key ${apiKey} deleted.`);
          return undefined;
        },
        exitCode,
      ),
    );

  const scope = app.command('scope').description('Default project of an app');
  scope
    .command('set <app> <project>')
    .description('Tokens requested without scope get this project (id or HRN)')
    .option('--is-restricted <bool>', 'Refuse any other project (true|false)', parseBoolean, true)
    .option('--always-project-scope <bool>', 'Scope every token to it (true|false)', parseBoolean, false)
    .action(
      action(
        io,
        async (
          context,
          reference: string,
          project: string,
          options: { isRestricted: boolean; alwaysProjectScope: boolean },
        ) => {
          const answer = await (await context.client()).defaultScope.set(reference, {
            scope: await context.projectHrn(project),
            isRestricted: options.isRestricted,
            alwaysProjectScope: options.alwaysProjectScope,
          });
          context.output.result(
            answer,
            () =>
              `Default project of ${reference} set to ${answer.defaultScope} (restricted: ${answer.isRestrictedScope}, always: ${answer.alwaysProjectScope}).`,
          );
          return undefined;
        },
        exitCode,
      ),
    );
  scope
    .command('show <app>')
    .description('Show the default project of an app')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const answer = await (await context.client()).defaultScope.get(reference);
          context.output.result(
            answer,
            () =>
              `Default project of ${reference}: ${answer.defaultScope} (restricted: ${answer.isRestrictedScope}, always: ${answer.alwaysProjectScope}).`,
          );
          return undefined;
        },
        exitCode,
      ),
    );
  scope
    .command('remove <app>')
    .description('Remove the default project of an app: tokens requested without scope are unscoped again')
    .action(
      action(
        io,
        async (context, reference: string) => {
          await (await context.client()).defaultScope.remove(reference);
          context.output.result({ app: reference, removed: true }, () => `Default project of ${reference} removed.`);
          return undefined;
        },
        exitCode,
      ),
    );

  registerAppManagerCommands(app, io, exitCode);
}

/** `--expires-at`: a date (`2027-01-31T00:00:00Z`) as epoch milliseconds, or `never` (-1). */
function parseExpiry(value: string): number {
  if (value === 'never') return -1;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`"${value}" is not a date: use yyyy-MM-ddTHH:mm:ssZ or never.`);
  return time;
}

/** What an app manager holds on the app (HERE's FAQ: managers read, write and manage an app; sharing adds share). */
const MANAGER_ACTIONS = ['read', 'write', 'manage'] as const;

/**
 * `gatehouse app manager …`, as in HERE's OLP CLI: the users, apps and groups granted actions on an app
 * (`/grants/resources/{app HRN}/entities`).
 */
function registerAppManagerCommands(app: Command, io: CliIo, exitCode: { value: number }) {
  const manager = app.command('manager').description('Users, apps and groups that manage an app');
  const entityTypes = ['user', 'app', 'group'] as const;
  const parseType = (value: string) => {
    const type = entityTypes.find((candidate) => candidate === value);
    if (!type) throw new InvalidArgumentError('Use user, app or group.');
    return type;
  };

  manager
    .command('list <app>')
    .description('List who holds which actions on an app')
    .option('--type <type>', 'Only user, app or group managers', parseType)
    .action(
      action(
        io,
        async (context, reference: string, options: { type?: EntityType }) => {
          const appHrn = await context.identityHrn('app', reference);
          const { data } = await (await context.client()).grants.list(appHrn, options.type);
          const rows = data.map((grant) => ({
            entity: grant.entityId.hrn,
            type: grant.entityId.type,
            actions: grant.permissions.map((permission) => permission.action),
          }));
          context.output.table({ managers: data }, rows, [
            ['entity', 'MANAGER'],
            ['type', 'TYPE'],
            ['actions', 'ACTIONS'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  for (const verb of ['add', 'remove'] as const) {
    manager
      .command(`${verb} <app>`)
      .description(
        verb === 'add'
          ? `Let users, apps or groups manage an app (${MANAGER_ACTIONS.join(', ')}; --share adds share)`
          : 'Take every action a user, app or group holds on an app back',
      )
      .option('--user <id...>', 'User ids (HERE-…) or HRNs')
      .option('--app <id...>', 'App ids or HRNs')
      .option('--group <id...>', 'Group ids (GROUP-…) or HRNs')
      .option('--share', 'Also let them share the app further (add only)')
      .action(
        action(
          io,
          async (
            context,
            reference: string,
            options: { user?: string[]; app?: string[]; group?: string[]; share?: boolean },
          ) => {
            const entities = await context.namedMembers(options);
            if (entities.length === 0) throw new UsageError('Name at least one --user, --app or --group.');
            const appHrn = await context.identityHrn('app', reference);
            const client = await context.client();
            for (const entity of entities) {
              let actions: readonly string[] = options.share ? [...MANAGER_ACTIONS, 'share'] : MANAGER_ACTIONS;
              if (verb === 'remove') {
                const { data } = await client.grants.list(appHrn, entity.kind);
                actions =
                  data
                    .find((grant) => grant.entityId.hrn === entity.hrn)
                    ?.permissions.map((permission) => permission.action) ?? [];
              }
              for (const action of actions) {
                if (verb === 'add') await client.grants.grant(appHrn, entity.hrn, entity.kind, action);
                else await client.grants.revoke(appHrn, entity.hrn, entity.kind, action);
              }
            }
            const hrns = entities.map((entity) => entity.hrn);
            context.output.result({ app: appHrn, [verb === 'add' ? 'added' : 'removed']: hrns }, () =>
              hrns
                .map((hrn) => `${hrn} ${verb === 'add' ? 'now manages' : 'no longer manages'} app ${appHrn}.`)
                .join('\n'),
            );
            return undefined;
          },
          exitCode,
        ),
      );
  }
}
