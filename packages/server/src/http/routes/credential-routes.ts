import {
  AccessKeyList,
  ApiKey,
  ApiKeyList,
  AppCode,
  CreateApiKeyRequest,
  CreatedAccessKey,
  PageLimitQuery,
  UpdateApiKeyRequest,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { AppService } from '../../apps/app-service.js';
import type { CredentialService } from '../../credentials/credential-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHN = '/authentication/v1.1';
const AppParams = z.object({ app: z.string().min(1).max(512) });
const AccessKeyParams = AppParams.extend({ accessKey: z.string().min(1).max(512) });
const ApiKeyParams = AppParams.extend({ apiKey: z.string().min(1).max(512) });
const common = { tags: ['Credentials'], auth: 'identity' as const, unscopedOnly: true };

/** Access keys, API keys and the deprecated APP CODE of an app (spec §6.2). */
export function createCredentialRoutes({ credentials, apps }: { credentials: CredentialService; apps: AppService }) {
  return [
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHN}/apps/:app/accessKeys`,
      operationId: 'createAccessKey',
      summary: 'Create OAuth 2.0 credentials (an access key)',
      description:
        'The only answer that shows the secret, together with the credentials.properties text. ' +
        'With `Accept: text/plain` the answer is the credentials.properties file itself.',
      params: AppParams,
      responses: { 200: z.union([CreatedAccessKey, z.string()]) },
      async handler({ principal, params, request, reply }) {
        const key = await credentials.createAccessKey(principal, params.app);
        if (prefersText(request.headers.accept)) {
          reply.type('text/plain; charset=utf-8');
          reply.header('Content-Disposition', 'attachment; filename="credentials.properties"');
          return ok(key.credentialsProperties);
        }
        return ok(key);
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHN}/apps/:app/accessKeys`,
      operationId: 'listAccessKeys',
      summary: 'Access keys of an app',
      description: 'With the time each was last used; never the secrets.',
      params: AppParams,
      query: PageLimitQuery,
      responses: { 200: AccessKeyList },
      handler: async ({ principal, params, query }) =>
        ok(await credentials.listAccessKeys(principal, params.app, query)),
    }),
    ...(['enable', 'disable'] as const).map((verb) =>
      defineRoute({
        ...common,
        method: 'POST',
        url: `${AUTHN}/apps/:app/accessKeys/:accessKey/${verb}`,
        operationId: `${verb}AccessKey`,
        summary: verb === 'enable' ? 'Enable an access key' : 'Disable an access key',
        description:
          verb === 'disable'
            ? 'It gets no tokens (401424) and the tokens it obtained stop working at once.'
            : 'It can obtain tokens again.',
        params: AccessKeyParams,
        responses: { 204: z.undefined() },
        async handler({ principal, params }) {
          await credentials.setAccessKeyEnabled(principal, params.app, params.accessKey, verb === 'enable');
          return noContent();
        },
      }),
    ),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHN}/apps/:app/accessKeys/:accessKey`,
      operationId: 'deleteAccessKey',
      summary: 'Delete an access key',
      params: AccessKeyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await credentials.deleteAccessKey(principal, params.app, params.accessKey);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHN}/apps/:app/apiKeys`,
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description:
        'At most 2 per app (409303): create the second, move clients to it, delete the first. `apiKeyId` is the ' +
        'usable key and appears only in this answer.',
      params: AppParams,
      body: CreateApiKeyRequest,
      responses: { 201: ApiKey },
      handler: async ({ principal, params, body }) =>
        created(await credentials.createApiKey(principal, params.app, body)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHN}/apps/:app/apiKeys`,
      operationId: 'listApiKeys',
      summary: 'API keys of an app',
      params: AppParams,
      responses: { 200: ApiKeyList },
      handler: async ({ principal, params }) => ok(await credentials.listApiKeys(principal, params.app)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHN}/apps/:app/apiKeys/:apiKey`,
      operationId: 'getApiKey',
      summary: 'An API key',
      params: ApiKeyParams,
      responses: { 200: ApiKey },
      handler: async ({ principal, params }) => ok(await credentials.getApiKey(principal, params.app, params.apiKey)),
    }),
    defineRoute({
      ...common,
      method: 'PATCH',
      url: `${AUTHN}/apps/:app/apiKeys/:apiKey`,
      operationId: 'updateApiKey',
      summary: 'Rename an API key or change its expiry',
      params: ApiKeyParams,
      body: UpdateApiKeyRequest,
      responses: { 200: ApiKey },
      handler: async ({ principal, params, body }) =>
        ok(await credentials.updateApiKey(principal, params.app, params.apiKey, body)),
    }),
    ...(['enable', 'disable'] as const).map((verb) =>
      defineRoute({
        ...common,
        method: 'POST',
        url: `${AUTHN}/apps/:app/apiKeys/:apiKey/${verb}`,
        operationId: `${verb}ApiKey`,
        summary: verb === 'enable' ? 'Enable an API key' : 'Disable an API key',
        params: ApiKeyParams,
        responses: { 204: z.undefined() },
        async handler({ principal, params }) {
          await credentials.setApiKeyEnabled(principal, params.app, params.apiKey, verb === 'enable');
          return noContent();
        },
      }),
    ),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHN}/apps/:app/apiKeys/:apiKey`,
      operationId: 'deleteApiKey',
      summary: 'Delete an API key',
      params: ApiKeyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await credentials.deleteApiKey(principal, params.app, params.apiKey);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHN}/apps/:app/appCode`,
      operationId: 'getAppCode',
      summary: 'The deprecated APP CODE of an app',
      description: 'Deprecated: APP CODE credentials keep working, but new clients should use API keys or tokens.',
      params: AppParams,
      responses: { 200: AppCode },
      handler: async ({ principal, params }) => ok(await apps.getAppCode(principal, params.app)),
    }),
    defineRoute({
      ...common,
      method: 'PUT',
      url: `${AUTHN}/apps/:app/appCode`,
      operationId: 'enableAppCode',
      summary: 'Give an app a legacy APP CODE',
      description: 'Deprecated; for clients that cannot move to API keys yet. Idempotent.',
      params: AppParams,
      responses: { 200: AppCode },
      handler: async ({ principal, params }) => ok(await apps.enableAppCode(principal, params.app)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHN}/apps/:app/appCode`,
      operationId: 'disableAppCode',
      summary: 'Remove the legacy APP CODE of an app',
      params: AppParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await apps.disableAppCode(principal, params.app);
        return noContent();
      },
    }),
  ];
}

function prefersText(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((entry) => entry.split(';')[0]?.trim().toLowerCase());
  return types[0] === 'text/plain';
}
