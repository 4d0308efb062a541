import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import { AppError } from '../../src/errors/app-error.js';
import type { Invite } from '../../src/invites/invite-repository.js';
import { encodePageToken } from '../../src/storage/pagination.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, insertOrganization, insertUser, T0, unique } from './helpers.js';

const DAY = 86_400_000;

describe('InviteRepository', () => {
  let database: TestDatabase;
  let realm: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    realm = (await insertOrganization(database.storage)).id;
  });
  afterAll(() => database.close());

  const invites = () => database.storage.invites;

  async function invite(inRealm: string, overrides: Partial<Invite> = {}) {
    const value: Invite = {
      id: unique('AUTHINVITE-'),
      realm: inRealm,
      email: `${unique('invitee-')}@example.com`,
      roleIds: [],
      groupIds: [],
      allowPasswordLogin: true,
      state: 'pending',
      expiresAt: T0 + 7 * DAY,
      createdAt: T0,
      updatedAt: T0,
      ...overrides,
    };
    const tokenHash = sha256(randomToken());
    await invites().insert(value, tokenHash);
    return { invite: value, tokenHash };
  }

  /** Follows nextPageToken to the end; checks that every page reports the same total. */
  async function listAll(inRealm: string, count: number, q?: string) {
    const ids: string[] = [];
    const totals = new Set<number>();
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await invites().listPending(inRealm, {
        count,
        ...(q !== undefined ? { q } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(count);
      ids.push(...page.items.map((item) => item.id));
      totals.add(page.total);
      pageToken = page.nextPageToken;
      pages++;
      if (pageToken !== undefined) expect(page.items).toHaveLength(count);
    } while (pageToken !== undefined && pages < 100);
    return { ids, totals: [...totals], pages };
  }

  it('stores an invitation and finds it by id, token hash and email', async () => {
    const creator = await insertUser(database.storage, realm);
    const { invite: stored, tokenHash } = await invite(realm, {
      email: `${unique('Full.Invite-')}@Example.com`,
      firstname: 'Ada',
      lastname: 'Lovelace',
      roleIds: ['ROLE-1', 'ROLE-2'],
      groupIds: ['GROUP-1'],
      allowPasswordLogin: false,
      creatorId: creator.id,
    });
    expect(await invites().findById(stored.id)).toEqual(stored);
    expect(await invites().findByTokenHash(tokenHash)).toEqual(stored);
    expect(await invites().findByTokenHash(sha256(randomToken()))).toBeUndefined();
    expect(await invites().findPending(realm, stored.email.toUpperCase())).toEqual(stored);
    const bare = (await invite(realm)).invite;
    const found = await invites().findById(bare.id);
    expect(found).toEqual(bare);
    expect(found).not.toHaveProperty('firstname');
    expect(found).not.toHaveProperty('creatorId');
    expect(found).not.toHaveProperty('acceptedUserId');
  });

  it('findPendingByEmail finds pending invitations of an address in every organization', async () => {
    const otherRealm = (await insertOrganization(database.storage)).id;
    const email = `${unique('multi-')}@example.com`;
    const here = (await invite(realm, { email })).invite;
    const there = (await invite(otherRealm, { email: email.toUpperCase() })).invite;
    const cancelled = (await invite((await insertOrganization(database.storage)).id, { email })).invite;
    expect(await invites().cancel(cancelled.id, T0 + 1)).toBe(true);

    const found = await invites().findPendingByEmail(` ${email.toUpperCase()} `);
    expect(found.map((item) => item.id).sort()).toEqual([here.id, there.id].sort());
    expect(await invites().findPending(otherRealm, email)).toEqual(there);
    expect(await invites().findPending(cancelled.realm, email)).toBeUndefined();
  });

  it('lists pending invitations newest first through several pages, without duplicates or gaps', async () => {
    const listRealm = (await insertOrganization(database.storage)).id;
    const pending: Invite[] = [];
    // 23 invitations, several sharing a creation time, so the id breaks ties.
    for (let index = 0; index < 23; index++) {
      pending.push((await invite(listRealm, { createdAt: T0 + Math.floor(index / 3) })).invite);
    }
    const accepted = (await invite(listRealm, { createdAt: T0 + 100 })).invite;
    const cancelled = (await invite(listRealm, { createdAt: T0 + 100 })).invite;
    const user = await insertUser(database.storage, listRealm);
    expect(await invites().accept(accepted.id, user.id, T0 + 200)).toBe(true);
    expect(await invites().cancel(cancelled.id, T0 + 200)).toBe(true);
    await invite(realm, { createdAt: T0 + 50 });

    const expected = [...pending]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((item) => item.id);

    const { ids, totals, pages } = await listAll(listRealm, 5);
    expect(pages).toBe(5);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([23]);

    const whole = await invites().listPending(listRealm, { count: 23 });
    expect(whole.items.map((item) => item.id)).toEqual(expected);
    expect(whole).not.toHaveProperty('nextPageToken');
    expect((await invites().listPending(listRealm, { count: 22 })).nextPageToken).toBeDefined();

    const empty = await invites().listPending((await insertOrganization(database.storage)).id, { count: 5 });
    expect(empty).toEqual({ items: [], total: 0 });
  });

  it('filters by q on email, first and last name, case-insensitively and literally', async () => {
    const searchRealm = (await insertOrganization(database.storage)).id;
    const byEmail = (await invite(searchRealm, { email: 'Grace.Hopper@navy.example', createdAt: T0 + 1 })).invite;
    const byFirstname = (await invite(searchRealm, { firstname: 'GRACE', lastname: 'Kelly', createdAt: T0 + 2 }))
      .invite;
    const byLastname = (await invite(searchRealm, { firstname: 'Ann', lastname: 'McGrace', createdAt: T0 + 3 })).invite;
    const underscore = (await invite(searchRealm, { email: 'snake_case@example.com', createdAt: T0 + 4 })).invite;
    const percent = (await invite(searchRealm, { firstname: '100%', createdAt: T0 + 5 })).invite;
    for (let index = 0; index < 4; index++) {
      await invite(searchRealm, { firstname: 'Someone', lastname: 'Else', createdAt: T0 + 10 + index });
    }

    const grace = await invites().listPending(searchRealm, { q: 'gRaCe', count: 10 });
    expect(grace.items.map((item) => item.id)).toEqual([byLastname.id, byFirstname.id, byEmail.id]);
    expect(grace.total).toBe(3);

    const paged = await listAll(searchRealm, 2, 'grace');
    expect(paged.ids).toEqual([byLastname.id, byFirstname.id, byEmail.id]);
    expect(paged.totals).toEqual([3]);

    const snake = await invites().listPending(searchRealm, { q: 'snake_', count: 10 });
    expect(snake.items.map((item) => item.id)).toEqual([underscore.id]);
    // `_` and `%` are matched as themselves, not as LIKE wildcards.
    expect((await invites().listPending(searchRealm, { q: 'e_c', count: 10 })).items.map((item) => item.id)).toEqual([
      underscore.id,
    ]);
    expect((await invites().listPending(searchRealm, { q: 'a_n', count: 10 })).total).toBe(0);
    expect((await invites().listPending(searchRealm, { q: '0%', count: 10 })).items.map((item) => item.id)).toEqual([
      percent.id,
    ]);
    expect((await invites().listPending(searchRealm, { q: 'g%e', count: 10 })).total).toBe(0);
    expect((await invites().listPending(searchRealm, { q: '', count: 100 })).total).toBe(9);
    expect((await invites().listPending(searchRealm, { q: 'nobody', count: 10 })).items).toEqual([]);
  });

  it('rejects a malformed page token', async () => {
    for (const pageToken of ['not-a-token', encodePageToken(['x', 'y']), encodePageToken([1])]) {
      const error = await invites()
        .listPending(realm, { count: 5, pageToken })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('request.invalid_page_token');
    }
  });

  it('accept has exactly one winner among concurrent callers', async () => {
    const { invite: open } = await invite(realm);
    const users = await Promise.all(Array.from({ length: 10 }, () => insertUser(database.storage, realm)));
    const results = await concurrently(10, (index) => invites().accept(open.id, users[index]?.id ?? '', T0 + 10));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = users[results.indexOf(true)];
    expect(await invites().findById(open.id)).toMatchObject({
      state: 'accepted',
      acceptedUserId: winner?.id,
      updatedAt: T0 + 10,
    });
    expect(await invites().accept(open.id, users[0]?.id ?? '', T0 + 20)).toBe(false);
    expect(await invites().findPending(realm, open.email)).toBeUndefined();
  });

  it('cancel only cancels pending invitations', async () => {
    const { invite: open } = await invite(realm);
    expect(await invites().cancel(open.id, T0 + 1)).toBe(true);
    expect(await invites().findById(open.id)).toMatchObject({ state: 'cancelled', updatedAt: T0 + 1 });
    expect(await invites().cancel(open.id, T0 + 2)).toBe(false);
    expect(await invites().accept(open.id, (await insertUser(database.storage, realm)).id, T0 + 3)).toBe(false);

    const { invite: taken } = await invite(realm);
    expect(await invites().accept(taken.id, (await insertUser(database.storage, realm)).id, T0 + 1)).toBe(true);
    expect(await invites().cancel(taken.id, T0 + 2)).toBe(false);
    expect((await invites().findById(taken.id))?.state).toBe('accepted');
    expect(await invites().cancel(unique('AUTHINVITE-'), T0)).toBe(false);
  });

  it('renew gives a pending invitation a new token hash and expiry', async () => {
    const { invite: open, tokenHash } = await invite(realm);
    const renewed = sha256(randomToken());
    await invites().renew(open.id, renewed, T0 + 30 * DAY, T0 + 5);
    expect(await invites().findByTokenHash(tokenHash)).toBeUndefined();
    expect(await invites().findByTokenHash(renewed)).toEqual({ ...open, expiresAt: T0 + 30 * DAY, updatedAt: T0 + 5 });

    const { invite: cancelled, tokenHash: cancelledHash } = await invite(realm);
    await invites().cancel(cancelled.id, T0 + 1);
    await invites().renew(cancelled.id, sha256(randomToken()), T0 + 30 * DAY, T0 + 5);
    expect(await invites().findByTokenHash(cancelledHash)).toMatchObject({
      id: cancelled.id,
      expiresAt: open.expiresAt,
    });
  });

  it('update changes only the given fields', async () => {
    const { invite: open } = await invite(realm, { firstname: 'Old', lastname: 'Name', roleIds: ['ROLE-A'] });
    await invites().update(open.id, { firstname: 'New', roleIds: ['ROLE-B', 'ROLE-C'], groupIds: ['GROUP-X'] }, T0 + 9);
    expect(await invites().findById(open.id)).toEqual({
      ...open,
      firstname: 'New',
      roleIds: ['ROLE-B', 'ROLE-C'],
      groupIds: ['GROUP-X'],
      updatedAt: T0 + 9,
    });
    await invites().update(open.id, { allowPasswordLogin: false }, T0 + 10);
    expect(await invites().findById(open.id)).toMatchObject({ allowPasswordLogin: false, lastname: 'Name' });
  });
});
