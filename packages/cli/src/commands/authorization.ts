import type { Command } from 'commander';
import { action, collectPages, parseLimit } from '../command-support.js';
import { type CliIo, ExitCode, UsageError } from '../io.js';
import { registerAdministratorCommands } from './administrators.js';
import { registerProjectResourceCommands } from './project-resources.js';

/**
 * `gatehouse group|project|permissions|authorize`: HERE's Authorization API v1.1 (groups, projects, members,
 * policies) and the decision API. Members are given as HRNs or ids (`HERE-…` users, `GROUP-…` groups, app ids).
 */
export function registerAuthorizationCommands(program: Command, io: CliIo, exitCode: { value: number }) {
  const group = program.command('group').description('Groups of users and apps');

  group
    .command('create <name>')
    .description('Create a group; you become its GroupAdmin')
    .option('--description <text>', 'Description of the group')
    .action(
      action(
        io,
        async (context, name: string, options: { description?: string }) => {
          const created = await (await context.client()).groups.create({
            name,
            ...(options.description !== undefined ? { description: options.description } : {}),
          });
          context.output.result(created, () => `Group ${created.name} created: ${created.id}`, created.id);
          return undefined;
        },
        exitCode,
      ),
    );

  group
    .command('list')
    .description('List the groups of your organization')
    .option('--filter <text>', 'Only groups whose id, name or description contain this')
    .option('--limit <n>', 'Most groups to list', parseLimit, 100)
    .action(
      action(
        io,
        async (context, options: { filter?: string; limit: number }) => {
          const page = await (await context.client()).groups.list({
            count: Math.min(100, options.limit),
            ...(options.filter !== undefined ? { q: options.filter } : {}),
          });
          context.output.table({ groups: page.data }, page.data, [
            ['id', 'ID'],
            ['name', 'NAME'],
            ['description', 'DESCRIPTION'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  group
    .command('show <group>')
    .description('Show a group (GROUP-… id or HRN)')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const shown = await (await context.client()).groups.get(reference);
          context.output.result(
            shown,
            () =>
              [
                shown.name,
                `  id:          ${shown.id}`,
                `  HRN:         ${shown.hrn}`,
                `  description: ${shown.description ?? ''}`,
              ].join('\n'),
            shown.id,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  group
    .command('delete <group>')
    .description('Delete a group')
    .action(
      action(
        io,
        async (context, reference: string) => {
          await (await context.client()).groups.delete(reference);
          context.output.result({ deleted: reference }, () => `Group ${reference} deleted.`);
          return undefined;
        },
        exitCode,
      ),
    );

  const member = group.command('member').description('Members of a group');
  member
    .command('add <group> <member>')
    .description('Add a user or app (HRN or id) to a group')
    .action(
      action(
        io,
        async (context, reference: string, who: string) => {
          const hrn = await context.memberHrn(who);
          await (await context.client()).groups.members.add(reference, hrn);
          context.output.result(
            { group: reference, member: hrn, added: true },
            () => `${hrn} added to group ${reference}.`,
          );
          return undefined;
        },
        exitCode,
      ),
    );
  member
    .command('remove <group> <member>')
    .description('Remove a user or app from a group')
    .action(
      action(
        io,
        async (context, reference: string, who: string) => {
          const hrn = await context.memberHrn(who);
          await (await context.client()).groups.members.remove(reference, hrn);
          context.output.result(
            { group: reference, member: hrn, removed: true },
            () => `${hrn} removed from group ${reference}.`,
          );
          return undefined;
        },
        exitCode,
      ),
    );
  member
    .command('list <group>')
    .description('List the members of a group')
    .action(
      action(
        io,
        async (context, reference: string) => {
          const page = await (await context.client()).groups.members.list(reference);
          context.output.table({ members: page.data }, page.data, [
            ['memberHrn', 'MEMBER'],
            ['entityType', 'TYPE'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  registerAdministratorCommands(
    group,
    {
      noun: 'group',
      roleName: 'GroupAdmin',
      hrn: async (context, reference) => {
        if (!reference.startsWith('hrn:') && !reference.startsWith('GROUP-')) {
          throw new UsageError('Give the group as its GROUP-… id or its HRN.');
        }
        return context.memberHrn(reference);
      },
    },
    io,
    exitCode,
  );

  const project = program.command('project').description('Projects and their members');
  project
    .command('create <id> <name>')
    .description('Create a project (id: 4-16 lowercase letters, digits and hyphens); you become its ProjectAdmin')
    .option('--description <text>', 'Description of the project')
    .action(
      action(
        io,
        async (context, id: string, name: string, options: { description?: string }) => {
          const created = await (await context.client()).projects.create({
            id,
            name,
            ...(options.description !== undefined ? { description: options.description } : {}),
          });
          context.output.result(created, () => `Project ${created.name} created: ${created.hrn}`, created.hrn);
          return undefined;
        },
        exitCode,
      ),
    );
  project
    .command('list [filter]')
    .description('List the projects you can see')
    .option('--limit <n>', 'Most projects to list', parseLimit, 100)
    .action(
      action(
        io,
        async (context, filter: string | undefined, options: { limit: number }) => {
          const page = await (await context.client()).projects.list({
            limit: Math.min(100, options.limit),
            ...(filter !== undefined ? { q: filter } : {}),
          });
          context.output.table({ projects: page.items }, page.items, [
            ['hrn', 'HRN'],
            ['name', 'NAME'],
            ['description', 'DESCRIPTION'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );
  const projectMember = project.command('member').description('Members of a project');
  for (const [verb, description, sentence] of [
    ['add', 'Add a user, app or group (HRN or id) to a project', 'added to'],
    ['remove', 'Remove a user, app or group (HRN or id) from a project', 'removed from'],
  ] as const) {
    projectMember
      .command(`${verb} <project> <member>`)
      .description(description)
      .action(
        action(
          io,
          async (context, reference: string, who: string) => {
            const projectHrn = await context.projectHrn(reference);
            const hrn = await context.memberHrn(who);
            const client = await context.client();
            if (verb === 'add') await client.projects.members.add(projectHrn, hrn);
            else await client.projects.members.remove(projectHrn, hrn);
            context.output.result(
              { project: projectHrn, member: hrn, [verb === 'add' ? 'added' : 'removed']: true },
              () => `${hrn} ${sentence} project ${projectHrn}.`,
            );
            return undefined;
          },
          exitCode,
        ),
      );
  }

  const access = project.command('access').description('Access of project members: the project policies they hold');
  for (const [verb, description, sentence] of [
    ['grant', 'Attach a project policy to a member', 'granted to'],
    ['revoke', 'Take a project policy back from a member', 'revoked from'],
  ] as const) {
    access
      .command(`${verb} <project> <member>`)
      .description(description)
      .requiredOption('--policy <policy>', 'Project policy HRN')
      .action(
        action(
          io,
          async (context, reference: string, who: string, options: { policy: string }) => {
            const projectHrn = await context.projectHrn(reference);
            const hrn = await context.memberHrn(who);
            const client = await context.client();
            if (verb === 'grant') await client.projects.grantAccess(projectHrn, hrn, options.policy);
            else await client.projects.revokeAccess(projectHrn, hrn, options.policy);
            context.output.result(
              { project: projectHrn, member: hrn, policy: options.policy },
              () => `Policy ${options.policy} ${sentence} ${hrn} in project ${projectHrn}.`,
            );
            return undefined;
          },
          exitCode,
        ),
      );
  }
  access
    .command('list <project>')
    .description('List the members of a project, or with --policy those holding that policy')
    .option('--policy <policy>', 'Project policy HRN')
    .option('--limit <n>', 'Most members to list', parseLimit, 100)
    .action(
      action(
        io,
        async (context, reference: string, options: { policy?: string; limit: number }) => {
          const projectHrn = await context.projectHrn(reference);
          const client = await context.client();
          const members =
            options.policy === undefined
              ? await collectPages(
                  ({ pageToken, size }) =>
                    client.projects.members.list(projectHrn, { limit: size, ...(pageToken ? { pageToken } : {}) }),
                  options.limit,
                )
              : (await client.projects.policies.members(projectHrn, options.policy)).items.slice(0, options.limit);
          context.output.table({ members }, members, [
            ['member', 'MEMBER'],
            ['identityType', 'TYPE'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );
  access
    .command('show <project> <member>')
    .description('Show the project policies a member holds')
    .action(
      action(
        io,
        async (context, reference: string, who: string) => {
          const projectHrn = await context.projectHrn(reference);
          const hrn = await context.memberHrn(who);
          const { policies } = await (await context.client()).projects.memberPolicies(projectHrn, hrn);
          context.output.table({ project: projectHrn, member: hrn, policies }, policies, [['policy', 'POLICY']]);
          return undefined;
        },
        exitCode,
      ),
    );
  registerAdministratorCommands(
    project,
    { noun: 'project', roleName: 'ProjectAdmin', hrn: (context, reference) => context.projectHrn(reference) },
    io,
    exitCode,
  );
  registerProjectResourceCommands(project, io, exitCode);

  program
    .command('permissions')
    .description('Permissions held directly or through groups and roles')
    .command('list')
    .description('List the permissions of a user, an app or a group')
    .option('--user <id>', 'User id (HERE-…) or HRN')
    .option('--app <id>', 'App id or HRN')
    .option('--group <id>', 'Group id (GROUP-…) or HRN')
    .action(
      action(
        io,
        async (context, options: { user?: string; app?: string; group?: string }) => {
          const given = [options.user, options.app, options.group].filter((value) => value !== undefined);
          if (given.length !== 1) throw new UsageError('Name exactly one of --user, --app or --group.');
          const client = await context.client();
          let page: Awaited<ReturnType<typeof client.memberPermissions>>;
          if (options.group !== undefined) {
            page = await client.groups.permissions(options.group);
          } else {
            const { realm } = await context.identity();
            page = await client.memberPermissions(
              realm,
              await context.memberHrn((options.user ?? options.app) as string),
            );
          }
          const permissions = page.items;
          context.output.table({ permissions }, permissions, [
            ['action', 'ACTION'],
            ['resource', 'RESOURCE'],
            ['effect', 'EFFECT'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  program
    .command('authorize')
    .description('Ask the decision API whether your credentials may perform an action (exit code 1 on deny)')
    .requiredOption('--action <action>', 'Action, e.g. read')
    .requiredOption('--resource <hrn>', 'Resource HRN')
    .option('--service-id <id>', 'Service the action belongs to')
    .option('--subresource <name>', 'A part of the resource, e.g. a region, that the permissions must cover')
    .action(
      action(
        io,
        async (context, options: { action: string; resource: string; serviceId?: string; subresource?: string }) => {
          const answer = await (await context.client()).authorize({
            actions: [
              {
                action: options.action,
                resource: options.resource,
                ...(options.subresource !== undefined ? { subresource: options.subresource } : {}),
              },
            ],
            diagnostics: true,
            ...(options.serviceId !== undefined ? { serviceId: options.serviceId } : {}),
          });
          const [detail] = answer.diagnostics?.[0]?.permissions ?? [];
          const why =
            answer.decision === 'deny' && detail
              ? ` (${detail.cause})`
              : detail?.subresources
                ? ` (only subresources ${detail.subresources.join(', ')})`
                : '';
          context.output.result(
            answer,
            () => `${answer.decision}: ${options.action} on ${options.resource}${why}`,
            answer.decision,
          );
          return answer.decision === 'allow' ? ExitCode.ok : ExitCode.refused;
        },
        exitCode,
      ),
    );
}
