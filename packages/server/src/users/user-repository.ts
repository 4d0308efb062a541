import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { rethrowConflict } from '../errors/storage-errors.js';
import type { Database, UserRow } from '../storage/tables.js';

export interface User {
  id: string;
  realm: string;
  email: string;
  firstname: string;
  lastname: string;
  dob?: string;
  countryCode?: string;
  language?: string;
  phoneNumber?: string;
  marketingEnabled: boolean;
  emailVerified: boolean;
  state: 'enabled' | 'disabled';
  /** Who deactivated the account: a user who deactivated themselves reactivates by signing in. */
  deactivatedBy?: 'self' | 'admin';
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
  updatedAt: number;
}

export type ProfileChanges = Partial<
  Pick<User, 'firstname' | 'lastname' | 'marketingEnabled'> & {
    dob: string | null;
    countryCode: string | null;
    language: string | null;
    phoneNumber: string | null;
  }
>;

export interface UserRepository {
  findById(id: string): Promise<User | undefined>;
  /** Every account of an email address, in any organization (case-insensitive), oldest first. */
  findByEmail(email: string): Promise<User[]>;
  findByRealmAndEmail(realm: string, email: string): Promise<User | undefined>;
  /**
   * Inserts the user and its identity row; call it inside a transaction.
   * @throws ConflictError when the organization already has an account with this email.
   */
  insert(user: User): Promise<void>;
  updateProfile(id: string, changes: ProfileChanges, now: number): Promise<void>;
  setPassword(id: string, passwordHash: string, now: number): Promise<void>;
  setState(id: string, state: User['state'], deactivatedBy: User['deactivatedBy'], now: number): Promise<void>;
  markEmailVerified(id: string, now: number): Promise<void>;
  /** Deletes the user's identity; sessions, links, roles and memberships go with it (foreign keys cascade). */
  delete(id: string): Promise<void>;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function createUserRepository(db: Kysely<Database>, changed: AuthzChange): UserRepository {
  return {
    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async findByEmail(email) {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('email_normalized', '=', normalizeEmail(email))
        .orderBy('created_at')
        .execute();
      return rows.map(toUser);
    },
    async findByRealmAndEmail(realm, email) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('email_normalized', '=', normalizeEmail(email))
        .executeTakeFirst();
      return row && toUser(row);
    },
    async insert(user) {
      await rethrowConflict(async () => {
        await db
          .insertInto('identities')
          .values({ id: user.id, realm_id: user.realm, kind: 'user', created_at: user.createdAt })
          .execute();
        await db.insertInto('users').values(toRow(user)).execute();
      });
    },
    async updateProfile(id, changes, now) {
      await db
        .updateTable('users')
        .set({
          ...(changes.firstname !== undefined ? { firstname: changes.firstname } : {}),
          ...(changes.lastname !== undefined ? { lastname: changes.lastname } : {}),
          ...(changes.dob !== undefined ? { dob: changes.dob } : {}),
          ...(changes.countryCode !== undefined ? { country_code: changes.countryCode } : {}),
          ...(changes.language !== undefined ? { language: changes.language } : {}),
          ...(changes.phoneNumber !== undefined ? { phone_number: changes.phoneNumber } : {}),
          ...(changes.marketingEnabled !== undefined ? { marketing_enabled: flag(changes.marketingEnabled) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },
    async setPassword(id, passwordHash, now) {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
    },
    async setState(id, state, deactivatedBy, now) {
      const row = await db
        .updateTable('users')
        .set({ state, deactivated_by: deactivatedBy ?? null, updated_at: now })
        .where('id', '=', id)
        .returning('realm_id')
        .executeTakeFirst();
      // The user's tokens stop (or start again) working: cached principals of the organization are stale.
      if (row) changed(row.realm_id);
    },
    async markEmailVerified(id, now) {
      await db.updateTable('users').set({ email_verified: 1, updated_at: now }).where('id', '=', id).execute();
    },
    async delete(id) {
      const row = await db.selectFrom('users').select('realm_id').where('id', '=', id).executeTakeFirst();
      await db.deleteFrom('identities').where('id', '=', id).where('kind', '=', 'user').execute();
      if (row) changed(row.realm_id);
    },
  };
}

const flag = (value: boolean) => (value ? 1 : 0) as 0 | 1;

function toRow(user: User): UserRow {
  return {
    id: user.id,
    realm_id: user.realm,
    email: user.email,
    email_normalized: normalizeEmail(user.email),
    password_hash: user.passwordHash,
    firstname: user.firstname,
    lastname: user.lastname,
    dob: user.dob ?? null,
    country_code: user.countryCode ?? null,
    language: user.language ?? null,
    phone_number: user.phoneNumber ?? null,
    marketing_enabled: flag(user.marketingEnabled),
    email_verified: flag(user.emailVerified),
    state: user.state,
    deactivated_by: user.deactivatedBy ?? null,
    password_changed_at: user.passwordChangedAt,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    realm: row.realm_id,
    email: row.email,
    firstname: row.firstname,
    lastname: row.lastname,
    ...(row.dob !== null ? { dob: row.dob } : {}),
    ...(row.country_code !== null ? { countryCode: row.country_code } : {}),
    ...(row.language !== null ? { language: row.language } : {}),
    ...(row.phone_number !== null ? { phoneNumber: row.phone_number } : {}),
    marketingEnabled: row.marketing_enabled === 1,
    emailVerified: row.email_verified === 1,
    state: row.state,
    ...(row.deactivated_by !== null ? { deactivatedBy: row.deactivated_by } : {}),
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
