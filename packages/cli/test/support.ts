import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CliIo, run } from '../src/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with its own home directory and environment, capturing what it prints. */
export async function cli(
  argv: string[],
  options: { home: string; env?: Record<string, string>; stderrIsTTY?: boolean },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    home: options.home,
    stderrIsTTY: options.stderrIsTTY ?? false,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A temporary home directory, removed by the returned function. */
export async function temporaryHome(): Promise<{ home: string; remove: () => Promise<void> }> {
  const home = await mkdtemp(path.join(tmpdir(), 'gatehouse-cli-home-'));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}
