import type { Logger } from 'pino';

/**
 * Work started by a request but finished after the answer, so that the answer's timing does not depend on it (for
 * example whether an email address has an account). Failures are logged; `drain` waits for what is under way.
 */
export class BackgroundTasks {
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  run(name: string, work: () => Promise<void>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => this.#logger.error({ err: error, task: name }, 'background task failed'))
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
