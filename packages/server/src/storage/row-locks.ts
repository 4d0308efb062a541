import { type Kysely, sql } from 'kysely';
import type { Dialect } from './database.js';
import type { Database } from './tables.js';

/**
 * Serializes check-then-write sequences (limits such as "2 API keys per app") on one row, inside a transaction.
 * PostgreSQL takes a row lock (`FOR UPDATE`); SQLite needs nothing, as its single connection runs one
 * transaction at a time.
 */
export async function lockIdentityRow(db: Kysely<Database>, dialect: Dialect, identityId: string): Promise<void> {
  if (dialect === 'postgres') await sql`SELECT id FROM identities WHERE id = ${identityId} FOR UPDATE`.execute(db);
}
