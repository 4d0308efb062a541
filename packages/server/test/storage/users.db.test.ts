import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import { ConflictError } from '../../src/errors/storage-errors.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { buildUser, insertOrganization, insertUser, T0, unique } from './helpers.js';

describe('UserRepository', () => {
  let database: TestDatabase;
  let realm: string;
  let otherRealm: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    realm = (await insertOrganization(database.storage)).id;
    otherRealm = (await insertOrganization(database.storage)).id;
  });
  afterAll(() => database.close());

  const users = () => database.storage.users;

  it('stores a user and reads it back, optional fields absent when unset', async () => {
    const user = await insertUser(database.storage, realm, { email: `${unique('Mixed.Case-')}@Example.COM` });
    const found = await users().findById(user.id);
    expect(found).toEqual(user);
    expect(found).not.toHaveProperty('dob');
    expect(found).not.toHaveProperty('deactivatedBy');
    expect(await users().findById(unique('HERE-'))).toBeUndefined();

    const full = await insertUser(database.storage, realm, {
      dob: '1990-01-31',
      countryCode: 'DEU',
      language: 'de',
      phoneNumber: '+4930123456',
      marketingEnabled: true,
      emailVerified: true,
      state: 'disabled',
      deactivatedBy: 'admin',
    });
    expect(await users().findById(full.id)).toEqual(full);
  });

  it('throws ConflictError for the same email in one organization, in any letter case, and keeps nothing', async () => {
    const email = `${unique('dup-')}@example.com`;
    await insertUser(database.storage, realm, { email });
    const duplicate = buildUser(realm, { email: `  ${email.toUpperCase()} ` });
    await expect(
      database.storage.transaction((repositories) => repositories.users.insert(duplicate)),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await users().findById(duplicate.id)).toBeUndefined();
    const identity = await database.handle.db
      .selectFrom('identities')
      .select('id')
      .where('id', '=', duplicate.id)
      .executeTakeFirst();
    expect(identity).toBeUndefined();
  });

  it('throws ConflictError for a user id that is taken', async () => {
    const user = await insertUser(database.storage, realm);
    const sameId = buildUser(otherRealm, { id: user.id });
    await expect(
      database.storage.transaction((repositories) => repositories.users.insert(sameId)),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('allows the same email in two organizations and finds both, oldest first, case-insensitively', async () => {
    const email = `${unique('twice-')}@example.com`;
    const newer = await insertUser(database.storage, realm, { email, createdAt: T0 + 50 });
    const older = await insertUser(database.storage, otherRealm, { email: email.toUpperCase(), createdAt: T0 + 10 });

    const found = await users().findByEmail(` ${email.toUpperCase()}`);
    expect(found.map((user) => user.id)).toEqual([older.id, newer.id]);
    expect(found[0]?.email).toBe(email.toUpperCase());
    expect(await users().findByEmail(`x${email}`)).toEqual([]);

    expect((await users().findByRealmAndEmail(realm, email.toUpperCase()))?.id).toBe(newer.id);
    expect((await users().findByRealmAndEmail(otherRealm, email))?.id).toBe(older.id);
    const thirdRealm = (await insertOrganization(database.storage)).id;
    expect(await users().findByRealmAndEmail(thirdRealm, email)).toBeUndefined();
  });

  it('updateProfile changes given fields, clears fields given as null and leaves undefined ones', async () => {
    const user = await insertUser(database.storage, realm, {
      dob: '1990-01-31',
      countryCode: 'DEU',
      language: 'de',
      phoneNumber: '+4930123456',
    });
    await users().updateProfile(user.id, { firstname: 'Janet', dob: null, phoneNumber: null }, T0 + 100);
    const once = await users().findById(user.id);
    expect(once).toEqual({
      ...user,
      firstname: 'Janet',
      dob: undefined,
      phoneNumber: undefined,
      updatedAt: T0 + 100,
    });
    expect(once).not.toHaveProperty('dob');
    expect(once).not.toHaveProperty('phoneNumber');

    await users().updateProfile(
      user.id,
      { lastname: 'Roe', marketingEnabled: true, language: 'fr', countryCode: undefined },
      T0 + 200,
    );
    expect(await users().findById(user.id)).toEqual({
      ...user,
      firstname: 'Janet',
      lastname: 'Roe',
      dob: undefined,
      phoneNumber: undefined,
      countryCode: 'DEU',
      language: 'fr',
      marketingEnabled: true,
      updatedAt: T0 + 200,
    });
  });

  it('setState records who deactivated the account and clears it on activation', async () => {
    const user = await insertUser(database.storage, realm);
    await users().setState(user.id, 'disabled', 'self', T0 + 10);
    expect(await users().findById(user.id)).toMatchObject({
      state: 'disabled',
      deactivatedBy: 'self',
      updatedAt: T0 + 10,
    });
    await users().setState(user.id, 'disabled', 'admin', T0 + 20);
    expect(await users().findById(user.id)).toMatchObject({ state: 'disabled', deactivatedBy: 'admin' });
    await users().setState(user.id, 'enabled', undefined, T0 + 30);
    const enabled = await users().findById(user.id);
    expect(enabled).toMatchObject({ state: 'enabled', updatedAt: T0 + 30 });
    expect(enabled).not.toHaveProperty('deactivatedBy');
  });

  it('setPassword and markEmailVerified update only their fields', async () => {
    const user = await insertUser(database.storage, realm);
    await users().setPassword(user.id, '$argon2id$new', T0 + 5);
    await users().markEmailVerified(user.id, T0 + 6);
    expect(await users().findById(user.id)).toEqual({
      ...user,
      passwordHash: '$argon2id$new',
      passwordChangedAt: T0 + 5,
      emailVerified: true,
      updatedAt: T0 + 6,
    });
  });

  it('delete removes the user with its sessions, refresh tokens, one-time tokens and role assignments', async () => {
    const { storage, handle } = database;
    const user = await insertUser(storage, realm);
    const bystander = await insertUser(storage, realm);
    const role = await storage.roles.ensure(realm, 'OrgAdmin', `hrn:here:account::${realm}:realm/${realm}`, T0);
    const refreshToken = sha256(randomToken());
    const link = sha256(randomToken());
    const bystanderLink = sha256(randomToken());
    const sessionId = unique('session-');
    await storage.sessions.create({ id: sessionId, userId: user.id, createdAt: T0, expiresAt: T0 + 1e9 }, refreshToken);
    await storage.sessions.addRefreshToken(sessionId, sha256(randomToken()), T0 + 1);
    await storage.oneTimeTokens.insert({
      tokenHash: link,
      purpose: 'password_reset',
      userId: user.id,
      createdAt: T0,
      expiresAt: T0 + 1e9,
    });
    await storage.oneTimeTokens.insert({
      tokenHash: bystanderLink,
      purpose: 'password_reset',
      userId: bystander.id,
      createdAt: T0,
      expiresAt: T0 + 1e9,
    });
    expect(await storage.roles.assign(role.id, user.id, T0)).toBe(true);
    expect(await storage.roles.assign(role.id, bystander.id, T0)).toBe(true);

    await users().delete(user.id);

    expect(await users().findById(user.id)).toBeUndefined();
    expect(await storage.sessions.findById(sessionId)).toBeUndefined();
    expect(await storage.sessions.consumeRefreshToken(refreshToken, T0 + 2)).toEqual({ outcome: 'unknown' });
    const tokens = await handle.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('session_id', '=', sessionId)
      .execute();
    expect(tokens).toEqual([]);
    const links = await handle.db
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(links).toEqual([]);
    expect(await storage.oneTimeTokens.peek(link, 'password_reset', T0 + 2)).toBeUndefined();
    expect(await storage.roles.rolesOf(user.id)).toEqual([]);
    const assignments = await handle.db
      .selectFrom('role_assignments')
      .select('identity_id')
      .where('role_id', '=', role.id)
      .execute();
    expect(assignments).toEqual([{ identity_id: bystander.id }]);
    const identity = await handle.db.selectFrom('identities').select('id').where('id', '=', user.id).executeTakeFirst();
    expect(identity).toBeUndefined();

    // Nothing of the other user went with it.
    expect(await users().findById(bystander.id)).toEqual(bystander);
    expect(await storage.oneTimeTokens.peek(bystanderLink, 'password_reset', T0 + 2)).toBeDefined();
    expect(await storage.roles.countEnabledUsers(role.id)).toBe(1);
  });
});
