/**
 * A one-line progress bar on a terminal's stderr (`[#####.....] 5/10 apps`), redrawn in place. Off when stderr is
 * not a terminal, so logs and pipes get only the summary.
 */
export class ProgressBar {
  readonly #write: ((text: string) => unknown) | undefined;
  readonly #total: number;
  readonly #label: string;
  readonly #width = 30;

  constructor(options: { write: (text: string) => unknown; enabled: boolean; total: number; label: string }) {
    this.#write = options.enabled ? options.write : undefined;
    this.#total = options.total;
    this.#label = options.label;
  }

  update(done: number, failed: number): void {
    if (!this.#write) return;
    const filled = this.#total === 0 ? this.#width : Math.round((done / this.#total) * this.#width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(this.#width - filled)}`;
    const failures = failed > 0 ? `, ${failed} failed` : '';
    this.#write(`\r[${bar}] ${done}/${this.#total} ${this.#label}${failures}`);
  }

  finish(): void {
    this.#write?.('\n');
  }
}
