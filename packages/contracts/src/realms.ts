import { z } from 'zod';
import { EpochMillis, pageWithToken, pageWToken } from './common.js';
import { RealmLimit } from './limits.js';

/** The kinds of realm members Gatehouse has (HERE also lists cars, which Gatehouse does not have). */
export const MemberEntityType = z.enum(['user', 'app']);
export type MemberEntityType = z.infer<typeof MemberEntityType>;

/** `info` of a user member (spec §6.3 `RealmMember` user example): `roles` are role names. */
export const UserMemberInfo = z.object({
  userId: z.string(),
  userHrn: z.string(),
  realm: z.string(),
  firstname: z.string(),
  lastname: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  state: z.enum(['enabled', 'disabled']),
  createdTime: EpochMillis,
});

/** `info` of an app member (spec §6.3 `AppInfo`): the flags are the strings "true" and "false", as HERE sends them. */
export const AppMemberInfo = z.object({
  clientId: z.string(),
  clientHrn: z.string(),
  realm: z.string(),
  name: z.string(),
  description: z.string().optional(),
  ownerId: z.string().optional(),
  ownerHrn: z.string().optional(),
  defaultScope: z.string().optional(),
  isRestrictedScope: z.enum(['true', 'false']),
  appCreationEnabled: z.enum(['true', 'false']),
  alwaysProjectScope: z.enum(['true', 'false']),
  status: z.string(),
  roles: z.array(z.string()),
  state: z.enum(['enabled', 'disabled']),
  createdTime: EpochMillis,
});

/** HERE's `RealmMember` (and `GroupMember`): `{memberHrn, entityType, info}`. */
export const RealmMember = z.discriminatedUnion('entityType', [
  z.object({ memberHrn: z.string(), entityType: z.literal('user'), info: UserMemberInfo }),
  z.object({ memberHrn: z.string(), entityType: z.literal('app'), info: AppMemberInfo }),
]);
export type RealmMember = z.infer<typeof RealmMember>;

/** `RealmMemberPageWToken`; `GroupMemberPageWToken` has the same shape. */
export const RealmMemberList = pageWToken(RealmMember);

/** `GET /realms/{realm}/members` query: `q` searches ids, names, email addresses, client ids and role names. */
export const RealmMemberQuery = z.object({
  entityType: MemberEntityType.optional(),
  q: z.string().trim().max(200).optional(),
  state: z.enum(['enabled', 'disabled']).optional(),
});

/** `RealmLimitPageWithToken`. */
export const RealmLimitList = pageWithToken(RealmLimit);
