import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle, Dialect } from './database.js';

const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** Arbitrary constant naming the PostgreSQL advisory lock that serializes migrations of several starting nodes. */
const MIGRATION_LOCK_ID = 4_711_2002;

export interface Migration {
  version: number;
  name: string;
  script: string;
}

/** The numbered SQL files of a dialect, in order (`migrations/<dialect>/NNN_name.sql`). */
export function listMigrations(dialect: Dialect): Migration[] {
  const directory = fileURLToPath(new URL(`../../migrations/${dialect}/`, import.meta.url));
  return readdirSync(directory)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: `${match[1]}_${match[2]}`,
      script: readFileSync(`${directory}${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies the migrations not applied yet, each in its own transaction together with its bookkeeping row, and returns
 * the names applied. On PostgreSQL an advisory lock makes nodes that start together take turns; the lock is held on
 * one pooled connection while the scripts run on others, so the pool needs at least two connections.
 */
export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  const run = async () => {
    await handle.executeScript(
      'CREATE TABLE IF NOT EXISTS gatehouse_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const rows = await sql<{ version: number }>`SELECT version FROM gatehouse_migrations`.execute(handle.db);
    const applied = new Set(rows.rows.map((row) => Number(row.version)));
    const names: string[] = [];
    for (const migration of listMigrations(handle.dialect)) {
      if (applied.has(migration.version)) continue;
      const record = `INSERT INTO gatehouse_migrations (version, name, applied_at) VALUES (${migration.version}, '${migration.name}', ${Date.now()});`;
      try {
        await handle.executeScript(`${migration.script}\n${record}`);
      } catch (error) {
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      names.push(migration.name);
    }
    return names;
  };

  if (handle.dialect === 'sqlite') return run();
  return handle.db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(connection);
    try {
      return await run();
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(connection);
    }
  });
}
