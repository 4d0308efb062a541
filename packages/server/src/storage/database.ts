import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus what differs per dialect. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Runs a script of several statements in one transaction, outside Kysely (migrations). */
  executeScript(script: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`, `sqlite:<path>` or `sqlite::memory:`. */
  url: string;
  /** PostgreSQL only: schema to use (created if missing), so test runs and tenants can share one database. */
  schema?: string;
  poolSize?: number;
}

export function openDatabase({ url, schema, poolSize = 10 }: OpenDatabaseOptions): DatabaseHandle {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  return openPostgres(url, schema, poolSize);
}

/**
 * SQLite in WAL mode with a busy timeout, one connection: better-sqlite3 is synchronous and Kysely serializes the
 * queries of its single connection, so there is exactly one writer.
 */
function openSqlite(file: string): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    async executeScript(script) {
      sqlite.transaction(() => sqlite.exec(script))();
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Distinct SQL texts kept prepared; Kysely emits `?` placeholders, so the queries of the code are far fewer. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, which costs more than running it for the small lookups of the
 * hot paths (the token endpoint). Prepared statements are reused per SQL text instead: better-sqlite3 runs them
 * synchronously and Kysely's single connection serializes queries, so a statement is never used twice at once.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

const BIGINT_OID = 20;

function openPostgres(url: string, schema: string | undefined, poolSize: number): DatabaseHandle {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // Times are BIGINT epoch milliseconds: well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === BIGINT_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let schemaReady: Promise<void> | undefined;
  const ensureSchema = () => {
    schemaReady ??= schema
      ? pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).then(() => undefined)
      : Promise.resolve();
    return schemaReady;
  };
  return {
    db,
    dialect: 'postgres',
    async executeScript(script) {
      await ensureSchema();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
