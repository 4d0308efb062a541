import { homedir } from 'node:os';
import { CredentialsError, GatehouseError, GatehouseNetworkError } from '@gatehouse/sdk';
import { Command, CommanderError } from 'commander';
import { registerAppCommands } from './commands/app.js';
import { registerAuthorizationCommands } from './commands/authorization.js';
import { registerImportCommands } from './commands/import.js';
import { registerSetupCommands } from './commands/setup.js';
import { type CliIo, ExitCode, UsageError } from './io.js';

export const VERSION = '0.1.0';

/** The real process as the CLI's surroundings. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    home: process.env.GATEHOUSE_HOME ?? homedir(),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

function buildProgram(io: CliIo, exitCode: { value: number }): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: run the IAM server and manage apps, keys, groups and projects (HERE IAM compatible).')
    .version(VERSION)
    .option('--credentials <file>', 'credentials.properties to use')
    .option('--profile <name>', 'Stored profile to use (see `gatehouse credentials import`)')
    .option('--url <url>', 'Server base URL (overrides the token endpoint of the credentials)')
    .option('--json', 'Answer with JSON')
    .option('--quiet', 'Print only the essential value (ids, tokens)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerSetupCommands(program, io, exitCode);
  registerAppCommands(program, io, exitCode);
  registerAuthorizationCommands(program, io, exitCode);
  registerImportCommands(program, io, exitCode);
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function* allCommands(command: Command): Generator<Command> {
  for (const child of command.commands) {
    yield child;
    yield* allCommands(child);
  }
}

/**
 * Runs the CLI on `argv` (the arguments after `gatehouse`) and answers the exit code; never calls process.exit, so
 * it can run in-process (tests, embedding).
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const exitCode = { value: ExitCode.ok as number };
  const program = buildProgram(io, exitCode);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode.value;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  if (error instanceof CommanderError) {
    // Commander printed the message already; help and --version exit 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof UsageError) {
    say(`error: ${error.message}`);
    return ExitCode.usage;
  }
  if (error instanceof CredentialsError) {
    say(`error: ${error.message}`);
    return ExitCode.credentials;
  }
  if (error instanceof GatehouseNetworkError) {
    say(`error: ${error.message}. Is the server running, and is --url or here.token.endpoint.url right?`);
    return ExitCode.network;
  }
  if (error instanceof GatehouseError) {
    const code = error.errorCode ?? error.code ?? error.httpStatus;
    const lines = [
      `error: ${error.message} (HTTP ${error.httpStatus}, ${code}${error.errorId ? `, ${error.errorId}` : ''})`,
    ];
    for (const field of error.errorFields) lines.push(`  ${field.name}: ${field.message}`);
    if (error.action) lines.push(`  ${error.action}`);
    if (error.httpStatus === 401) {
      lines.push('  Check your credentials: the access key may be disabled or deleted, or the secret wrong.');
    } else if (error.httpStatus === 403) {
      lines.push('  Your app lacks the permission: ask an OrgAdmin to grant it, or use other credentials.');
    } else if (error.httpStatus === 429 && error.retryAfterSeconds !== undefined) {
      lines.push(`  Too many requests: try again in ${error.retryAfterSeconds} s.`);
    }
    say(lines.join('\n'));
    return error.httpStatus === 401 ? ExitCode.credentials : ExitCode.refused;
  }
  throw error;
}
