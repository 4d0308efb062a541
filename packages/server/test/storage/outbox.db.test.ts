import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueuedMail } from '../../src/mail/outbox-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, T0, unique } from './helpers.js';

const LEASE = 60_000;

describe('MailOutboxRepository', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());
  // claimDue sees the whole table: every test starts with an empty outbox.
  beforeEach(async () => {
    await database.handle.db.deleteFrom('mail_outbox').execute();
  });

  const outbox = () => database.storage.outbox;

  async function enqueue(createdAt = T0): Promise<Omit<QueuedMail, 'attempts'>> {
    const mail = {
      id: unique('mail-'),
      recipient: `${unique('to-')}@example.com`,
      subject: 'Confirm your email address',
      text: 'Open https://example.com/verify#token=secret',
      html: '<a href="https://example.com/verify#token=secret">Confirm</a>',
      createdAt,
    };
    await outbox().enqueue(mail);
    return mail;
  }

  const row = (id: string) =>
    database.handle.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('lists pending mails oldest first', async () => {
    const second = await enqueue(T0 + 2);
    const first = await enqueue(T0 + 1);
    const third = await enqueue(T0 + 3);
    expect(await outbox().listPending(10)).toEqual([
      { ...first, attempts: 0 },
      { ...second, attempts: 0 },
      { ...third, attempts: 0 },
    ]);
    expect((await outbox().listPending(2)).map((mail) => mail.id)).toEqual([first.id, second.id]);
  });

  it('claims a mail only once it is due, and counts the attempt', async () => {
    const mail = await enqueue(T0 + 100);
    expect(await outbox().claimDue(T0 + 99, 10, LEASE)).toEqual([]);
    expect(await outbox().claimDue(T0 + 100, 10, LEASE)).toEqual([{ ...mail, attempts: 1 }]);
  });

  it('never hands one mail to two concurrent claims', async () => {
    const mails = await Promise.all(Array.from({ length: 12 }, (_, index) => enqueue(T0 + index)));
    const claims = await concurrently(8, () => outbox().claimDue(T0 + 1000, 5, LEASE));
    const claimedIds = claims.flat().map((mail) => mail.id);
    expect(claimedIds.length).toBeGreaterThan(0);
    expect(new Set(claimedIds).size).toBe(claimedIds.length);
    expect(claims.flat().every((mail) => mail.attempts === 1)).toBe(true);

    // What the racing claims left is claimed now; together every mail was claimed exactly once.
    const rest = await outbox().claimDue(T0 + 1000, 100, LEASE);
    const all = [...claimedIds, ...rest.map((mail) => mail.id)];
    expect(all.sort()).toEqual(mails.map((mail) => mail.id).sort());
    expect(await outbox().claimDue(T0 + 1000, 100, LEASE)).toEqual([]);
    for (const mail of mails) expect((await row(mail.id)).attempts).toBe(1);
  });

  it('does not return a claimed mail again until its lease ends', async () => {
    const mail = await enqueue(T0);
    expect(await outbox().claimDue(T0, 10, LEASE)).toHaveLength(1);
    expect(await outbox().claimDue(T0 + 1, 10, LEASE)).toEqual([]);
    expect(await outbox().claimDue(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
    expect(await outbox().claimDue(T0 + LEASE, 10, LEASE)).toEqual([{ ...mail, attempts: 2 }]);
    expect(await outbox().listPending(10)).toEqual([{ ...mail, attempts: 2 }]);
  });

  it('respects the claim limit, oldest due first', async () => {
    const first = await enqueue(T0 + 1);
    const second = await enqueue(T0 + 2);
    const third = await enqueue(T0 + 3);
    expect((await outbox().claimDue(T0 + 10, 2, LEASE)).map((mail) => mail.id)).toEqual([first.id, second.id]);
    expect((await outbox().claimDue(T0 + 10, 2, LEASE)).map((mail) => mail.id)).toEqual([third.id]);
  });

  it('markSent records delivery and blanks the bodies', async () => {
    const mail = await enqueue(T0);
    const other = await enqueue(T0);
    await outbox().claimDue(T0, 10, LEASE);
    await outbox().markSent(mail.id, T0 + 5);
    expect(await row(mail.id)).toMatchObject({ sent_at: T0 + 5, text_body: '', html_body: '', last_error: null });
    expect(await row(other.id)).toMatchObject({ sent_at: null, text_body: other.text, html_body: other.html });
    expect((await outbox().listPending(10)).map((pending) => pending.id)).toEqual([other.id]);
    expect((await outbox().claimDue(T0 + LEASE, 10, LEASE)).map((due) => due.id)).toEqual([other.id]);
  });

  it('markFailed keeps the error and reschedules the mail', async () => {
    const mail = await enqueue(T0);
    await outbox().claimDue(T0, 10, LEASE);
    await outbox().markFailed(mail.id, `connection refused ${'x'.repeat(2000)}`, T0 + 500);
    const failed = await row(mail.id);
    expect(failed).toMatchObject({ next_attempt_at: T0 + 500, sent_at: null, attempts: 1 });
    expect(failed.last_error?.startsWith('connection refused')).toBe(true);
    expect(failed.last_error?.length).toBe(1000);
    expect(await outbox().claimDue(T0 + 499, 10, LEASE)).toEqual([]);
    expect(await outbox().claimDue(T0 + 500, 10, LEASE)).toEqual([{ ...mail, attempts: 2 }]);
    await outbox().markSent(mail.id, T0 + 501);
    expect((await row(mail.id)).last_error).toBeNull();
  });

  it('deleteSentBefore forgets delivered mails sent before the given time only', async () => {
    const old = await enqueue(T0);
    const recent = await enqueue(T0);
    const pending = await enqueue(T0);
    await outbox().markSent(old.id, T0 + 10);
    await outbox().markSent(recent.id, T0 + 20);
    expect(await outbox().deleteSentBefore(T0 + 20)).toBe(1);
    const left = await database.handle.db.selectFrom('mail_outbox').select('id').orderBy('id').execute();
    expect(left.map((mail) => mail.id).sort()).toEqual([recent.id, pending.id].sort());
    expect(await outbox().deleteSentBefore(T0 + 21)).toBe(1);
    expect((await outbox().listPending(10)).map((mail) => mail.id)).toEqual([pending.id]);
  });
});
