import { ActionName, EntityGrant, EntityGrantList, EntityType, GrantQuery, HrnParam } from '@gatehouse/contracts';
import { z } from 'zod';
import type { GrantService } from '../../permissions/grant-service.js';
import { defineRoute, noContent, ok } from '../route.js';

const GRANTS = '/authorization/v1.1/grants/resources/:resource/entities';
const ResourceParams = z.object({ resource: HrnParam });
const EntityParams = ResourceParams.extend({ entity: z.string().min(1).max(512) });
const ActionParams = EntityParams.extend({ action: ActionName });
const common = { tags: ['Grants'], auth: 'identity' as const, unscopedOnly: true };

/**
 * Direct grants on a resource (spec §6.3 Grants). This is how app managers are added (read, write, manage) and how
 * an app is shared (read, write, manage, share). `{resource}` is a URL-encoded HRN.
 */
export function createGrantRoutes({ grants }: { grants: GrantService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: GRANTS,
      operationId: 'listGrants',
      summary: 'Who holds what on a resource',
      params: ResourceParams,
      query: z.object({ entityType: EntityType.optional() }),
      responses: { 200: EntityGrantList },
      handler: async ({ principal, params, query }) =>
        ok(await grants.list(principal, params.resource, query.entityType)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${GRANTS}/:entity`,
      operationId: 'getGrant',
      summary: "An entity's permissions on a resource",
      params: EntityParams,
      query: GrantQuery,
      responses: { 200: EntityGrant },
      handler: async ({ principal, params, query }) =>
        ok(await grants.get(principal, params.resource, params.entity, query.entityType)),
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${GRANTS}/:entity/actions/:action`,
      operationId: 'addGrant',
      summary: 'Grant an action on a resource',
      description: 'Needs `share` or `addGrant:<action>` on the resource. Idempotent.',
      params: ActionParams,
      query: GrantQuery,
      responses: { 200: EntityGrant },
      handler: async ({ principal, params, query }) =>
        ok(await grants.add(principal, params.resource, params.entity, query.entityType, params.action)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${GRANTS}/:entity/actions/:action`,
      operationId: 'removeGrant',
      summary: 'Take back an action on a resource',
      description: 'Needs `share` or `removeGrant:<action>`. Removing the last manager orphans an app.',
      params: ActionParams,
      query: GrantQuery,
      responses: { 204: z.undefined() },
      async handler({ principal, params, query }) {
        await grants.remove(principal, params.resource, params.entity, query.entityType, params.action);
        return noContent();
      },
    }),
  ];
}
