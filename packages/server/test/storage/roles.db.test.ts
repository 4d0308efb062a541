import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { concurrently, insertOrganization, insertUser, T0, unique } from './helpers.js';

describe('RoleRepository', () => {
  let database: TestDatabase;
  let realm: string;
  let realmHrn: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    realm = (await insertOrganization(database.storage)).id;
    realmHrn = `hrn:here:account::${realm}:realm/${realm}`;
  });
  afterAll(() => database.close());

  const roles = () => database.storage.roles;
  const rowsOf = (name: string) =>
    database.handle.db
      .selectFrom('roles')
      .select('id')
      .where('realm_id', '=', realm)
      .where('name', '=', name)
      .execute();

  it('ensure creates a role once and returns the same role afterwards', async () => {
    const name = unique('Role-');
    const created = await roles().ensure(realm, name, realmHrn, T0);
    expect(created).toMatchObject({ realm, name, resourceHrn: realmHrn, createdAt: T0 });
    expect(created.id).toMatch(/^ROLE-[0-9a-f-]{36}$/);

    const again = await roles().ensure(realm, name, realmHrn, T0 + 100);
    expect(again).toEqual(created);
    expect(await roles().findById(created.id)).toEqual(created);
    expect(await roles().findByName(realm, name, realmHrn)).toEqual(created);
    expect(await roles().findByName(realm, name, `${realmHrn}x`)).toBeUndefined();
    expect(await roles().findById(unique('ROLE-'))).toBeUndefined();

    const projectHrn = `hrn:here:authorization::${realm}:project/p-1`;
    const onProject = await roles().ensure(realm, name, projectHrn, T0);
    expect(onProject.id).not.toBe(created.id);
    expect(onProject.resourceHrn).toBe(projectHrn);
    expect(await rowsOf(name)).toHaveLength(2);
  });

  it('ensure is safe when 10 callers race: one role, the same for all', async () => {
    const name = unique('Racing-');
    const results = await concurrently(10, (index) => roles().ensure(realm, name, realmHrn, T0 + index));
    const ids = new Set(results.map((role) => role.id));
    expect(ids.size).toBe(1);
    expect(await rowsOf(name)).toHaveLength(1);
    expect(results.every((role) => role.name === name && role.resourceHrn === realmHrn)).toBe(true);
  });

  it('assign and unassign report whether anything changed', async () => {
    const user = await insertUser(database.storage, realm);
    const role = await roles().ensure(realm, unique('Assign-'), realmHrn, T0);
    expect(await roles().assign(role.id, user.id, T0)).toBe(true);
    expect(await roles().assign(role.id, user.id, T0 + 1)).toBe(false);
    expect(await roles().rolesOf(user.id)).toEqual([role]);
    expect(await roles().unassign(role.id, user.id)).toBe(true);
    expect(await roles().unassign(role.id, user.id)).toBe(false);
    expect(await roles().rolesOf(user.id)).toEqual([]);
    expect(await roles().assign(role.id, user.id, T0 + 2)).toBe(true);
    expect(await roles().rolesOf(user.id)).toEqual([role]);
  });

  it('assign under concurrency: exactly one caller gets true', async () => {
    const user = await insertUser(database.storage, realm);
    const role = await roles().ensure(realm, unique('AssignRace-'), realmHrn, T0);
    const results = await concurrently(10, (index) => roles().assign(role.id, user.id, T0 + index));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await roles().rolesOf(user.id)).toEqual([role]);
  });

  it('rolesOf lists the roles of an identity in order of assignment', async () => {
    const user = await insertUser(database.storage, realm);
    const first = await roles().ensure(realm, unique('C-'), realmHrn, T0);
    const second = await roles().ensure(realm, unique('A-'), realmHrn, T0 + 1);
    const third = await roles().ensure(realm, unique('B-'), realmHrn, T0 + 2);
    await roles().assign(third.id, user.id, T0 + 10);
    await roles().assign(first.id, user.id, T0 + 20);
    await roles().assign(second.id, user.id, T0 + 30);
    expect((await roles().rolesOf(user.id)).map((role) => role.id)).toEqual([third.id, first.id, second.id]);
    expect(await roles().rolesOf(unique('HERE-'))).toEqual([]);
  });

  it('countEnabledUsers counts only enabled users holding the role', async () => {
    const role = await roles().ensure(realm, unique('Count-'), realmHrn, T0);
    expect(await roles().countEnabledUsers(role.id)).toBe(0);
    const enabled = [await insertUser(database.storage, realm), await insertUser(database.storage, realm)];
    const disabled = await insertUser(database.storage, realm, { state: 'disabled', deactivatedBy: 'admin' });
    const later = await insertUser(database.storage, realm);
    for (const user of [...enabled, disabled, later]) await roles().assign(role.id, user.id, T0);
    // An identity that is not a user (an app) does not count either.
    const appId = unique('app-');
    await database.handle.db
      .insertInto('identities')
      .values({ id: appId, realm_id: realm, kind: 'app', created_at: T0 })
      .execute();
    expect(await roles().assign(role.id, appId, T0)).toBe(true);

    expect(await roles().countEnabledUsers(role.id)).toBe(3);
    await database.storage.users.setState(later.id, 'disabled', 'self', T0 + 1);
    expect(await roles().countEnabledUsers(role.id)).toBe(2);
    await database.storage.users.setState(disabled.id, 'enabled', undefined, T0 + 2);
    expect(await roles().countEnabledUsers(role.id)).toBe(3);
    await roles().unassign(role.id, disabled.id);
    expect(await roles().countEnabledUsers(role.id)).toBe(2);
  });
});
