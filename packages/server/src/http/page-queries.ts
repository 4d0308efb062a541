import { PageToken } from '@gatehouse/contracts';
import { z } from 'zod';

/** `count` and `pageToken` of HERE's PageWToken lists: at most 100 items per page, 100 by default. */
export const CountPageQuery = z.object({
  pageToken: PageToken.optional(),
  count: z.coerce.number().int().min(1).max(100).default(100),
});

/** `limit` and `pageToken` of HERE's PageWithToken lists: at most 100 items per page, 100 by default. */
export const LimitPageQuery = z.object({
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
