import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { listMigrations, migrate } from '../../src/storage/migrate.js';
import { dropSchema, freshSchemaName, postgresUrl, testBackend } from '../support/backend.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

/** table → column → whether the column accepts NULL. */
type Shape = Record<string, Record<string, boolean>>;

async function sqliteShape(database: TestDatabase): Promise<Shape> {
  const tables = await sql<{ name: string }>`
    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
  `.execute(database.handle.db);
  const shape: Shape = {};
  for (const { name } of tables.rows) {
    const columns = await sql<{ name: string; notnull: number; pk: number }>`
      SELECT name, "notnull", pk FROM pragma_table_info(${name})
    `.execute(database.handle.db);
    // SQLite lets a non-INTEGER primary key hold NULL unless NOT NULL is spelled out; PostgreSQL never does.
    shape[name] = Object.fromEntries(
      columns.rows.map((column) => [column.name, column.notnull === 0 && column.pk === 0]),
    );
  }
  return shape;
}

async function postgresShape(database: TestDatabase): Promise<Shape> {
  const columns = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
    SELECT c.table_name, c.column_name, c.is_nullable
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = ${database.schema} AND t.table_type = 'BASE TABLE'
  `.execute(database.handle.db);
  const shape: Shape = {};
  for (const column of columns.rows) {
    shape[column.table_name] ??= {};
    (shape[column.table_name] as Record<string, boolean>)[column.column_name] = column.is_nullable === 'YES';
  }
  return shape;
}

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('are numbered alike for both dialects', () => {
    const sqlite = listMigrations('sqlite').map((migration) => migration.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(listMigrations('postgres').map((migration) => migration.name)).toEqual(sqlite);
    expect(sqlite.map((name) => Number(name.slice(0, 3)))).toEqual(sqlite.map((_, index) => index + 1));
  });

  it('apply nothing the second time and record each migration once', async () => {
    expect(await migrate(database.handle)).toEqual([]);
    expect(await migrate(database.handle)).toEqual([]);
    const recorded = await sql<{ version: number; name: string }>`
      SELECT version, name FROM gatehouse_migrations ORDER BY version
    `.execute(database.handle.db);
    expect(recorded.rows.map((row) => ({ version: Number(row.version), name: row.name }))).toEqual(
      listMigrations(database.handle.dialect).map(({ version, name }) => ({ version, name })),
    );
    // The database is usable after the second run.
    await expect(database.storage.ping()).resolves.toBeUndefined();
    expect(await database.storage.organizations.any()).toBe(false);
  });

  if (testBackend() === 'postgres') {
    it('take turns on PostgreSQL when several nodes migrate one schema at once', async () => {
      const schema = freshSchemaName();
      const handles = Array.from({ length: 3 }, () => openDatabase({ url: postgresUrl(), schema, poolSize: 2 }));
      try {
        const results = await Promise.all(handles.map((handle) => migrate(handle)));
        const names = listMigrations('postgres').map((migration) => migration.name);
        expect(results.filter((applied) => applied.length > 0)).toEqual([names]);
        expect(results.filter((applied) => applied.length === 0)).toHaveLength(2);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
        await dropSchema(schema);
      }
    });

    it('leave SQLite and PostgreSQL with the same tables, columns and nullability', async () => {
      const sqlite = await openTestDatabase('sqlite');
      try {
        const [sqliteTables, postgresTables] = [await sqliteShape(sqlite), await postgresShape(database)];
        expect(Object.keys(sqliteTables)).toContain('users');
        expect(Object.keys(postgresTables).sort()).toEqual(Object.keys(sqliteTables).sort());
        for (const [table, columns] of Object.entries(sqliteTables)) {
          expect({ table, columns: Object.keys(postgresTables[table] ?? {}).sort() }).toEqual({
            table,
            columns: Object.keys(columns).sort(),
          });
          expect({ table, nullable: postgresTables[table] }).toEqual({ table, nullable: columns });
        }
      } finally {
        await sqlite.close();
      }
    });
  }
});
