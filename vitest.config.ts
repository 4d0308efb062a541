import { connect } from 'node:net';
import { defineConfig } from 'vitest/config';

/** Whether something answers on a TCP port (PostgreSQL for the postgres project). */
function reachable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: 1000 });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Three projects: `unit` (no database), and the database tests (`*.db.test.ts`) once on `sqlite` and once on
 * `postgres`. Without a PostgreSQL on 127.0.0.1:5432 the postgres project is left out with a warning, unless
 * GATEHOUSE_REQUIRE_PG=1 (CI), where it runs and fails.
 */
export default defineConfig(async () => {
  const requirePostgres = process.env.GATEHOUSE_REQUIRE_PG === '1';
  const postgres = requirePostgres || (await reachable(5432));
  if (!postgres) {
    process.stderr.write(
      '\n!! PostgreSQL is not reachable on 127.0.0.1:5432: the postgres test project is SKIPPED.\n\n',
    );
  }
  const shared = { testTimeout: 30_000, hookTimeout: 60_000, allowOnly: false };
  const database = (name: 'sqlite' | 'postgres') => ({
    test: {
      ...shared,
      name,
      include: ['packages/*/test/**/*.db.test.ts'],
      env: { GATEHOUSE_TEST_DB: name },
    },
  });
  return {
    test: {
      // The server serves the console's build: build it once before any project starts a server.
      globalSetup: ['packages/console/test/build-console.ts'],
      projects: [
        {
          test: {
            ...shared,
            name: 'unit',
            include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
            exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          },
        },
        database('sqlite'),
        ...(postgres ? [database('postgres')] : []),
      ],
    },
  };
});
