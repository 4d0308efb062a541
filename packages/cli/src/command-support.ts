import { type Command, InvalidArgumentError } from 'commander';
import { CommandContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

type ActionHandler = (context: CommandContext, ...args: never[]) => Promise<number | undefined>;

/** Commander action that builds the command context from the global options; the handler may return an exit code. */
export function action(io: CliIo, handler: ActionHandler, exitCode: { value: number }) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const context = new CommandContext(io, command.optsWithGlobals<GlobalOptions>());
    const code = await (handler as (context: CommandContext, ...rest: unknown[]) => Promise<number | undefined>)(
      context,
      ...args.slice(0, -1),
    );
    if (code !== undefined) exitCode.value = code;
  };
}

export function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('Use true or false.');
}

export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new InvalidArgumentError('Use a whole number from 1 to 10000.');
  }
  return limit;
}

/** Collects pages of a `{pageToken, items|data}` list until `limit` entries or the last page. */
export async function collectPages<Item>(
  fetchPage: (page: { pageToken?: string; size: number }) => Promise<{ pageToken?: string | undefined; items: Item[] }>,
  limit: number,
): Promise<Item[]> {
  const collected: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await fetchPage({
      ...(pageToken ? { pageToken } : {}),
      size: Math.min(100, limit - collected.length),
    });
    collected.push(...page.items);
    pageToken = page.pageToken;
  } while (pageToken !== undefined && collected.length < limit);
  return collected.slice(0, limit);
}
