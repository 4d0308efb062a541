import { z } from 'zod';
import { displayName, pageWToken } from './common.js';

/**
 * `POST /groups` and `POST /groups/{groupId}` (spec §6.3, `Group`): the name is required and may not hold control
 * characters, NBSP or `* / < > \ |`; the description holds at most 500 characters.
 */
export const GroupRequest = z.object({
  name: displayName(255),
  description: z.string().max(500).optional(),
});
export type GroupRequest = z.infer<typeof GroupRequest>;

/** HERE's `Group`: `GROUP-<uuid>` id, `hrn:<partition>:authorization::<realm>:group/<id>`. */
export const Group = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  realm: z.string(),
  description: z.string().optional(),
});
export type Group = z.infer<typeof Group>;

/** `GroupPageWToken`. */
export const GroupList = pageWToken(Group);
