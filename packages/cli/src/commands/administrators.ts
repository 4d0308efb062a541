import type { Command } from 'commander';
import { action } from '../command-support.js';
import type { CommandContext, NamedMemberOptions } from '../context.js';
import { type CliIo, UsageError } from '../io.js';

/** What is administered: a project (role ProjectAdmin) or a group (role GroupAdmin), given as id or HRN. */
interface Administered {
  /** `project` or `group`, as the commands print it. */
  noun: string;
  roleName: 'ProjectAdmin' | 'GroupAdmin';
  hrn: (context: CommandContext, reference: string) => Promise<string>;
}

/** Administrators are users and apps: `--user` and `--app`, no groups. */
type Identities = Pick<NamedMemberOptions, 'user' | 'app'>;

/**
 * `gatehouse project admin …` and `gatehouse group admin …`, as in HERE's OLP CLI: add, list and remove the
 * holders of the project's ProjectAdmin role or the group's GroupAdmin role (`--app <id...>`, `--user <id...>`).
 */
export function registerAdministratorCommands(
  parent: Command,
  administered: Administered,
  io: CliIo,
  exitCode: { value: number },
) {
  const { noun, roleName } = administered;
  const admin = parent.command('admin').description(`Administrators of a ${noun} (its ${roleName} role)`);

  /** The role of the project or group: one per project or group, created with it. */
  const role = async (context: CommandContext, reference: string) => {
    const hrn = await administered.hrn(context, reference);
    const [found] = (await (await context.client()).roles.list({ roleName, resourceHrn: hrn })).data;
    if (!found) throw new UsageError(`No ${roleName} role for ${hrn}: is it a ${noun} of your organization?`);
    return { hrn, role: found };
  };

  const identities = async (context: CommandContext, options: Identities) => {
    const named = await context.namedMembers(options);
    if (named.length === 0) throw new UsageError('Name at least one --app or --user.');
    return named;
  };

  for (const [verb, description, preposition] of [
    ['add', `Make apps or users administrators of a ${noun}`, 'added to'],
    ['remove', `Take the administrator role of a ${noun} back`, 'removed from'],
  ] as const) {
    admin
      .command(`${verb} <${noun}>`)
      .description(description)
      .option('--app <id...>', 'App ids or HRNs')
      .option('--user <id...>', 'User ids (HERE-…) or HRNs')
      .action(
        action(
          io,
          async (context, reference: string, options: Identities) => {
            const { hrn, role: found } = await role(context, reference);
            const client = await context.client();
            const changed = await identities(context, options);
            for (const identity of changed) {
              if (verb === 'add') await client.roles.entities.assign(found.id, identity.hrn);
              else await client.roles.entities.unassign(found.id, identity.hrn);
            }
            context.output.result(
              { [noun]: hrn, role: found.hrn, [verb === 'add' ? 'added' : 'removed']: changed.map((one) => one.hrn) },
              () =>
                changed
                  .map(
                    (one) =>
                      `${one.kind === 'app' ? 'Application' : 'User'} ${one.id} has been ${preposition} the ${noun} ${hrn} as administrator`,
                  )
                  .join('\n'),
            );
            return undefined;
          },
          exitCode,
        ),
      );
  }

  admin
    .command(`list <${noun}>`)
    .description(`List the administrators of a ${noun}`)
    .option('--type <type>', 'Only `user` or `app` administrators')
    .action(
      action(
        io,
        async (context, reference: string, options: { type?: string }) => {
          if (options.type !== undefined && options.type !== 'user' && options.type !== 'app') {
            throw new UsageError('--type is user or app.');
          }
          const { role: found } = await role(context, reference);
          const entities = (await (await context.client()).roles.entities.list(found.id)).data.filter(
            (entity) => options.type === undefined || entity.entityType === options.type,
          );
          context.output.table({ administrators: entities }, entities, [
            ['entityHrn', 'ADMINISTRATOR'],
            ['entityType', 'TYPE'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );
}
