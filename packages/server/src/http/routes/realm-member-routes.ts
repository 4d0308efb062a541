import {
  GroupList,
  RealmLimitList,
  RealmMember,
  RealmMemberList,
  RealmMemberQuery,
  RolePage,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { MemberService } from '../../members/member-service.js';
import { CountPageQuery, LimitPageQuery } from '../page-queries.js';
import { defineRoute, ok } from '../route.js';

const REALMS = '/authorization/v1.1/realms/:realm';
const RealmParams = z.object({ realm: z.string().min(1).max(512) });
const MemberParams = RealmParams.extend({ member: z.string().min(1).max(512) });
const common = { tags: ['Realms'], auth: 'identity' as const, unscopedOnly: true };

/**
 * Members and limits of an organization (spec §6.3). `{realm}` is the caller's orgId, its realm HRN or `me`; another
 * organization answers 403, an unknown one 404. `{member}` is a user or app HRN or id, or `me`.
 */
export function createRealmMemberRoutes({ members }: { members: MemberService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/members`,
      operationId: 'listRealmMembers',
      summary: 'Users and apps of the organization',
      description:
        '`q` matches user ids, names and email addresses, client ids, app names and the names of roles held ' +
        '(`q=OrgAdmin` lists the OrgAdmins). readMembers on the organization.',
      params: RealmParams,
      query: CountPageQuery.extend(RealmMemberQuery.shape),
      responses: { 200: RealmMemberList },
      handler: async ({ principal, params, query }) =>
        ok(
          await members.list(principal, params.realm, {
            kind: query.entityType,
            q: query.q,
            state: query.state,
            pageToken: query.pageToken,
            count: query.count,
          }),
        ),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/members/:member`,
      operationId: 'getRealmMember',
      summary: 'A user or app of the organization',
      params: MemberParams,
      responses: { 200: RealmMember },
      handler: async ({ principal, params }) => ok(await members.get(principal, params.realm, params.member)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/members/:member/roles`,
      operationId: 'listRealmMemberRoles',
      summary: 'Roles a member holds',
      description: 'The member itself, or readRoles on it.',
      params: MemberParams,
      query: LimitPageQuery,
      responses: { 200: RolePage },
      handler: async ({ principal, params, query }) =>
        ok(
          await members.roles(principal, params.realm, params.member, {
            pageToken: query.pageToken,
            count: query.limit,
          }),
        ),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/members/:member/groups`,
      operationId: 'listRealmMemberGroups',
      summary: 'Groups a member belongs to',
      description: 'The member itself, or readGroups on it.',
      params: MemberParams,
      query: CountPageQuery,
      responses: { 200: GroupList },
      handler: async ({ principal, params, query }) =>
        ok(await members.groups(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/members/:member/managedGroups`,
      operationId: 'listRealmMemberManagedGroups',
      summary: 'Groups a member is GroupAdmin of',
      params: MemberParams,
      query: CountPageQuery,
      responses: { 200: GroupList },
      handler: async ({ principal, params, query }) =>
        ok(await members.managedGroups(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${REALMS}/limits`,
      operationId: 'listRealmLimits',
      summary: 'Limits of the organization',
      description: 'readLimits: every member.',
      params: RealmParams,
      query: LimitPageQuery.extend({ limitType: z.string().max(100).optional() }),
      responses: { 200: RealmLimitList },
      handler: async ({ principal, params, query }) => ok(await members.limits(principal, params.realm, query)),
    }),
  ];
}
