/**
 * Neutral errors of the storage layer; services turn them into {@link AppError}s. Repositories translate driver
 * errors so that services never see SQLite or PostgreSQL codes.
 */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** A unique or primary-key constraint failed (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `write` and turns a unique-constraint failure into a {@link ConflictError}. */
export async function rethrowConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError((error as Error).message, { cause: error });
    throw error;
  }
}
