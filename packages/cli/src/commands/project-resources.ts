import { type Command, InvalidArgumentError } from 'commander';
import { action, collectPages, parseLimit } from '../command-support.js';
import { type CliIo, UsageError } from '../io.js';

const RELATIONS = ['home', 'reference'] as const;
type Relation = (typeof RELATIONS)[number];

function parseRelation(value: string): Relation {
  const relation = RELATIONS.find((candidate) => candidate === value);
  if (!relation) throw new InvalidArgumentError('Use home or reference.');
  return relation;
}

/**
 * `gatehouse project resources …`: the resources created in a project (relation `home`) or linked into it
 * (`reference`), and links made and taken back. Resources are given by HRN.
 */
export function registerProjectResourceCommands(project: Command, io: CliIo, exitCode: { value: number }) {
  const resources = project.command('resources').description('Resources of a project: homed in it or linked into it');

  resources
    .command('list <project>')
    .description('List the resources of a project')
    .option('--relation <relation>', 'Only home or reference resources', parseRelation)
    .option('--type <type>', 'Only resources of this type (catalog, schema, …)')
    .option('--limit <n>', 'Most resources to list', parseLimit, 100)
    .action(
      action(
        io,
        async (context, reference: string, options: { relation?: Relation; type?: string; limit: number }) => {
          const projectHrn = await context.projectHrn(reference);
          const client = await context.client();
          const items = await collectPages(
            ({ pageToken, size }) =>
              client.projects.resources.list(projectHrn, {
                limit: size,
                ...(pageToken ? { pageToken } : {}),
                ...(options.relation !== undefined ? { relation: options.relation } : {}),
                ...(options.type !== undefined ? { type: options.type } : {}),
              }),
            options.limit,
          );
          context.output.table({ resources: items }, items, [
            ['resource', 'RESOURCE'],
            ['type', 'TYPE'],
            ['relation', 'RELATION'],
            ['allowedActions', 'ACTIONS'],
            ['subresources', 'SUBRESOURCES'],
          ]);
          return undefined;
        },
        exitCode,
      ),
    );

  resources
    .command('link <project> <resource>')
    .description('Link a referenceable or linkable resource into a project with the actions its members may perform')
    .option('--action <action...>', 'Actions the link allows (at least one), e.g. readResource')
    .option('--subresource <name...>', 'Limit the link to these parts of the resource, e.g. deu')
    .option('--external-id <id>', 'Tells apart several links of one resource (a subscription id)')
    .action(
      action(
        io,
        async (
          context,
          reference: string,
          resource: string,
          options: { action?: string[]; subresource?: string[]; externalId?: string },
        ) => {
          if (!options.action?.length) throw new UsageError('Name at least one --action the link allows.');
          const projectHrn = await context.projectHrn(reference);
          const { items } = await (await context.client()).projects.resources.add(projectHrn, 'reference', [
            {
              resource,
              allowedActions: options.action,
              ...(options.subresource !== undefined ? { subresources: options.subresource } : {}),
              ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
            },
          ]);
          const [link] = items;
          context.output.result(
            link,
            () => `${resource} linked into project ${projectHrn} (${options.action?.join(', ')}).`,
          );
          return undefined;
        },
        exitCode,
      ),
    );

  resources
    .command('unlink <project> <resource>')
    .description('Take the links of a resource out of a project (with --external-id, only that link)')
    .option('--external-id <id>', 'The link to take out')
    .action(
      action(
        io,
        async (context, reference: string, resource: string, options: { externalId?: string }) => {
          const projectHrn = await context.projectHrn(reference);
          await (await context.client()).projects.resources.remove(projectHrn, resource, {
            relation: 'reference',
            ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
          });
          context.output.result(
            { project: projectHrn, resource, unlinked: true },
            () => `${resource} unlinked from project ${projectHrn}.`,
          );
          return undefined;
        },
        exitCode,
      ),
    );
}
