import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Backend } from './backend.js';
import { postgresUrl } from './backend.js';
import type { TestServer } from './test-server.js';

/**
 * Runs SQL against a running test server's own database (its SQLite file, or its PostgreSQL schema), bypassing the
 * repositories: for bulk rows that bring a limit or a large organization within reach of a test quickly. `script`
 * gets the backend, as bulk generation differs per dialect. Writes made this way do not bump authorization versions.
 */
export async function runSql(server: TestServer, script: (backend: Backend) => string): Promise<void> {
  const url = server.gatehouse.config.databaseUrl;
  if (server.backend === 'sqlite') {
    const sqlite = new SqliteDatabase(url.slice('sqlite:'.length), { fileMustExist: true, timeout: 10_000 });
    try {
      sqlite.exec(script('sqlite'));
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${server.databaseSchema}`);
    await client.query(script('postgres'));
  } finally {
    await client.end();
  }
}

/** `count` rows numbered 1..count in either dialect: `FROM (<series>) AS n(i)`-style source of `i`. */
export function series(backend: Backend, count: number): string {
  return backend === 'sqlite'
    ? `(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count}) SELECT i FROM n)`
    : `(SELECT generate_series(1, ${count}) AS i)`;
}

/** A zero-padded decimal, e.g. for `HERE-…-000000000042` ids, in either dialect. */
export function padded(backend: Backend, expression: string, width: number): string {
  return backend === 'sqlite'
    ? `printf('%0${width}d', ${expression})`
    : `lpad(CAST(${expression} AS TEXT), ${width}, '0')`;
}
