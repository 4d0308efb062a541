import {
  App,
  AppList,
  AppListQuery,
  CreateAppRequest,
  DefaultScopeRequest,
  DefaultScopeResponse,
  PatchAppRequest,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { DefaultScope } from '../../apps/app-repository.js';
import type { AppService } from '../../apps/app-service.js';
import type { AccountService } from '../../users/account-service.js';
import { defineRoute, noContent, ok } from '../route.js';

const AUTHN = '/authentication/v1.1';
const AppParams = z.object({ app: z.string().min(1).max(512) });
const UserParams = z.object({ user: z.string().min(1).max(512) });

const defaultScopeView = (scope: DefaultScope) => ({
  defaultScope: scope.scope,
  isRestrictedScope: scope.isRestricted,
  alwaysProjectScope: scope.alwaysProjectScope,
  scope: scope.scope,
  isRestricted: scope.isRestricted,
});

/** Apps (spec §6.2 "Application Management"); `{app}` is the app HRN (URL-encoded or not) or its client id. */
export function createAppRoutes({ apps, accounts }: { apps: AppService; accounts: AccountService }) {
  return [
    defineRoute({
      method: 'POST',
      url: `${AUTHN}/apps`,
      operationId: 'createApp',
      summary: 'Create an app',
      description:
        'HERE answers 200. The creator gets read, write, manage and share on the app. At most 100 apps per ' +
        'creator (422000). An app may create apps only when its appCreationEnabled is on.',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      body: CreateAppRequest,
      responses: { 200: App },
      handler: async ({ principal, body }) => ok(await apps.create(principal, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHN}/apps`,
      operationId: 'listApps',
      summary: 'Apps I can act on',
      description: 'With `action`, the apps where the caller holds exactly that permission.',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      query: AppListQuery,
      responses: { 200: AppList },
      handler: async ({ principal, query }) => ok(await apps.list(principal, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHN}/apps/:app`,
      operationId: 'getApp',
      summary: 'An app',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      responses: { 200: App },
      handler: async ({ principal, params }) => ok(await apps.get(principal, params.app)),
    }),
    defineRoute({
      method: 'PATCH',
      url: `${AUTHN}/apps/:app`,
      operationId: 'updateApp',
      summary: 'Update an app',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      body: PatchAppRequest,
      responses: { 200: App },
      handler: async ({ principal, params, body }) => ok(await apps.update(principal, params.app, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${AUTHN}/apps/:app`,
      operationId: 'deleteApp',
      summary: 'Delete an app',
      description: 'With its credentials; its tokens stop working.',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await apps.delete(principal, params.app);
        return noContent();
      },
    }),
    ...(['deactivate', 'activate'] as const).map((verb) =>
      defineRoute({
        method: 'POST',
        url: `${AUTHN}/apps/:app/${verb}`,
        operationId: `${verb}App`,
        summary: verb === 'deactivate' ? 'Deactivate an app' : 'Reactivate an app',
        description:
          verb === 'deactivate'
            ? 'A deactivated app gets no tokens, and its tokens and API keys stop working at once (401311).'
            : 'The app can obtain tokens again.',
        tags: ['Apps'],
        auth: 'identity',
        unscopedOnly: true,
        params: AppParams,
        responses: { 204: z.undefined() },
        async handler({ principal, params }) {
          await apps.setStatus(principal, params.app, verb === 'deactivate' ? 'deactivated' : 'active');
          return noContent();
        },
      }),
    ),
    defineRoute({
      method: 'GET',
      url: `${AUTHN}/apps/:app/defaultScope`,
      operationId: 'getDefaultScope',
      summary: 'Default project of an app',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      responses: { 200: DefaultScopeResponse },
      handler: async ({ principal, params }) => ok(defaultScopeView(await apps.getDefaultScope(principal, params.app))),
    }),
    defineRoute({
      method: 'PUT',
      url: `${AUTHN}/apps/:app/defaultScope`,
      operationId: 'setDefaultScope',
      summary: 'Set the default project of an app',
      description:
        'Token requests without `scope` get this project. `isRestricted`: no other project may be requested. ' +
        '`alwaysProjectScope`: every token and API key is scoped to it.',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      body: DefaultScopeRequest,
      responses: { 200: DefaultScopeResponse },
      async handler({ principal, params, body }) {
        const scope = {
          scope: body.scope,
          isRestricted: body.isRestricted ?? false,
          alwaysProjectScope: body.alwaysProjectScope ?? false,
        };
        await apps.setDefaultScope(principal, params.app, scope);
        return ok(defaultScopeView(scope));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${AUTHN}/apps/:app/defaultScope`,
      operationId: 'removeDefaultScope',
      summary: 'Remove the default project of an app',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await apps.setDefaultScope(principal, params.app, null);
        return noContent();
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHN}/apps/:app/appCreationEnabled`,
      operationId: 'getAppCreationEnabled',
      summary: 'Whether the app may create apps',
      description: '204 when enabled, 404 when not (HERE).',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: AppParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        if (!(await apps.getAppCreationEnabled(principal, params.app))) {
          const { AppError } = await import('../../errors/app-error.js');
          throw new AppError('request.not_found', { detail: 'App creation is not enabled for this app.' });
        }
        return noContent();
      },
    }),
    ...(['PUT', 'DELETE'] as const).map((method) =>
      defineRoute({
        method,
        url: `${AUTHN}/apps/:app/appCreationEnabled`,
        operationId: method === 'PUT' ? 'enableAppCreation' : 'disableAppCreation',
        summary: method === 'PUT' ? 'Let the app create apps' : 'Stop the app from creating apps',
        tags: ['Apps'],
        auth: 'identity',
        unscopedOnly: true,
        params: AppParams,
        responses: { 204: z.undefined() },
        async handler({ principal, params }) {
          await apps.setAppCreationEnabled(principal, params.app, method === 'PUT');
          return noContent();
        },
      }),
    ),
    defineRoute({
      method: 'GET',
      url: `${AUTHN}/users/:user/apps`,
      operationId: 'listUserApps',
      summary: 'Apps a user can act on',
      description: 'For the user themselves, or an OrgAdmin.',
      tags: ['Apps'],
      auth: 'identity',
      unscopedOnly: true,
      params: UserParams,
      query: AppListQuery,
      responses: { 200: AppList },
      async handler({ principal, params, query }) {
        const userId = await accounts.resolveUserReference(principal, params.user);
        const subject = await accounts.actAs(principal, userId);
        return ok(await apps.list(subject, query));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/app/me',
      operationId: 'getMyApp',
      summary: 'The calling app',
      description: 'For an app token, an API key (`?apiKey=`) or a deprecated APP CODE.',
      tags: ['Apps'],
      auth: 'identity',
      acceptApiKey: true,
      responses: { 200: App },
      handler: async ({ principal }) => ok(await apps.me(principal)),
    }),
  ];
}
