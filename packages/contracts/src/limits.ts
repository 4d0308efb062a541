import { z } from 'zod';

/**
 * HERE IAM's documented limits (FAQ table; spec §7.6), by the names `GET /realms/{realm}/limits` reports and the
 * 422000 errors use ("<name> limit reached. Current value: X. Maximum value: Y.").
 */
export const limits = {
  MaxEntityRoles: { maximum: 100, description: 'Maximum roles an identity can have.' },
  MaxPermissionsPerEntity: {
    maximum: 100_000,
    description: 'Maximum permissions that you can assign to a user, app, or group.',
  },
  MaxEntityApps: { maximum: 100, description: 'Maximum number of apps per user.' },
  MaxGroupMembers: { maximum: 500, description: 'Maximum members in a group.' },
  MaxInviteRoles: { maximum: 5, description: 'Maximum number of roles per user invite.' },
  MaxInviteGroups: { maximum: 5, description: 'Maximum number of groups per user invite.' },
  MaxGroupProjects: { maximum: 50, description: 'Maximum number of projects to which a group can have direct access.' },
  MaxEntityGroups: {
    maximum: 50,
    description: 'Maximum number of groups to which an identity can have direct access.',
  },
  MaxProjectGroups: { maximum: 5, description: 'Maximum number of groups that can be a member of a project.' },
  MaxProjectMembers: { maximum: 500, description: 'Maximum number of users/apps in a project.' },
  MaxEntityProjects: {
    maximum: 50,
    description: 'Maximum number of projects for which a group, user, or app can have direct access.',
  },
  MaxProjectResources: { maximum: 100, description: 'Maximum number of resources in a project.' },
  MaxResourceLinksPerProject: {
    maximum: 5,
    description: 'Maximum number of resource links for the same resource per project.',
  },
  MaxMemberProjectPolicies: {
    maximum: 5,
    description: 'Maximum number of project policies per member (user, app, or group).',
  },
  MaxProjectPolicies: { maximum: 5, description: 'Maximum number of project level policies.' },
  MaxProjectCustomPolicies: { maximum: 5, description: 'Maximum number of custom policies of a project.' },
  MaxPolicyPermissions: { maximum: 100, description: 'Maximum number of permissions per project policy.' },
  MaxRealmIdentityProviders: { maximum: 5, description: 'Maximum number of identity providers per organization.' },
  MaxIdentityProviderIssuers: { maximum: 5, description: 'Maximum number of issuers per identity provider.' },
  MaxAppIdentityProviders: { maximum: 2, description: 'Maximum number of identity providers per app.' },
  MaxRealmAccessFilters: { maximum: 100, description: 'Maximum number of custom access filters per organization.' },
  MaxEntityAccessFilters: { maximum: 5, description: 'Maximum number of access filter attachments per identity.' },
  MaxAppApiKeys: { maximum: 2, description: 'Maximum number of live API keys per app.' },
  MaxResourcePolicyResources: { maximum: 100, description: 'Maximum number of resources per resource policy.' },
} as const satisfies Record<string, { maximum: number; description: string }>;

export type LimitName = keyof typeof limits;

export const RealmLimit = z.object({
  hrn: z.string(),
  type: z.string(),
  maximum: z.number().int(),
  description: z.string(),
});
