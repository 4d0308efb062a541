import {
  ExternalResourceList,
  ExternalResourceQuery,
  PageToken,
  ProjectParams,
  ProjectResourceParams,
  ProjectResourceQuery,
  RealmResourceQuery,
  RegisterResourceRequest,
  ResourceInProjectList,
  ResourceLinkActionBody,
  ResourceList,
  ResourceListQuery,
  ResourceParams,
  ResourceProjectList,
  ResourceRelation,
  ResourceRelationList,
  ResourceRelationResponse,
  ResourceRelationResponseList,
  ResourceResponse,
} from '@gatehouse/contracts';
import { z } from 'zod';
import { fieldError, invalidData } from '../../errors/app-error.js';
import type { ResourceService } from '../../projects/resource-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const TAGS = ['Resources'];
const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(100),
  pageToken: PageToken.optional(),
});

/**
 * Registered resources (spec §6.3 "Resources") and their place in projects ("Project Resource Management").
 * `{resource}` is the resource HRN, percent-encoded or with raw colons.
 */
export function createResourceRoutes({ resources }: { resources: ResourceService }) {
  return [
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/resources`,
      operationId: 'registerResource',
      summary: 'Register a resource (Gatehouse extension)',
      description:
        'For HERE services that create resources: a catalog, schema, pipeline, … owned by the organization, ' +
        'outside projects or created in a home project. With a project-scoped token the resource is created in ' +
        "that project, which needs `create` on its type through the caller's project policies; without a scope " +
        'it needs `registerResource` on the organization (OrgAdmin, ResourceManager), and resources outside ' +
        'projects give their creator read, write, manage and share. 409 when the HRN is already registered.',
      tags: TAGS,
      auth: 'identity',
      body: RegisterResourceRequest,
      responses: { 201: ResourceResponse },
      handler: async ({ principal, body }) => created(await resources.register(principal, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resources`,
      operationId: 'listResources',
      summary: 'Resources I can reach',
      description:
        "A project-scoped token lists its project's resources; an unscoped one the resources of the caller's " +
        'projects and those outside projects it holds permissions on.',
      tags: TAGS,
      auth: 'identity',
      query: ResourceListQuery,
      responses: { 200: ResourceList },
      handler: async ({ principal, query }) =>
        ok(
          await resources.list(principal, {
            type: query.resourceType ?? query.type,
            access: query.access,
            referenceable: query.referenceable,
            linkable: query.linkable,
            limit: query.limit,
            pageToken: query.pageToken,
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/realm/resources`,
      operationId: 'listRealmResources',
      summary: "The organization's resources of a type",
      description:
        'In projects or outside them. Only with a project-scoped token; needs `listRealmResources` on the ' +
        'organization (OrgAdmin, ResourceManager).',
      tags: TAGS,
      auth: 'identity',
      scopedOnly: true,
      query: RealmResourceQuery,
      responses: { 200: ResourceList },
      handler: async ({ principal, query }) => ok(await resources.listInRealm(principal, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/realm/externalResources`,
      operationId: 'listExternalResources',
      summary: 'Resources of other projects reached through resource plans',
      description:
        "Resources homed in projects (other than the token's) that the resource plans attached to the caller, " +
        'its groups or its organization reach, as decisions answer: with `action`, those it may perform; ' +
        'subresources when limited, `expiresAt` when the plans end.',
      tags: TAGS,
      auth: 'identity',
      query: ExternalResourceQuery,
      responses: { 200: ExternalResourceList },
      handler: async ({ principal, query }) =>
        ok(
          await resources.externalResources(principal, {
            resourceType: query.resourceType ?? query.type,
            action: query.action,
            limit: query.limit,
            pageToken: query.pageToken,
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resources/:resource`,
      operationId: 'getResource',
      summary: 'A resource',
      description:
        'Decided like any access to the resource: one in a project needs a token scoped to that project, one ' +
        'outside projects an unscoped token.',
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      responses: { 200: ResourceResponse },
      handler: async ({ principal, params }) => ok(await resources.get(principal, params.resource)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/resources/:resource/projects`,
      operationId: 'listResourceProjects',
      summary: 'Projects a resource is part of',
      tags: TAGS,
      auth: 'identity',
      params: ResourceParams,
      query: PageQuery,
      responses: { 200: ResourceProjectList },
      handler: async ({ principal, params, query }) =>
        ok(await resources.projectsOf(principal, params.resource, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/projects/:project/resources`,
      operationId: 'listProjectResources',
      summary: 'Resources of a project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      query: ProjectResourceQuery,
      responses: { 200: ResourceInProjectList },
      handler: async ({ principal, params, query }) =>
        ok(await resources.listInProject(principal, params.project, query)),
    }),
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/projects/:project/resources`,
      operationId: 'addProjectResources',
      summary: 'Home resources in, or link them into, a project',
      description:
        '`relation=home`: `manageResourceHome` on the project and `share` on each resource. `relation=reference`: ' +
        '`manageResourceReferences` on the project, the caller a member, each resource referenceable, with the ' +
        'actions the link allows. At most 20 resources per request.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      query: z.object({ relation: ResourceRelation.optional(), type: ProjectResourceQuery.shape.type }),
      body: ResourceRelationList,
      responses: { 201: ResourceRelationResponseList },
      async handler({ principal, params, query, body }) {
        // Checked after the body, so that a client sees every mistake of its request at once.
        if (query.relation === undefined) throw invalidData(fieldError('relation', 'required'));
        return created({
          items: await resources.addToProject(principal, params.project, query.relation, body, query.type),
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/projects/:project/resources/:resource`,
      operationId: 'getProjectResource',
      summary: 'A resource of a project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectResourceParams,
      query: ProjectResourceQuery.pick({ relation: true, externalId: true }),
      responses: { 200: ResourceRelationResponse },
      handler: async ({ principal, params, query }) =>
        ok(await resources.getInProject(principal, params.project, params.resource, query)),
    }),
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/projects/:project/resources/:resource`,
      operationId: 'addProjectResource',
      summary: 'Home one resource in, or link it into, a project',
      description: '409 when the resource is already there with this relation (and external id).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectResourceParams,
      query: ProjectResourceQuery.pick({ relation: true, externalId: true, type: true }),
      body: ResourceLinkActionBody.optional(),
      responses: { 201: ResourceRelationResponse },
      handler: async ({ principal, params, query, body }) =>
        created(
          await resources.addOneToProject(
            principal,
            params.project,
            query.relation ?? 'reference',
            {
              resource: params.resource,
              ...(query.externalId !== undefined ? { externalId: query.externalId } : {}),
              ...(body?.allowedActions !== undefined ? { allowedActions: body.allowedActions } : {}),
              ...(body?.subresources !== undefined ? { subresources: body.subresources } : {}),
            },
            query.type,
          ),
        ),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${AUTHZ}/projects/:project/resources/:resource`,
      operationId: 'removeProjectResource',
      summary: 'Remove a resource from a project',
      description: 'Home: the resource then lives outside projects. Reference: the links (one external id, or all).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectResourceParams,
      query: ProjectResourceQuery.pick({ relation: true, externalId: true }),
      responses: { 204: z.undefined() },
      async handler({ principal, params, query }) {
        await resources.removeFromProject(principal, params.project, params.resource, query);
        return noContent();
      },
    }),
  ];
}
