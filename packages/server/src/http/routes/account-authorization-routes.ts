import {
  AccountPageQuery,
  AppAuthorizationResponse,
  AuthorizationQuery,
  AuthorizationResponse,
  DeletePermissionsQuery,
  GroupPermissions,
  NewPermissions,
  PermissionListQuery,
  PermissionPageWithToken,
  PermissionsListPageToken,
  RealmPermissionList,
} from '@gatehouse/contracts';
import { z } from 'zod';
import { identityId } from '../../auth/principal.js';
import type { AuthorizationInfoService } from '../../authz/authorization-info-service.js';
import { AppError } from '../../errors/app-error.js';
import type { GrantService } from '../../permissions/grant-service.js';
import { CountPageQuery } from '../page-queries.js';
import { defineRoute, noContent, ok } from '../route.js';

const tags = ['Authorization information'];
const Id = z.string().min(1).max(128);

/**
 * HERE Account v1 authorization APIs (spec §6.1): what the caller may do, sharing permissions with users, apps and
 * groups, and taking them back; and Authorization v1.1 `/realms/{realm}/members/{member}/permissions`.
 */
export function createAccountAuthorizationRoutes({
  info,
  grants,
}: {
  info: AuthorizationInfoService;
  grants: GrantService;
}) {
  const includeGroups = (query: { includeAllPermissions?: 'true' | 'false' | undefined }) =>
    query.includeAllPermissions !== 'false';
  return [
    defineRoute({
      method: 'GET',
      url: '/user/me/authorization',
      operationId: 'getMyAuthorization',
      summary: 'My roles and permissions',
      description: 'With `includeAllPermissions=false` only the permissions granted to me, not to my groups.',
      tags,
      auth: 'user',
      query: AuthorizationQuery,
      responses: { 200: AuthorizationResponse },
      handler: async ({ principal, query }) =>
        ok(await info.userAuthorization(identityId(principal), includeGroups(query))),
    }),
    defineRoute({
      method: 'GET',
      url: '/user/me/authorization/permissions',
      operationId: 'listMyPermissions',
      summary: 'The permissions granted to me, a page at a time',
      tags,
      auth: 'user',
      query: AccountPageQuery,
      responses: { 200: PermissionsListPageToken },
      handler: async ({ principal, query }) => ok(await info.directPermissionsPage(identityId(principal), query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/app/me/authorization',
      operationId: 'getMyAppAuthorization',
      summary: 'The calling app: its permissions, policies and plans',
      tags,
      auth: 'identity',
      query: AuthorizationQuery,
      responses: { 200: AppAuthorizationResponse },
      async handler({ principal, query }) {
        if (principal.kind !== 'app') throw new AppError('auth.wrong_token_type');
        return ok(await info.appAuthorization(principal.appId, includeGroups(query)));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/app/me/authorization/permissions',
      operationId: 'listMyAppPermissions',
      summary: 'The permissions granted directly to the calling app, a page at a time',
      tags,
      auth: 'identity',
      query: AccountPageQuery,
      responses: { 200: PermissionsListPageToken },
      async handler({ principal, query }) {
        if (principal.kind !== 'app') throw new AppError('auth.wrong_token_type');
        return ok(await info.directPermissionsPage(principal.appId, query));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/:userId/authorization/share/permissions',
      operationId: 'shareWithUser',
      summary: 'Share permissions with a user',
      description: 'Needs `share` (or `addGrant:<action>`) on each resource. All or nothing.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ userId: Id }),
      body: NewPermissions,
      responses: { 200: AuthorizationResponse },
      async handler({ principal, params, body }) {
        const user = await grants.share(principal, 'user', params.userId, body);
        return ok(await info.userAuthorization(user.id, false));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/app/:appId/authorization/share/permissions',
      operationId: 'shareWithApp',
      summary: 'Share permissions with an app',
      description: 'Needs `share` (or `addGrant:<action>`) on each resource. All or nothing.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ appId: Id }),
      body: NewPermissions,
      responses: { 200: AppAuthorizationResponse },
      async handler({ principal, params, body }) {
        const app = await grants.share(principal, 'app', params.appId, body);
        return ok(await info.appAuthorization(app.id, false));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/group/:groupId/authorization/share/permissions',
      operationId: 'shareWithGroup',
      summary: 'Share permissions with a group',
      description: 'Needs `share` (or `addGrant:<action>`) on each resource. All or nothing.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ groupId: Id }),
      body: NewPermissions,
      responses: { 200: GroupPermissions },
      async handler({ principal, params, body }) {
        const group = await grants.share(principal, 'group', params.groupId, body);
        return ok(await info.groupPermissions(group.id));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/permissions',
      operationId: 'removePermissions',
      summary: 'Take back every permission of a user, app or group on a resource',
      description: 'Exactly one of `userId`, `groupId`, `appId`. Needs `share` or `removeGrant:<action>`.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      query: DeletePermissionsQuery,
      responses: { 204: z.undefined() },
      async handler({ principal, query }) {
        const [type, id] =
          query.userId !== undefined
            ? (['user', query.userId] as const)
            : query.groupId !== undefined
              ? (['group', query.groupId] as const)
              : (['app', query.appId ?? ''] as const);
        await grants.removeAllOn(principal, query.hrn, type, id);
        return noContent();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/authorization/v1.1/realms/:realm/members/:member/permissions',
      operationId: 'listMemberPermissions',
      summary: "A member's unscoped permissions",
      description:
        'From its own grants, its groups, its roles, the policies and plans attached to it, its groups and the ' +
        'organization, and the member baseline. Needs `readPermissions` on the member, unless it is the caller.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ realm: z.string().min(1).max(64), member: z.string().min(1).max(512) }),
      query: PermissionListQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await info.memberPermissions(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/authorization/v1.1/realms/:realm/permissions',
      operationId: 'listRealmPermissions',
      summary: 'What every member has through the organization',
      description:
        'Deprecated in HERE, still served. The permissions of the policies and plans attached to the organization ' +
        'and the member baseline of users. Needs `readPermissions` on the organization.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ realm: z.string().min(1).max(64) }),
      query: CountPageQuery,
      responses: { 200: RealmPermissionList },
      handler: async ({ principal, params, query }) => ok(await info.realmPermissions(principal, params.realm, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/authorization/v1.1/groups/:groupId/permissions',
      operationId: 'listGroupPermissions',
      summary: "A group's unscoped permissions",
      description:
        'Granted to the group and from the policies attached to it. Needs `readPermissions` on the group: its ' +
        'GroupAdmins and OrgAdmins.',
      tags,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ groupId: z.string().min(1).max(512) }),
      query: PermissionListQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await info.groupPermissionsPage(principal, params.groupId, query)),
    }),
  ];
}
