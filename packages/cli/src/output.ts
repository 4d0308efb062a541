import type { CliIo } from './io.js';

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
}

/** Prints for people (aligned tables, short sentences) or, with --json, one JSON document for programs. */
export class Output {
  readonly #io: CliIo;
  readonly json: boolean;
  readonly quiet: boolean;

  constructor(io: CliIo, options: OutputOptions) {
    this.#io = io;
    this.json = options.json === true;
    this.quiet = options.quiet === true;
  }

  /** A JSON document with --json; otherwise the human text (unless --quiet, which prints `quietText` if any). */
  result(value: unknown, human: () => string, quietText?: string): void {
    if (this.json) {
      this.#line(JSON.stringify(value, null, 2));
    } else if (!this.quiet) {
      this.#line(human());
    } else if (quietText !== undefined) {
      this.#line(quietText);
    }
  }

  /** A table of rows with the given columns; `--quiet` prints the first column only. */
  table<Row extends Record<string, unknown>>(
    value: unknown,
    rows: Row[],
    columns: Array<[keyof Row & string, string]>,
  ): void {
    if (this.json) {
      this.#line(JSON.stringify(value, null, 2));
      return;
    }
    const first = columns[0]?.[0];
    if (this.quiet) {
      if (first !== undefined) for (const row of rows) this.#line(cell(row[first]));
      return;
    }
    if (rows.length === 0) {
      this.#line('(none)');
      return;
    }
    const cells = rows.map((row) => columns.map(([key]) => cell(row[key])));
    const headers = columns.map(([, title]) => title);
    const widths = headers.map((title, index) =>
      Math.max(title.length, ...cells.map((line) => (line[index] ?? '').length)),
    );
    const format = (line: string[]) =>
      line
        .map((text, index) => text.padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd();
    this.#line([format(headers), format(widths.map((width) => '-'.repeat(width))), ...cells.map(format)].join('\n'));
  }

  #line(text: string): void {
    this.#io.stdout.write(`${text}\n`);
  }
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' && value > 1_000_000_000_000) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
