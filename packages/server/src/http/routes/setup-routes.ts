import { SetupRequest, SetupResponse } from '@gatehouse/contracts';
import { z } from 'zod';
import type { SetupService } from '../../organizations/setup-service.js';
import { created, defineRoute, ok } from '../route.js';

export function createSetupRoutes({ setup }: { setup: SetupService }) {
  return [
    defineRoute({
      method: 'POST',
      url: '/setup',
      operationId: 'completeSetup',
      summary: 'Create the first organization and its OrgAdmin',
      description: 'With the one-time link printed at start-up; only while no organization exists.',
      tags: ['Set-up'],
      auth: 'none',
      body: SetupRequest,
      rateLimit: { bucket: 'setup', perIp: true },
      responses: { 201: SetupResponse },
      async handler({ body }) {
        const { token, realm, organizationName, ...account } = body;
        return created(await setup.complete(token, { realm, name: organizationName }, account));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/setup/status',
      operationId: 'setupStatus',
      summary: 'Whether a set-up link can still be used',
      tags: ['Set-up'],
      auth: 'none',
      body: z.object({ token: z.string().min(1).max(512) }),
      rateLimit: { bucket: 'setup', perIp: true },
      responses: { 200: z.object({ open: z.boolean() }) },
      handler: async ({ body }) => ok({ open: await setup.isSetupOpen(body.token) }),
    }),
  ];
}
