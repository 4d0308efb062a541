import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuthzVersions } from '../../src/authz/authz-versions.js';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { createStorage, type Storage } from '../../src/storage/storage.js';
import { type Backend, dropSchema, freshSchemaName, postgresUrl, testBackend } from './backend.js';

export interface TestDatabase {
  readonly backend: Backend;
  readonly handle: DatabaseHandle;
  readonly storage: Storage;
  /** The PostgreSQL schema of this database; undefined on SQLite. */
  readonly schema: string | undefined;
  /** Closes the database and removes it (the SQLite directory or the PostgreSQL schema). */
  close(): Promise<void>;
}

/**
 * Opens a fresh, migrated database on `backend` (default: the backend of the current vitest project): a SQLite file
 * in a new temporary directory, or a new schema in the local PostgreSQL.
 */
export async function openTestDatabase(backend: Backend = testBackend()): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const schema = freshSchemaName();
    const handle = openDatabase({ url: postgresUrl(), schema });
    try {
      await migrate(handle);
    } catch (error) {
      await handle.close();
      await dropSchema(schema);
      throw error;
    }
    return {
      backend,
      handle,
      storage: createStorage(handle, new AuthzVersions()),
      schema,
      async close() {
        await handle.close();
        await dropSchema(schema);
      },
    };
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'gatehouse-db-test-'));
  const handle = openDatabase({ url: `sqlite:${path.join(directory, 'gatehouse.db')}` });
  try {
    await migrate(handle);
  } catch (error) {
    await handle.close();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    backend,
    handle,
    storage: createStorage(handle, new AuthzVersions()),
    schema: undefined,
    async close() {
      await handle.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
