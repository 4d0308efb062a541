import { z } from 'zod';
import { pageWithToken, pageWToken } from './common.js';
import { ActivePermission } from './grants.js';
import { AppMemberInfo, UserMemberInfo } from './realms.js';

/**
 * HERE's `Role`: `ROLE-<uuid>` id, `hrn:<partition>:authorization::<realm>:role/<id>`, its name (`OrgAdmin`,
 * `GroupAdmin`, …) and the realm, group or project HRN it is scoped to.
 */
export const Role = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  resource: z.string(),
});
export type Role = z.infer<typeof Role>;

/** `RolePageWToken` (`/roles`, `/roles/me`, `/groups/{groupId}/roles`). */
export const RoleList = pageWToken(Role);

/** `RolePageWithToken` (`/realms/{realm}/members/{member}/roles`). */
export const RolePage = pageWithToken(Role);

/** HERE's `RoleEntity`: an identity that holds a role. */
export const RoleEntity = z.discriminatedUnion('entityType', [
  z.object({ entityHrn: z.string(), entityType: z.literal('user'), info: UserMemberInfo }),
  z.object({ entityHrn: z.string(), entityType: z.literal('app'), info: AppMemberInfo }),
]);
export type RoleEntity = z.infer<typeof RoleEntity>;

export const RoleEntityList = pageWToken(RoleEntity);

/** `PermissionPageWToken`: what a role allows, as `ActivePermission` items. */
export const RolePermissionList = pageWToken(ActivePermission);

export const RoleListQuery = z.object({
  roleName: z.string().trim().min(1).max(100).optional(),
  resourceHrn: z.string().min(1).max(2048).optional(),
});
