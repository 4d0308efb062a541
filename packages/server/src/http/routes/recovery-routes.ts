import {
  InvitationRenewalRequest,
  OrgIdRecoveryRequest,
  PasswordResetCompletion,
  PasswordResetRequest,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { InviteService } from '../../invites/invite-service.js';
import type { RecoveryService } from '../../users/recovery-service.js';
import { accepted, defineRoute, noContent } from '../route.js';

const Accepted = z.undefined();

/** Public self-service: the same 202 whatever the address, answered before any lookup (no enumeration). */
export function createRecoveryRoutes({ recovery, invites }: { recovery: RecoveryService; invites: InviteService }) {
  return [
    defineRoute({
      method: 'POST',
      url: '/user/password/reset',
      operationId: 'requestPasswordReset',
      summary: 'Forgot your password?',
      description:
        'Mails a single-use reset link to the address if it has an account (one link per organization, or only ' +
        'for `realm` when given). Always 202.',
      tags: ['Account recovery'],
      auth: 'none',
      body: PasswordResetRequest,
      rateLimit: { bucket: 'password-reset', perIp: true, perIdentity: { key: (body) => body.email, limit: true } },
      responses: { 202: Accepted },
      handler({ body }) {
        recovery.requestPasswordReset(body.email, body.realm);
        return accepted();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/password/reset/complete',
      operationId: 'completePasswordReset',
      summary: 'Set a new password with a reset link',
      description: 'Unlocks sign-in and ends every session of the account.',
      tags: ['Account recovery'],
      auth: 'none',
      body: PasswordResetCompletion,
      rateLimit: { bucket: 'password-reset-complete', perIp: true },
      responses: { 204: z.undefined() },
      async handler({ body }) {
        await recovery.completePasswordReset(body.token, body.password);
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/orgid/recovery',
      operationId: 'recoverOrgIds',
      summary: 'Forgot your orgId?',
      description: 'Mails the orgIds of the accounts of the address, if it has any. Always 202.',
      tags: ['Account recovery'],
      auth: 'none',
      body: OrgIdRecoveryRequest,
      rateLimit: { bucket: 'orgid-recovery', perIp: true, perIdentity: { key: (body) => body.email, limit: true } },
      responses: { 202: Accepted },
      handler({ body }) {
        recovery.requestOrgIdRecovery(body.email);
        return accepted();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/user/invites/renewal',
      operationId: 'requestInvitationAgain',
      summary: 'Request invitation again',
      description: 'Re-sends the pending invitations of the address with new links and expiry. Always 202.',
      tags: ['Account recovery'],
      auth: 'none',
      body: InvitationRenewalRequest,
      rateLimit: { bucket: 'invite-renewal', perIp: true, perIdentity: { key: (body) => body.email, limit: true } },
      responses: { 202: Accepted },
      handler({ body }) {
        invites.requestAgain(body.email);
        return accepted();
      },
    }),
  ];
}
