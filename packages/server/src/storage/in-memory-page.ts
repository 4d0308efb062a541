import { decodePageToken, encodePageToken } from './pagination.js';

/**
 * One page of a list that is read whole (lists bounded by a limit: policies, filters, an identity's permissions).
 * The page token is the opaque offset of the next item.
 */
export function pageOf<T>(items: readonly T[], limit: number, pageToken: string | undefined) {
  const start = pageToken === undefined ? 0 : Number(decodePageToken(pageToken, ['number'])[0]);
  const page = items.slice(start, start + limit);
  const next = start + page.length;
  return {
    items: page,
    total: items.length,
    ...(next < items.length && page.length > 0 ? { pageToken: encodePageToken([next]) } : {}),
  };
}
