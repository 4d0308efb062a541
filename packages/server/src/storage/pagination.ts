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
