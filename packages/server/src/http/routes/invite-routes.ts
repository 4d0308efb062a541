import {
  InvitationPreview,
  InvitationToken,
  InviteList,
  InviteRequest,
  InviteResponse,
  InviteTargets,
  PageToken,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { InviteService } from '../../invites/invite-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const RealmParams = z.object({ realm: z.string().min(1).max(512) });
const InviteParams = RealmParams.extend({ invite: z.string().min(1).max(512) });
const ListQuery = z.object({
  q: z.string().max(200).optional(),
  pageToken: PageToken.optional(),
  count: z.coerce.number().int().min(1).max(100).default(100),
});

/** Invitations (spec §6.3). `{realm}` is the orgId, its realm HRN, or `me`; `{invite}` the invite HRN or id. */
export function createInviteRoutes({ invites }: { invites: InviteService }) {
  return [
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/realms/:realm/invites`,
      operationId: 'createInvite',
      summary: 'Invite a user by email',
      description:
        'OrgAdmin or OrgInviter. Roles need OrgAdmin. At most 5 roles and 5 groups; 6 invitations per minute.',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: RealmParams,
      body: InviteRequest,
      responses: { 201: InviteResponse },
      handler: async ({ principal, params, body }) => created(await invites.create(principal, params.realm, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/invites`,
      operationId: 'listInvites',
      summary: 'Pending invitations',
      description: '`q` searches names and email address. manageInvites or readMembers on the organization.',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: RealmParams,
      query: ListQuery,
      responses: { 200: InviteList },
      handler: async ({ principal, params, query }) => ok(await invites.list(principal, params.realm, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/invites/targets`,
      operationId: 'listInviteTargets',
      summary: 'Where invitations may lead',
      description: 'Gatehouse invites to the platform only. manageInvites or readMembers on the organization.',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: RealmParams,
      responses: { 200: InviteTargets },
      handler: async ({ principal, params }) => ok(await invites.targets(principal, params.realm)),
    }),
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/realms/:realm/invites/:invite`,
      operationId: 'resendInvite',
      summary: 'Send an invitation again',
      description: 'With a new link and a new expiry; the previous link stops working.',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: InviteParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await invites.resend(principal, params.realm, params.invite);
        return noContent();
      },
    }),
    defineRoute({
      method: 'PUT',
      url: `${AUTHZ}/realms/:realm/invites/:invite`,
      operationId: 'updateInvite',
      summary: 'Update an invitation and send it again',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: InviteParams,
      body: InviteRequest,
      responses: { 200: InviteResponse },
      handler: async ({ principal, params, body }) =>
        ok(await invites.update(principal, params.realm, params.invite, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${AUTHZ}/realms/:realm/invites/:invite`,
      operationId: 'cancelInvite',
      summary: 'Cancel an invitation',
      tags: ['Invitations'],
      auth: 'identity',
      unscopedOnly: true,
      params: InviteParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await invites.cancel(principal, params.realm, params.invite);
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/invites/preview',
      operationId: 'previewInvitation',
      summary: 'What an invitation link is for',
      description: 'For the invitation page: organization, address and whether an account exists there.',
      tags: ['Invitations'],
      auth: 'none',
      body: InvitationToken,
      rateLimit: { bucket: 'invite-preview', perIp: true },
      responses: { 200: InvitationPreview },
      handler: async ({ body }) => ok(await invites.preview(body.token)),
    }),
  ];
}
