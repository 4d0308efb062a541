import { z } from 'zod';
import { PageToken, pageWithToken, pageWToken } from './common.js';
import { ActionName, ActivePermission } from './grants.js';
import { parseHrn } from './hrn.js';

/** A resource HRN in a body (may hold wildcards, `hrn:here:data:::*`); HERE answers 400288 for a bad one. */
const ResourceHrn = z
  .string()
  .max(2048)
  .refine((value) => parseHrn(value) !== undefined, { params: { fieldError: 'invalidHrn' } });

/** Account v1 `NewPermission`: what to share with a user, app or group. `serviceId` is accepted and ignored. */
export const NewPermission = z.object({
  action: ActionName,
  effect: z
    .string()
    .refine((value) => value === 'allow' || value === 'deny', { params: { fieldError: 'invalidEffect' } }),
  resource: ResourceHrn,
  serviceId: z.string().max(200).optional(),
});

export const NewPermissions = z.object({ permissions: z.array(NewPermission).min(1).max(100) });
export type NewPermissions = z.infer<typeof NewPermissions>;

/** Account v1 `PermissionsResponse`. */
export const PermissionsResponse = z.object({
  id: z.string(),
  effect: z.enum(['allow', 'deny']),
  action: z.string(),
  resource: z.string(),
});
export type PermissionsResponse = z.infer<typeof PermissionsResponse>;

/** Account v1 `RoleResponse`: `value` is the HRN the role is scoped to (organization, group or project). */
export const RoleResponse = z.object({ id: z.string(), name: z.string(), value: z.string() });

/** Account v1 `AuthorizationResponse` (`GET /user/me/authorization`, sharing with a user). */
export const AuthorizationResponse = z.object({
  user: z.object({
    userId: z.string(),
    realm: z.string(),
    email: z.string(),
    firstname: z.string(),
    lastname: z.string(),
    hrn: z.string(),
  }),
  roles: z.array(RoleResponse),
  permissions: z.array(PermissionsResponse),
  status: z.enum(['created', 'invited', 'active', 'inactive']),
  /** Unix seconds, as Account v1 writes them. */
  createdTime: z.number().int(),
  updatedTime: z.number().int(),
});
export type AuthorizationResponse = z.infer<typeof AuthorizationResponse>;

/** A policy or plan attached to an app, as Account v1 lists them (`PolicyLink`, `PlanLink`). */
export const PolicyLink = z.object({ id: z.string(), policyId: z.string(), allowUpdates: z.boolean() });
export const PlanLink = z.object({
  id: z.string(),
  planId: z.string(),
  policies: z.array(z.object({ policyId: z.string() })),
  allowUpdates: z.boolean(),
});

/** Account v1 `AppAuthorizationResponse` (`GET /app/me/authorization`, sharing with an app). */
export const AppAuthorizationResponse = z.object({
  app: z.object({
    clientId: z.string(),
    name: z.string(),
    description: z.string().optional(),
    status: z.string(),
    hrn: z.string(),
    realm: z.string(),
  }),
  permissions: z.array(PermissionsResponse),
  policies: z.array(PolicyLink),
  plans: z.array(PlanLink),
});
export type AppAuthorizationResponse = z.infer<typeof AppAuthorizationResponse>;

/** Account v1 `GroupPermissions` (sharing with a group). */
export const GroupPermissions = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  scope: z.literal('customer'),
  permissions: z.array(PermissionsResponse),
  policies: z.array(PolicyLink),
});
export type GroupPermissions = z.infer<typeof GroupPermissions>;

/** `?includeAllPermissions=` (default true): also what the identity's groups hold. */
export const AuthorizationQuery = z.object({
  includeAllPermissions: z.enum(['true', 'false']).optional(),
});

/**
 * `count` and `pageToken` of Account v1 lists. HERE's codes: 400001 for a count that is not an integer of 0 or more,
 * 400202 for an empty page token, 400203 for one with invalid characters; the service checks them.
 */
export const AccountPageQuery = z.object({
  count: z.string().optional(),
  pageToken: z.string().optional(),
});

/** Account v1 `PermissionsListPageToken`. */
export const PermissionsListPageToken = pageWToken(PermissionsResponse);

/** `DELETE /permissions?hrn=&userId=|groupId=|appId=`: one entity, one resource. */
export const DeletePermissionsQuery = z
  .object({
    hrn: ResourceHrn,
    userId: z.string().min(1).max(128).optional(),
    groupId: z.string().min(1).max(128).optional(),
    appId: z.string().min(1).max(128).optional(),
  })
  .refine((query) => [query.userId, query.groupId, query.appId].filter((id) => id !== undefined).length === 1, {
    params: { fieldError: 'required' },
    path: ['userId'],
  });

/**
 * The unscoped permissions of a member, group or role (Authorization v1.1 `PermissionPageWithToken`). Permissions
 * that come from roles, policies or the member baseline have no permission id of their own: theirs is empty.
 */
export const PermissionPageWithToken = pageWithToken(ActivePermission);

/**
 * `GET /realms/{realm}/permissions` (deprecated in HERE, `PermissionPageWToken`): what every member has through the
 * organization. These permissions come from policies and the member baseline: their ids are empty.
 */
export const RealmPermissionList = pageWToken(ActivePermission);

export const PermissionListQuery = z.object({
  serviceId: z.string().max(200).optional(),
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
