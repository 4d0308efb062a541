import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors/storage-errors.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { insertOrganization, T0, unique } from './helpers.js';

describe('OrganizationRepository', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('reports whether any organization exists', async () => {
    const fresh = await openTestDatabase();
    try {
      expect(await fresh.storage.organizations.any()).toBe(false);
      await insertOrganization(fresh.storage);
      expect(await fresh.storage.organizations.any()).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('finds an organization by id in any letter case and keeps the id as typed', async () => {
    const id = unique('Acme-Corp-');
    await database.storage.organizations.insert({ id, name: 'Acme', createdAt: T0, updatedAt: T0 + 1 });
    const expected = { id, name: 'Acme', createdAt: T0, updatedAt: T0 + 1 };
    expect(await database.storage.organizations.findById(id)).toEqual(expected);
    expect(await database.storage.organizations.findById(id.toUpperCase())).toEqual(expected);
    expect(await database.storage.organizations.findById(id.toLowerCase())).toEqual(expected);
    expect(await database.storage.organizations.findById(`${id}x`)).toBeUndefined();
  });

  it('throws ConflictError for an id that is taken, in any letter case', async () => {
    const organization = await insertOrganization(database.storage, unique('Taken-'));
    const again = { ...organization, name: 'Another' };
    await expect(database.storage.organizations.insert(again)).rejects.toBeInstanceOf(ConflictError);
    await expect(
      database.storage.organizations.insert({ ...again, id: organization.id.toUpperCase() }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      database.storage.organizations.insert({ ...again, id: organization.id.toLowerCase() }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await database.storage.organizations.findById(organization.id))?.name).toBe(organization.name);
  });
});
