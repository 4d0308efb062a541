import { readFile } from 'node:fs/promises';
import { CreateAppRequest, InviteRequest } from '@gatehouse/contracts';
import { GatehouseError } from '@gatehouse/sdk';
import type { Command } from 'commander';
import { z } from 'zod';
import { action } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { type CliIo, ExitCode, UsageError } from '../io.js';
import { ProgressBar } from '../progress.js';
import { type ImportRecord, parseRecords } from '../records.js';

interface Failure {
  position: number;
  input: Record<string, unknown>;
  errorCode?: number;
  httpStatus?: number;
  reason: string;
}

const splitList = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(/[;|]/)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
    : value;

/** Columns of a user import row: an invitation (spec §6.3 `RealmAuthorizationInvite`); lists split on `;`. */
const UserRow = z.object({
  email: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  roles: z.preprocess(splitList, z.array(z.string()).optional()),
  groups: z.preprocess(splitList, z.array(z.string()).optional()),
});

const AppRow = z.object({ name: z.string(), description: z.string().optional() });

/** `gatehouse import users|apps <file>`: bulk invitations and app creation from CSV or JSON. */
export function registerImportCommands(program: Command, io: CliIo, exitCode: { value: number }) {
  const bulk = program.command('import').description('Bulk import from CSV (first line: column names) or JSON');

  bulk
    .command('users <file>')
    .description('Invite users to your organization: columns email, firstName, lastName, roles, groups')
    .action(
      action(
        io,
        async (context, file: string) => {
          const { realm } = await context.identity();
          const client = await context.client();
          return runImport(context, file, 'users', async (fields) => {
            const row = UserRow.parse(emptyToUndefined(fields));
            const invite = InviteRequest.parse({
              emailAddress: row.email,
              ...(row.firstName ? { firstName: row.firstName } : {}),
              ...(row.lastName ? { lastName: row.lastName } : {}),
              ...(row.roles ? { roles: row.roles } : {}),
              ...(row.groups ? { groupHrns: row.groups } : {}),
            });
            const created = await client.invites.create(realm, invite);
            return { email: created.emailAddress, invite: created.hrn };
          });
        },
        exitCode,
      ),
    );

  bulk
    .command('apps <file>')
    .description('Create apps: columns name, description')
    .action(
      action(
        io,
        async (context, file: string) => {
          const client = await context.client();
          return runImport(context, file, 'apps', async (fields) => {
            const row = CreateAppRequest.parse(AppRow.parse(emptyToUndefined(fields)));
            const created = await client.apps.create(row);
            return { name: created.name, clientId: created.clientId, hrn: created.hrn };
          });
        },
        exitCode,
      ),
    );
}

function emptyToUndefined(fields: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== '' && value !== undefined));
}

/**
 * Imports row by row (in order, so the report follows the file), drawing the progress bar; one row's failure does
 * not stop the others. Exit code 1 when any row failed.
 */
async function runImport(
  context: CommandContext,
  file: string,
  label: string,
  importOne: (fields: Record<string, unknown>) => Promise<Record<string, unknown>>,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const records: ImportRecord[] = parseRecords(text, file);
  const progress = new ProgressBar({
    write: (chunk) => context.io.stderr.write(chunk),
    enabled: context.io.stderrIsTTY === true && !context.output.quiet && !context.output.json,
    total: records.length,
    label,
  });
  const imported: Array<Record<string, unknown>> = [];
  const failed: Failure[] = [];
  progress.update(0, 0);
  for (const record of records) {
    try {
      imported.push({ position: record.position, ...(await importOne(record.fields)) });
    } catch (error) {
      failed.push(describeFailure(record, error));
    }
    progress.update(imported.length + failed.length, failed.length);
  }
  progress.finish();
  const where = file.toLowerCase().endsWith('.json') ? 'item' : 'line';
  context.output.result(
    { imported, failed },
    () =>
      [
        `Imported ${imported.length} of ${records.length} ${label}.`,
        ...(failed.length > 0
          ? [
              `${failed.length} failed:`,
              ...failed.map((failure) => `  ${where} ${failure.position}: ${failure.reason}`),
            ]
          : []),
      ].join('\n'),
    failed.length > 0
      ? failed.map((failure) => `${where} ${failure.position}: ${failure.reason}`).join('\n')
      : undefined,
  );
  return failed.length > 0 ? ExitCode.refused : ExitCode.ok;
}

function describeFailure(record: ImportRecord, error: unknown): Failure {
  const base = { position: record.position, input: record.fields };
  if (error instanceof GatehouseError) {
    const fields = error.errorFields.map((field) => `${field.name}: ${field.message}`).join('; ');
    return {
      ...base,
      ...(error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
      httpStatus: error.httpStatus,
      reason: `${error.errorCode ?? error.httpStatus} ${error.message}${fields ? ` (${fields})` : ''}`,
    };
  }
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; ');
    return { ...base, reason: `invalid row (${issues})` };
  }
  throw error;
}
