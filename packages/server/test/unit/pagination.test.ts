import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { decodePageToken, encodePageToken } from '../../src/storage/pagination.js';

function decodeError(token: string, shape: readonly ('string' | 'number')[]): unknown {
  try {
    decodePageToken(token, shape);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('page tokens', () => {
  it('decode to the values they were made from', () => {
    const values = [1_700_000_000_123, 'AUTHINVITE-84477c71-…/ü "quoted"'];
    const token = encodePageToken(values);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, ['number', 'string'])).toEqual(values);
    expect(decodePageToken(encodePageToken([]), [])).toEqual([]);
    expect(decodePageToken(encodePageToken(['a', 'b', 3]), ['string', 'string', 'number'])).toEqual(['a', 'b', 3]);
  });

  it('reject malformed tokens with request.invalid_page_token (400203)', () => {
    const cases: Array<[string, readonly ('string' | 'number')[]]> = [
      ['', ['number', 'string']],
      ['!!!', ['number', 'string']],
      ['not a token', ['number', 'string']],
      [Buffer.from('{"a":1}').toString('base64url'), ['number', 'string']],
      [Buffer.from('[1,"x"').toString('base64url'), ['number', 'string']],
      [encodePageToken([1]), ['number', 'string']],
      [encodePageToken([1, 'x', 2]), ['number', 'string']],
      [encodePageToken(['1', 'x']), ['number', 'string']],
      [encodePageToken([1, 2]), ['number', 'string']],
      [Buffer.from('[null,"x"]').toString('base64url'), ['number', 'string']],
      [Buffer.from('"x"').toString('base64url'), ['string']],
    ];
    for (const [token, shape] of cases) {
      const error = decodeError(token, shape);
      expect(error, token).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('request.invalid_page_token');
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).definition.errorCode).toBe(400203);
    }
  });
});
