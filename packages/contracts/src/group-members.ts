import { z } from 'zod';
import { pageWToken } from './common.js';
import { RealmMember } from './realms.js';

/** `entityType` of group members: HERE lists pending invitations that would join the group as `invite` members. */
export const GroupMemberEntityType = z.enum(['user', 'app', 'invite']);
export type GroupMemberEntityType = z.infer<typeof GroupMemberEntityType>;

/** HERE's `InviteInfo`: the invitation's id and HRN, its organization and whom it invites. */
export const InviteMemberInfo = z.object({
  inviteId: z.string(),
  inviteHrn: z.string(),
  realm: z.string(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  email: z.string(),
});

/** HERE's `GroupMember`: a realm member, or a pending invitation carrying the group. */
export const GroupMember = z.union([
  RealmMember,
  z.object({ memberHrn: z.string(), entityType: z.literal('invite'), info: InviteMemberInfo }),
]);
export type GroupMember = z.infer<typeof GroupMember>;

/** `GroupMemberPageWToken`. */
export const GroupMemberList = pageWToken(GroupMember);
