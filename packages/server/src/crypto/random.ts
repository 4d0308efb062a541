import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';

/** A random token of `bytes` bytes in base64url (32 bytes = 256 bits = 43 characters). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased random string over [A-Za-z0-9], e.g. HERE's 20-character app ids. */
export function randomAlphanumeric(length: number): string {
  let result = '';
  for (let index = 0; index < length; index++) result += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return result;
}

export function prefixedUuid(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** SHA-256 in base64url: the lookup key of high-entropy secrets (API keys, links, refresh tokens). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
