import { z } from 'zod';

/**
 * HERE forbids these characters in names (spec §1.7, 400203): control characters, NBSP and `* / < > \ |`.
 */
const ILLEGAL_NAME_CHARACTERS = /[\u0000-\u001f\u007f\u00a0*/<>\\|]/;

/** A human name or label: trimmed, non-empty, without the characters HERE rejects. */
export function displayName(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((value) => !ILLEGAL_NAME_CHARACTERS.test(value), { params: { fieldError: 'invalid' } });
}

/** Email addresses are compared case-insensitively; they are stored as typed. */
export const Email = z.email().max(254);

/**
 * An organization id (HERE "realm"): 3 to 64 letters, digits and hyphens, starting and ending with a letter or digit.
 * HERE's own examples: `myrealm`, `olp-here`, `org123456789`, `HERE`.
 */
export const RealmId = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{1,62})[A-Za-z0-9]$/);

export const UserId = z.string().regex(/^HERE-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** Milliseconds since the epoch, as HERE's v1.1 APIs use for `createdTime`. */
export const EpochMillis = z.number().int();

/** Opaque cursor for the next page; present only when there is one. */
export const PageToken = z.string().regex(/^[A-Za-z0-9_-]{1,512}$/);

/** Query parameters of paged lists: `count` (older APIs) or `limit` (newer), default 100, at most 100. */
export const PageQuery = z.object({
  pageToken: PageToken.optional(),
  count: z.coerce.number().int().min(0).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** `{total, pageToken, count, data}`: the older Authorization API shape (spec §6, `PageWToken`). */
export function pageWToken<T extends z.ZodType>(item: T) {
  return z.object({
    total: z.number().int(),
    pageToken: z.string().optional(),
    count: z.number().int(),
    data: z.array(item),
  });
}

/** `{limit, pageToken, total, items}`: the newer API shape (spec §6, `PageWithToken`). */
export function pageWithToken<T extends z.ZodType>(item: T) {
  return z.object({
    limit: z.number().int(),
    pageToken: z.string().optional(),
    total: z.number().int(),
    items: z.array(item),
  });
}

/** Empty object for routes that answer 202 or 204 without a body. */
export const NoContent = z.undefined();
