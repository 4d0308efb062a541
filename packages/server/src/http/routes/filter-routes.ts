import {
  AccessFilter,
  AccessFilterAttachment,
  AccessFilterAttachmentList,
  AccessFilterAttachmentRequest,
  AccessFilterIdentifier,
  AccessFilterList,
  AccessFilterListQuery,
  AccessFilterMemberList,
  AccessFilterRequest,
  FilterPageQuery,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { FilterService } from '../../filters/filter-service.js';
import { defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const Reference = z.string().min(1).max(512);
const FilterParams = z.object({ filter: Reference });
const RealmParams = z.object({ realm: z.string().min(1).max(64) });
const MemberParams = RealmParams.extend({ member: z.string().min(1).max(512) });
const common = { tags: ['Access filters'], auth: 'identity' as const, unscopedOnly: true };

/** Access filters (spec §6.3, §7.3): custom filters, their attachments to members and to the organization. */
export function createFilterRoutes({ filters }: { filters: FilterService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/roles/:role/filter`,
      operationId: 'getRoleAccessFilter',
      summary: 'The access filter of a role',
      description: '`readFilter` on the role or `readAccessFilters` on the organization. 404 when none is attached.',
      params: z.object({ role: Reference }),
      responses: { 200: AccessFilter },
      handler: async ({ principal, params }) => ok(await filters.roleFilter(principal, params.role)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/projects/:project/filter`,
      operationId: 'getProjectAccessFilter',
      summary: 'The access filter of a project',
      description:
        '`readFilter` on the project (its ProjectAdmins) or `readAccessFilters` on the organization. A project ' +
        "with `scopeAccess: thisProjectOrNoProject` and no filter of its own answers HERE's `project-eval-unscoped`.",
      params: z.object({ project: Reference }),
      responses: { 200: AccessFilter },
      handler: async ({ principal, params }) => ok(await filters.projectFilter(principal, params.project)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/filters`,
      operationId: 'listAccessFilters',
      summary: 'Access filters of the organization',
      query: AccessFilterListQuery,
      responses: { 200: AccessFilterList },
      handler: async ({ principal, query }) => ok(await filters.list(principal, query)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHZ}/filters`,
      operationId: 'createAccessFilter',
      summary: 'Create a custom access filter',
      description: 'Needs `manageAccessFilters`. At most 100 per organization (MaxRealmAccessFilters).',
      body: AccessFilterRequest,
      responses: { 200: AccessFilter },
      handler: async ({ principal, body }) => ok(await filters.create(principal, body)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/filters/:filter`,
      operationId: 'getAccessFilter',
      summary: 'An access filter',
      params: FilterParams,
      responses: { 200: AccessFilter },
      handler: async ({ principal, params }) => ok(await filters.get(principal, params.filter)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHZ}/filters/:filter`,
      operationId: 'updateAccessFilter',
      summary: 'Replace the name and statements of an access filter',
      params: FilterParams,
      body: AccessFilterRequest,
      responses: { 200: AccessFilter },
      handler: async ({ principal, params, body }) => ok(await filters.update(principal, params.filter, body)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHZ}/filters/:filter`,
      operationId: 'deleteAccessFilter',
      summary: 'Delete an access filter and its attachments',
      params: FilterParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await filters.delete(principal, params.filter);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/filters/:filter/members`,
      operationId: 'listAccessFilterMembers',
      summary: 'Who an access filter is attached to',
      params: FilterParams,
      query: FilterPageQuery,
      responses: { 200: AccessFilterMemberList },
      handler: async ({ principal, params, query }) => ok(await filters.members(principal, params.filter, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/filters`,
      operationId: 'listMemberAccessFilters',
      summary: 'Access filters attached to a member',
      params: MemberParams,
      query: FilterPageQuery,
      responses: { 200: AccessFilterAttachmentList },
      handler: async ({ principal, params, query }) =>
        ok(await filters.memberFilters(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/filters/:filter`,
      operationId: 'getMemberAccessFilter',
      summary: 'One access filter attachment of a member',
      params: MemberParams.extend({ filter: Reference }),
      responses: { 200: AccessFilterAttachment },
      handler: async ({ principal, params }) =>
        ok(await filters.memberFilter(principal, params.realm, params.member, params.filter)),
    }),
    defineRoute({
      ...common,
      method: 'PUT',
      url: `${AUTHZ}/realms/:realm/members/:member/filters/:filter`,
      operationId: 'attachMemberAccessFilter',
      summary: 'Attach an access filter to a member',
      description: 'At most 5 per member (MaxEntityAccessFilters). `expiresAt` (epoch ms) ends the attachment.',
      params: MemberParams.extend({ filter: Reference }),
      body: AccessFilterAttachmentRequest.optional(),
      responses: { 200: AccessFilterAttachment },
      handler: async ({ principal, params, body }) =>
        ok(await filters.attachToMember(principal, params.realm, params.member, params.filter, body?.expiresAt)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHZ}/realms/:realm/members/:member/filters/:filter`,
      operationId: 'detachMemberAccessFilter',
      summary: 'Detach an access filter from a member',
      params: MemberParams.extend({ filter: Reference }),
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await filters.detachFromMember(principal, params.realm, params.member, params.filter);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/filter`,
      operationId: 'getRealmAccessFilter',
      summary: "The organization's access filter",
      params: RealmParams,
      responses: { 200: AccessFilter },
      handler: async ({ principal, params }) => ok(await filters.realmFilter(principal, params.realm)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHZ}/realms/:realm/filter`,
      operationId: 'setRealmAccessFilter',
      summary: "Replace the organization's access filter",
      params: RealmParams,
      body: AccessFilterIdentifier,
      responses: { 200: AccessFilter },
      handler: async ({ principal, params, body }) =>
        ok(await filters.setRealmFilter(principal, params.realm, body.hrn)),
    }),
  ];
}
