import { z } from 'zod';
import { displayName, Email, EpochMillis, pageWToken } from './common.js';

/**
 * `POST /authorization/v1.1/realms/{realm}/invites` (spec §6.3, `RealmAuthorizationInvite`). At most 5 roles and
 * 5 groups (FAQ limits; more gives 422000); the lists are bounded here only against abuse.
 */
export const InviteRequest = z.object({
  emailAddress: Email,
  firstName: displayName(100).optional(),
  lastName: displayName(100).optional(),
  /** HRNs of organization roles to give on acceptance. */
  roles: z.array(z.string().min(1).max(512)).max(100).optional(),
  /** HRNs of groups to join on acceptance. */
  groupHrns: z.array(z.string().min(1).max(512)).max(100).optional(),
  allowPasswordLogin: z.boolean().optional(),
});
export type InviteRequest = z.infer<typeof InviteRequest>;

export const RoleShort = z.object({ hrn: z.string(), name: z.string() });

/** `RealmAuthInviteResponse`, plus `expiresTime`. */
export const InviteResponse = z.object({
  hrn: z.string(),
  emailAddress: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  roles: z.array(RoleShort),
  groupHrns: z.array(z.string()),
  creatorHrn: z.string().optional(),
  realmHrn: z.string(),
  createdTime: EpochMillis,
  updatedTime: EpochMillis,
  expiresTime: EpochMillis,
  allowPasswordLogin: z.boolean(),
});
export type InviteResponse = z.infer<typeof InviteResponse>;

export const InviteList = pageWToken(InviteResponse);

/** What the invitation page shows before the invitee accepts: only to the holder of the link. */
export const InvitationPreview = z.object({
  emailAddress: z.string(),
  realm: z.string(),
  organizationName: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  expiresTime: EpochMillis,
  /** The invitee already has an account in the organization: accepting links it (password required). */
  accountExists: z.boolean(),
});

export const InvitationToken = z.object({ token: z.string().min(1).max(512) });

/** Role names HERE may pair with an invitation target (`InviteTargets`). */
export const InviteTargetRoleName = z.enum([
  'OrgAdmin',
  'OrgInviter',
  'ResourceManager',
  'CrossRealmTrustManager',
  'LicensingAdmin',
  'MarketplaceConsumer',
  'MarketplaceProvider',
  'MonitoringDashboardEditor',
  'RestrictedAccess',
]);

/**
 * HERE's `InviteTargets` (`GET /realms/{realm}/invites/targets`): where an invitee may be invited to, `platform` by
 * default; `roleName` is set for targets that come with a role (HERE's `wegopro` with `RestrictedAccess`).
 */
export const InviteTargets = z.object({
  targets: z.array(z.object({ target: z.enum(['platform', 'wegopro']), roleName: InviteTargetRoleName.optional() })),
});
export type InviteTargets = z.infer<typeof InviteTargets>;
