/** Where a CLI run reads and writes: the real process for the `gatehouse` binary, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory, where `~/.gatehouse` and `~/.here` live. */
  home: string;
  /** Whether stderr is a terminal: the progress bar is drawn only there. */
  stderrIsTTY?: boolean;
}

/**
 * Exit codes, documented in docs/cli.md: scripts can tell a refusal from a typo, a credentials problem or an
 * unreachable server.
 */
export const ExitCode = {
  ok: 0,
  /** The server refused (4xx other than 401, 5xx), a decision was deny, or some items of an import failed. */
  refused: 1,
  /** Unknown command, missing or invalid argument. */
  usage: 2,
  /** Credentials missing or unreadable, or the server did not accept them (401). */
  credentials: 3,
  /** The server could not be reached. */
  network: 4,
} as const;

/** A mistake in how the command was called; the message says what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
}
