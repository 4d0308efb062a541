import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on a free local port that keeps what it receives, so tests read mail the way users do and
 * follow its links.
 */
export class Mailbox {
  readonly received: ReceivedMail[] = [];
  readonly #server: SMTPServer;
  readonly #waiters = new Set<() => void>();
  port = 0;

  constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const addresses = (value: AddressObject | AddressObject[] | undefined) =>
              (Array.isArray(value) ? value : value ? [value] : []).flatMap((entry) =>
                entry.value.map((address) => address.address ?? ''),
              );
            this.received.push({
              to: addresses(parsed.to),
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            for (const wake of this.#waiters) wake();
            callback();
          })
          .catch(callback);
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails received for an address so far. */
  for(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  /** The next mail to `address` after the `already` mails it had, waiting up to `timeoutMs`. */
  async next(address: string, already = this.for(address).length, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = this.for(address);
      const mail = mails[already];
      if (mail) return mail;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`No mail for ${address} within ${timeoutMs} ms (has ${mails.length}).`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 200));
        this.#waiters.add(wake);
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** The token of the first link to `path` in a mail (`…/path#token=XYZ`). */
export function linkToken(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${path.replace(/[/.]/g, '\\$&')}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`No ${path} link in mail "${mail.subject}":\n${mail.text}`);
  return match[1];
}

export function linkTokens(mail: ReceivedMail, path: string): string[] {
  return [...mail.text.matchAll(new RegExp(`${path.replace(/[/.]/g, '\\$&')}#token=([A-Za-z0-9_-]+)`, 'g'))].map(
    (match) => match[1] as string,
  );
}
