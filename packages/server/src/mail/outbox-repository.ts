import type { Kysely } from 'kysely';
import type { Database } from '../storage/tables.js';

export interface QueuedMail {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
  createdAt: number;
}

export interface MailOutboxRepository {
  enqueue(mail: Omit<QueuedMail, 'attempts'>): Promise<void>;
  /**
   * Claims up to `limit` mails that are due, for `leaseMs`: until the lease ends no other claim (on this node or
   * another) returns them. Each claim counts as an attempt.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<QueuedMail[]>;
  /** Records delivery and blanks the bodies: they hold single-use links. */
  markSent(id: string, now: number): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAt: number): Promise<void>;
  /** Forgets delivered mails older than `before`. */
  deleteSentBefore(before: number): Promise<number>;
  /** Mails not delivered yet, oldest first (operators and tests). */
  listPending(limit: number): Promise<QueuedMail[]>;
}

export function createMailOutboxRepository(db: Kysely<Database>): MailOutboxRepository {
  const toMail = (row: {
    id: string;
    recipient: string;
    subject: string;
    text_body: string;
    html_body: string;
    attempts: number;
    created_at: number;
  }): QueuedMail => ({
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    attempts: row.attempts,
    createdAt: row.created_at,
  });
  return {
    async enqueue(mail) {
      await db
        .insertInto('mail_outbox')
        .values({
          id: mail.id,
          recipient: mail.recipient,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          created_at: mail.createdAt,
          next_attempt_at: mail.createdAt,
          attempts: 0,
          sent_at: null,
          last_error: null,
        })
        .execute();
    },
    async claimDue(now, limit, leaseMs) {
      const due = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      const claimed: QueuedMail[] = [];
      for (const row of due) {
        // Optimistic claim: only the caller whose UPDATE still sees the old next_attempt_at wins the row.
        const result = await db
          .updateTable('mail_outbox')
          .set({ next_attempt_at: now + leaseMs, attempts: row.attempts + 1 })
          .where('id', '=', row.id)
          .where('next_attempt_at', '=', row.next_attempt_at)
          .where('sent_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) claimed.push(toMail({ ...row, attempts: row.attempts + 1 }));
      }
      return claimed;
    },
    async markSent(id, now) {
      await db
        .updateTable('mail_outbox')
        .set({ sent_at: now, text_body: '', html_body: '', last_error: null })
        .where('id', '=', id)
        .execute();
    },
    async markFailed(id, error, nextAttemptAt) {
      await db
        .updateTable('mail_outbox')
        .set({ last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt })
        .where('id', '=', id)
        .execute();
    },
    async deleteSentBefore(before) {
      const result = await db.deleteFrom('mail_outbox').where('sent_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listPending(limit) {
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toMail);
    },
  };
}
