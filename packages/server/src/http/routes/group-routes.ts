import {
  Group,
  GroupList,
  GroupMemberEntityType,
  GroupMemberList,
  GroupRequest,
  RealmMember,
  RoleList,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { GroupService } from '../../groups/group-service.js';
import { CountPageQuery } from '../page-queries.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const GROUPS = '/authorization/v1.1/groups';
const GroupParams = z.object({ groupId: z.string().min(1).max(512) });
const MemberParams = GroupParams.extend({ member: z.string().min(1).max(512) });
const common = { tags: ['Groups'], auth: 'identity' as const, unscopedOnly: true };

/**
 * Groups (spec §6.3). `{groupId}` is a `GROUP-…` id or a group HRN; `{member}` a user or app HRN or id. Groups of
 * other organizations answer 404780 like missing ones.
 */
export function createGroupRoutes({ groups }: { groups: GroupService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: GROUPS,
      operationId: 'listGroups',
      summary: 'Groups of the organization',
      description: '`q` searches id, name and description. readMembers on the organization (every user has it).',
      query: CountPageQuery.extend({ q: z.string().trim().max(200).optional() }),
      responses: { 200: GroupList },
      handler: async ({ principal, query }) => ok(await groups.list(principal, query)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: GROUPS,
      operationId: 'createGroup',
      summary: 'Create a group',
      description: 'createGroup on the organization. The creator becomes a member and the GroupAdmin of the group.',
      body: GroupRequest,
      responses: { 201: Group },
      handler: async ({ principal, body }) => created(await groups.create(principal, body)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GROUPS}/me`,
      operationId: 'listMyGroups',
      summary: 'Groups the caller is a member of',
      query: CountPageQuery,
      responses: { 200: GroupList },
      handler: async ({ principal, query }) => ok(await groups.mine(principal, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GROUPS}/:groupId`,
      operationId: 'getGroup',
      summary: 'A group',
      params: GroupParams,
      responses: { 200: Group },
      handler: async ({ principal, params }) => ok(await groups.get(principal, params.groupId)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${GROUPS}/:groupId`,
      operationId: 'updateGroup',
      summary: 'Update a group',
      description: "HERE's update is a POST answering 201. updateGroup on the group: OrgAdmin or its GroupAdmin.",
      params: GroupParams,
      body: GroupRequest,
      responses: { 201: Group },
      handler: async ({ principal, params, body }) => created(await groups.update(principal, params.groupId, body)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${GROUPS}/:groupId`,
      operationId: 'deleteGroup',
      summary: 'Delete a group',
      description: 'deleteGroup on the group. Its memberships and its GroupAdmin role go with it.',
      params: GroupParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await groups.delete(principal, params.groupId);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GROUPS}/:groupId/members`,
      operationId: 'listGroupMembers',
      summary: 'Members of a group',
      params: GroupParams,
      query: CountPageQuery.extend({ entityType: GroupMemberEntityType.optional() }),
      responses: { 200: GroupMemberList },
      handler: async ({ principal, params, query }) =>
        ok(
          await groups.members(principal, params.groupId, {
            kind: query.entityType,
            pageToken: query.pageToken,
            count: query.count,
          }),
        ),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${GROUPS}/:groupId/members/me`,
      operationId: 'leaveGroup',
      summary: 'Leave a group',
      description: 'The caller stops being a member and gives up its GroupAdmin role of the group.',
      params: GroupParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await groups.leave(principal, params.groupId);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GROUPS}/:groupId/members/:member`,
      operationId: 'getGroupMember',
      summary: 'A member of a group',
      params: MemberParams,
      responses: { 200: RealmMember },
      handler: async ({ principal, params }) => ok(await groups.member(principal, params.groupId, params.member)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${GROUPS}/:groupId/members/:member`,
      operationId: 'addGroupMember',
      summary: 'Add a user or app to a group',
      description:
        'manageMembers on the group: OrgAdmin or its GroupAdmin. At most 500 members, 50 groups per identity.',
      params: MemberParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await groups.addMember(principal, params.groupId, params.member);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${GROUPS}/:groupId/members/:member`,
      operationId: 'removeGroupMember',
      summary: 'Remove a member from a group',
      description: 'manageMembers on the group. The member also loses its GroupAdmin role of the group.',
      params: MemberParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await groups.removeMember(principal, params.groupId, params.member);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GROUPS}/:groupId/roles`,
      operationId: 'listGroupRoles',
      summary: 'Roles scoped to a group',
      params: GroupParams,
      query: CountPageQuery,
      responses: { 200: RoleList },
      handler: async ({ principal, params, query }) => ok(await groups.roles(principal, params.groupId, query)),
    }),
  ];
}
