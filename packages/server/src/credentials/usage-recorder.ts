import type { Logger } from 'pino';

/**
 * Records "last used" times of credentials without a database write per request: at most one write per credential
 * per interval, off the request's path. A write that fails is logged and forgotten.
 */
export class UsageRecorder {
  readonly #last = new Map<string, number>();
  readonly #write: (id: string, now: number) => Promise<void>;
  readonly #logger: Logger;
  readonly #intervalMs: number;

  constructor(write: (id: string, now: number) => Promise<void>, logger: Logger, intervalMs = 60_000) {
    this.#write = write;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  record(id: string, now: number): void {
    const last = this.#last.get(id);
    if (last !== undefined && now - last < this.#intervalMs) return;
    this.#last.set(id, now);
    if (this.#last.size > 100_000) this.#last.clear();
    this.#write(id, now).catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'recording credential use failed'),
    );
  }
}
