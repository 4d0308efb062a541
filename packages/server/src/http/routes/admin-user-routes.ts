import { z } from 'zod';
import type { AccountService } from '../../users/account-service.js';
import { defineRoute, noContent } from '../route.js';

const AUTHN = '/authentication/v1.1';
const UserParams = z.object({ user: z.string().min(1).max(512) });

/** Account administration (spec §6.2, `manage` on the user): `{user}` is `me`, a user id or a user HRN. */
export function createAdminUserRoutes({ accounts }: { accounts: AccountService }) {
  return [
    defineRoute({
      method: 'POST',
      url: `${AUTHN}/users/:user/deactivate`,
      operationId: 'deactivateUser',
      summary: 'Deactivate a user',
      description: 'OrgAdmin, or the user. Every token of the user stops working.',
      tags: ['User administration'],
      auth: 'identity',
      unscopedOnly: true,
      params: UserParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await accounts.deactivate(principal, await accounts.resolveUserReference(principal, params.user));
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${AUTHN}/users/:user/activate`,
      operationId: 'activateUser',
      summary: 'Reactivate a user',
      description: 'OrgAdmin.',
      tags: ['User administration'],
      auth: 'identity',
      unscopedOnly: true,
      params: UserParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await accounts.activate(principal, await accounts.resolveUserReference(principal, params.user));
        return noContent();
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${AUTHN}/users/:user`,
      operationId: 'deleteUser',
      summary: 'Delete a deactivated user',
      description: 'OrgAdmin. Removes the user and everything that belongs to them.',
      tags: ['User administration'],
      auth: 'identity',
      unscopedOnly: true,
      params: UserParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await accounts.delete(principal, await accounts.resolveUserReference(principal, params.user));
        return noContent();
      },
    }),
  ];
}
