import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { AppError } from '../errors/app-error.js';

/**
 * Opaque page tokens for keyset pagination: the sort key of the last row returned, base64url-encoded. Clients must
 * not build them; a malformed one is HERE's 400203.
 */
export function encodePageToken(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodePageToken(token: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === shape.length &&
      values.every((value, index) => typeof value === shape[index])
    ) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('request.invalid_page_token');
}

export interface Page<T> {
  items: T[];
  total: number;
  /** Present when there are more items after these. */
  nextPageToken?: string;
}

/**
 * One page of a table's rows in creation order (`created_at`, then `id`), with the total that `filtered` matches:
 * the keyset pagination of listings whose page token is the last row's `[createdAt, id]`. `filtered` selects from
 * one table, with its filters and no selection.
 */
export async function pageInCreationOrder<DB, TB extends keyof DB, T extends { createdAt: number; id: string }>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  { pageToken, limit }: { pageToken?: string | undefined; limit: number },
  toItem: (row: Selectable<DB[TB]>) => T,
): Promise<Page<T>> {
  // Kysely cannot name the selections of a generic table: the two casts below state what the SQL returns.
  const total = (await filtered.select(sql<number | string>`count(*)`.as('count')).executeTakeFirstOrThrow()) as {
    count: number | string;
  };
  let page = filtered
    .selectAll()
    .orderBy(sql.ref('created_at'))
    .orderBy(sql.ref('id'))
    .limit(limit + 1);
  if (pageToken !== undefined) {
    const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
    page = page.where(sql<boolean>`(created_at > ${createdAt} or (created_at = ${createdAt} and id > ${id}))`);
  }
  const rows = await page.execute();
  const items = rows.slice(0, limit).map((row) => toItem(row as unknown as Selectable<DB[TB]>));
  const last = items.at(-1);
  return {
    items,
    total: Number(total.count),
    ...(rows.length > limit && last ? { nextPageToken: encodePageToken([last.createdAt, last.id]) } : {}),
  };
}
