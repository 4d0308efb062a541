import { sql } from 'kysely';

/**
 * A case-insensitive substring filter for `q` parameters: `lower(column) LIKE %q%` with LIKE's wildcards in `q`
 * escaped. ESCAPE is explicit, as PostgreSQL escapes with a backslash by default and SQLite has no default escape.
 */
export function containsIgnoringCase(q: string) {
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return (column: string) => sql<boolean>`lower(${sql.ref(column)}) LIKE ${pattern} ESCAPE '\\'`;
}
