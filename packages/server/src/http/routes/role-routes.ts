import {
  ActivePermission,
  Role,
  RoleEntity,
  RoleEntityList,
  RoleList,
  RoleListQuery,
  RolePermissionList,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { RoleService } from '../../roles/role-service.js';
import { CountPageQuery } from '../page-queries.js';
import { defineRoute, noContent, ok } from '../route.js';

const ROLES = '/authorization/v1.1/roles';
const RoleParams = z.object({ role: z.string().min(1).max(512) });
const EntityParams = RoleParams.extend({ entity: z.string().min(1).max(512) });
const common = { tags: ['Roles'], auth: 'identity' as const, unscopedOnly: true };

/** Roles (spec §6.3, §7.1). `{role}` is a `ROLE-…` id or a role HRN; `{entity}` a user or app HRN or id. */
export function createRoleRoutes({ roles }: { roles: RoleService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: ROLES,
      operationId: 'listRoles',
      summary: 'Roles of the organization',
      description: 'By `roleName` and by `resourceHrn`, the realm, group or project a role is scoped to.',
      query: CountPageQuery.extend(RoleListQuery.shape),
      responses: { 200: RoleList },
      handler: async ({ principal, query }) => ok(await roles.list(principal, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/me`,
      operationId: 'listMyRoles',
      summary: 'Roles the caller holds',
      query: CountPageQuery,
      responses: { 200: RoleList },
      handler: async ({ principal, query }) => ok(await roles.mine(principal, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/:role`,
      operationId: 'getRole',
      summary: 'A role',
      params: RoleParams,
      responses: { 200: Role },
      handler: async ({ principal, params }) => ok(await roles.get(principal, params.role)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/:role/permissions`,
      operationId: 'listRolePermissions',
      summary: 'What a role allows',
      params: RoleParams,
      query: CountPageQuery,
      responses: { 200: RolePermissionList },
      handler: async ({ principal, params, query }) => ok(await roles.permissions(principal, params.role, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/:role/permissions/:permission`,
      operationId: 'getRolePermission',
      summary: 'One permission of a role',
      description: 'By the `PERM-…` id `GET /roles/{role}/permissions` gives it. readRoles on the organization.',
      params: RoleParams.extend({ permission: z.string().min(1).max(128) }),
      responses: { 200: ActivePermission },
      handler: async ({ principal, params }) => ok(await roles.permission(principal, params.role, params.permission)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/:role/entities`,
      operationId: 'listRoleEntities',
      summary: 'Users and apps that hold a role',
      description: 'readEntities on the role.',
      params: RoleParams,
      query: CountPageQuery,
      responses: { 200: RoleEntityList },
      handler: async ({ principal, params, query }) => ok(await roles.entities(principal, params.role, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${ROLES}/:role/entities/:entity`,
      operationId: 'getRoleEntity',
      summary: 'Whether a user or app holds a role',
      params: EntityParams,
      responses: { 200: RoleEntity },
      handler: async ({ principal, params }) => ok(await roles.entity(principal, params.role, params.entity)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${ROLES}/:role/entities/:entity`,
      operationId: 'assignRole',
      summary: 'Give a role to a user or app',
      description:
        'manageEntities on the role. A role scoped to a group goes only to members of the group. At most 100 roles.',
      params: EntityParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await roles.assign(principal, params.role, params.entity);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${ROLES}/:role/entities/:entity`,
      operationId: 'unassignRole',
      summary: 'Take a role from a user or app',
      description: 'manageEntities on the role. The organization keeps at least one enabled OrgAdmin.',
      params: EntityParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await roles.unassign(principal, params.role, params.entity);
        return noContent();
      },
    }),
  ];
}
