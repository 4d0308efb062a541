import { randomBytes } from 'node:crypto';
import type { Organization } from '../../src/organizations/organization-repository.js';
import type { Storage } from '../../src/storage/storage.js';
import type { User } from '../../src/users/user-repository.js';

/** A short random suffix, so that tests of one file never share rows. */
export const unique = (prefix = '') => `${prefix}${randomBytes(5).toString('hex')}`;

export const T0 = 1_700_000_000_000;

export async function insertOrganization(storage: Storage, id = unique('org-')): Promise<Organization> {
  const organization: Organization = { id, name: `Organization ${id}`, createdAt: T0, updatedAt: T0 };
  await storage.organizations.insert(organization);
  return organization;
}

export function buildUser(realm: string, overrides: Partial<User> = {}): User {
  return {
    id: unique('HERE-'),
    realm,
    email: `${unique('user-')}@example.com`,
    firstname: 'Jane',
    lastname: 'Doe',
    marketingEnabled: false,
    emailVerified: false,
    state: 'enabled',
    passwordHash: '$argon2id$not-a-real-hash',
    passwordChangedAt: T0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** Inserts a user the documented way: inside a transaction (identity row and user row together). */
export async function insertUser(storage: Storage, realm: string, overrides: Partial<User> = {}): Promise<User> {
  const user = buildUser(realm, overrides);
  await storage.transaction((repositories) => repositories.users.insert(user));
  return user;
}

/** Runs `count` calls of `call` at once and waits for all of them. */
export function concurrently<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => call(index)));
}
