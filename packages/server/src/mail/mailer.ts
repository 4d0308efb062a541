import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailOutboxRepository } from './outbox-repository.js';
import type { MailContent } from './templates.js';

export interface MailerOptions {
  outbox: MailOutboxRepository;
  logger: Logger;
  from: string;
  /** Without an SMTP URL mails stay in the outbox and their links are logged for a local user. */
  smtpUrl?: string;
  clock?: () => number;
  pollMs?: number;
  maxAttempts?: number;
}

const LEASE_MS = 60_000;

/**
 * Mail goes through the outbox table: a request only writes a row, and a worker delivers it over SMTP with
 * retries (exponential backoff, capped at an hour). Several nodes may run workers: claims are leased per row.
 */
export class Mailer {
  readonly #options: Required<Omit<MailerOptions, 'smtpUrl'>> & { smtpUrl?: string };
  readonly #transport: Transporter | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: MailerOptions) {
    this.#options = { clock: Date.now, pollMs: 2000, maxAttempts: 10, ...options };
    // A pool keeps the SMTP connection open between mails instead of a handshake per mail.
    this.#transport = options.smtpUrl ? nodemailer.createTransport({ url: options.smtpUrl, pool: true }) : undefined;
  }

  get delivers(): boolean {
    return this.#transport !== undefined;
  }

  /** Queues a mail; with SMTP configured, delivery starts at once. */
  async send(recipient: string, content: MailContent): Promise<void> {
    await this.#options.outbox.enqueue({
      id: randomUUID(),
      recipient,
      subject: content.subject,
      text: content.text,
      html: content.html,
      createdAt: this.#options.clock(),
    });
    if (this.#transport) {
      void this.deliverDue();
    } else {
      const links = content.text.match(/https?:\/\/\S+/g) ?? [];
      this.#options.logger.info(
        { to: recipient, subject: content.subject, links },
        'mail kept in the outbox (no smtpUrl configured)',
      );
    }
  }

  start(): void {
    if (!this.#transport || this.#timer) return;
    this.#timer = setInterval(() => void this.deliverDue(), this.#options.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    this.#transport?.close();
  }

  /** Delivers the mails that are due; concurrent calls share one run. */
  deliverDue(): Promise<void> {
    if (this.#stopped || !this.#transport) return Promise.resolve();
    this.#running ??= this.#deliver().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #deliver(): Promise<void> {
    const transport = this.#transport;
    if (!transport) return;
    const { outbox, clock, logger, from, maxAttempts } = this.#options;
    try {
      for (;;) {
        const now = clock();
        const mails = await outbox.claimDue(now, 20, LEASE_MS);
        if (mails.length === 0) return;
        for (const mail of mails) {
          try {
            await transport.sendMail({
              from,
              to: mail.recipient,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
            });
            await outbox.markSent(mail.id, clock());
          } catch (error) {
            const retryIn = Math.min(3_600_000, 10_000 * 2 ** (mail.attempts - 1));
            const giveUp = mail.attempts >= maxAttempts;
            await outbox.markFailed(
              mail.id,
              (error as Error).message,
              giveUp ? Number.MAX_SAFE_INTEGER : clock() + retryIn,
            );
            logger.warn({ err: error, mailId: mail.id, attempts: mail.attempts, giveUp }, 'mail delivery failed');
          }
        }
      }
    } catch (error) {
      logger.error({ err: error }, 'mail outbox unavailable');
    }
  }
}
