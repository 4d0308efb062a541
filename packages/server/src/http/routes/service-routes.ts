import {
  ResourceTypeActionsQuery,
  ResourceTypeInfoList,
  ResourceTypeListQuery,
  ResourceTypeParams,
  ServiceActionsList,
  ServiceInformation,
  ServiceInformationList,
  ServiceListQuery,
  ServiceParams,
} from '@gatehouse/contracts';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { defineRoute, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const TAGS = ['Services'];

/**
 * The built-in service catalog (spec §6.3 "Services", "Resources"): the HERE services Gatehouse decides for, their
 * resource types, and the actions of each type by HERE's action types.
 */
export function createServiceRoutes({ catalog }: { catalog: CatalogService }) {
  return [
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/services`,
      operationId: 'listServices',
      summary: 'Services',
      description: 'Every service, or the one with `serviceIdAlias`. Needs `readServices` (every member holds it).',
      tags: TAGS,
      auth: 'identity',
      query: ServiceListQuery,
      responses: { 200: ServiceInformationList },
      handler: async ({ principal, query }) => ok(await catalog.list(principal, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/services/resourceTypes`,
      operationId: 'listServiceResourceTypes',
      summary: 'Resource types of the services',
      description: 'Every resource type with the service it belongs to. Needs `readServices`.',
      tags: TAGS,
      auth: 'identity',
      query: ResourceTypeListQuery,
      responses: { 200: ResourceTypeInfoList },
      handler: async ({ principal, query }) => ok(await catalog.resourceTypes(principal, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/services/:serviceId`,
      operationId: 'getService',
      summary: 'A service',
      description: 'By id (`SERVICE-…`) or alias (`data`, `pipeline`, …). Needs `readServices`. 404 when unknown.',
      tags: TAGS,
      auth: 'identity',
      params: ServiceParams,
      responses: { 200: ServiceInformation },
      handler: async ({ principal, params }) => ok(await catalog.get(principal, params.serviceId)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resourceTypes/:resourceType/actions`,
      operationId: 'listResourceTypeActions',
      summary: 'Actions of a resource type',
      description:
        'The actions of one action type (`actionType`, also spelled `type`), or every action of the resource ' +
        'type. Any signed-in identity. 404 for a type Gatehouse does not know.',
      tags: ['Resources'],
      auth: 'identity',
      params: ResourceTypeParams,
      query: ResourceTypeActionsQuery,
      responses: { 200: ServiceActionsList },
      handler: ({ params, query }) => ok(catalog.actions(params.resourceType, query.actionType ?? query.type)),
    }),
  ];
}
