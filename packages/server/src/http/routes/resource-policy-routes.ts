import {
  AttachedResourcePlan,
  AttachedResourcePlanList,
  AttachedResourcePolicyList,
  PermissionWithSubresourcesPageWithToken,
  ResourcePlan,
  ResourcePlanAttachmentRequest,
  ResourcePlanPatch,
  ResourcePlanRequest,
  ResourcePolicy,
  ResourcePolicyList,
  ResourcePolicyPageQuery,
  ResourcePolicyPatch,
  ResourcePolicyRequest,
  ResourcePolicyResource,
  ResourcePolicyResourceBody,
  ResourcePolicyResourceList,
  ResourcePolicyResourcesPayload,
  ResourcePolicyResourcesResponse,
  ResourcePolicyResourcesStatus,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { ResourcePolicyService } from '../../resource-policies/resource-policy-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const Reference = z.string().min(1).max(512);
/** A resource HRN, or for DELETE a comma-separated list of them (path segments stay within 512 characters). */
const ResourceReference = z.string().min(1).max(512);
const PolicyParams = z.object({ resourcePolicy: Reference });
const PolicyResourceParams = PolicyParams.extend({ resource: ResourceReference });
const PlanParams = z.object({ resourcePlan: Reference });
const RealmParams = z.object({ realm: z.string().min(1).max(512) });
const RealmPlanParams = RealmParams.extend({ resourcePlan: Reference });
const MemberPlanParams = RealmPlanParams.extend({ member: Reference });
const PageQuery = ResourcePolicyPageQuery.pick({ limit: true, pageToken: true });
const policies = { tags: ['Resource policies'], auth: 'identity' as const };
const plans = { tags: ['Resource plans'], auth: 'identity' as const, unscopedOnly: true };
const EXTENSION = 'Gatehouse extension (HERE manages resource plans itself). Needs `manageResourcePlans` (OrgAdmin).';

/**
 * Resource policies (HERE's Authorization v1.1 "Resource Policies") and resource plans: HERE's reads under
 * `/realms/{realm}/resourcePlans`, Gatehouse's management extension under `/resourcePlans`.
 */
export function createResourcePolicyRoutes({ service }: { service: ResourcePolicyService }) {
  return [
    defineRoute({
      ...policies,
      method: 'POST',
      url: `${AUTHZ}/resourcePolicies`,
      operationId: 'createResourcePolicy',
      summary: 'Create a resource policy',
      description:
        'Needs `createResourcePolicy` (OrgAdmin, ResourceManager) or, with a project-scoped token, `manage` on the ' +
        'project. The creator receives `manageResourcePolicy` and `addGrant:manageResourcePolicy` on it.',
      body: ResourcePolicyRequest,
      responses: { 201: ResourcePolicy },
      handler: async ({ principal, body }) => created(await service.create(principal, body)),
    }),
    defineRoute({
      ...policies,
      method: 'GET',
      url: `${AUTHZ}/resourcePolicies`,
      operationId: 'listResourcePolicies',
      summary: 'Resource policies the caller may read',
      query: ResourcePolicyPageQuery.omit({ type: true }),
      responses: { 200: ResourcePolicyList },
      handler: async ({ principal, query }) => ok(await service.list(principal, query)),
    }),
    defineRoute({
      ...policies,
      method: 'GET',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy`,
      operationId: 'getResourcePolicy',
      summary: 'A resource policy',
      params: PolicyParams,
      responses: { 200: ResourcePolicy },
      handler: async ({ principal, params }) => ok(await service.get(principal, params.resourcePolicy)),
    }),
    defineRoute({
      ...policies,
      method: 'PATCH',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy`,
      operationId: 'updateResourcePolicy',
      summary: 'Update a resource policy',
      params: PolicyParams,
      body: ResourcePolicyPatch,
      responses: { 200: ResourcePolicy },
      handler: async ({ principal, params, body }) => ok(await service.update(principal, params.resourcePolicy, body)),
    }),
    defineRoute({
      ...policies,
      method: 'DELETE',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy`,
      operationId: 'deleteResourcePolicy',
      summary: 'Delete a resource policy',
      params: PolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await service.delete(principal, params.resourcePolicy);
        return noContent();
      },
    }),
    defineRoute({
      ...policies,
      method: 'POST',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources`,
      operationId: 'addResourcePolicyResources',
      summary: 'Add resources to a resource policy',
      description:
        'Each resource must be homed in a project the caller manages; actions must be project-linking enabled. ' +
        'Answers 202 with the status of the batch.',
      params: PolicyParams,
      body: ResourcePolicyResourcesPayload,
      responses: { 202: ResourcePolicyResourcesResponse },
      handler: async ({ principal, params, body }) => ({
        status: 202 as const,
        body: await service.addResources(principal, params.resourcePolicy, body.resources),
      }),
    }),
    defineRoute({
      ...policies,
      method: 'GET',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources`,
      operationId: 'listResourcePolicyResources',
      summary: 'Resources of a resource policy',
      params: PolicyParams,
      query: ResourcePolicyPageQuery.omit({ resource: true }),
      responses: { 200: ResourcePolicyResourceList },
      handler: async ({ principal, params, query }) =>
        ok(await service.listResources(principal, params.resourcePolicy, query)),
    }),
    defineRoute({
      ...policies,
      method: 'GET',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources/status/:statusId`,
      operationId: 'getResourcePolicyResourcesStatus',
      summary: 'Status of a batch of resources added to a resource policy',
      params: PolicyParams.extend({ statusId: z.string().min(1).max(100) }),
      responses: { 200: ResourcePolicyResourcesStatus },
      handler: async ({ principal, params }) =>
        ok(await service.batchStatus(principal, params.resourcePolicy, params.statusId)),
    }),
    defineRoute({
      ...policies,
      method: 'GET',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources/:resource`,
      operationId: 'getResourcePolicyResource',
      summary: 'One resource of a resource policy',
      params: PolicyResourceParams,
      responses: { 200: ResourcePolicyResource },
      handler: async ({ principal, params }) =>
        ok(await service.getResource(principal, params.resourcePolicy, params.resource)),
    }),
    defineRoute({
      ...policies,
      method: 'PUT',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources/:resource`,
      operationId: 'putResourcePolicyResource',
      summary: 'Add or replace one resource of a resource policy',
      params: PolicyResourceParams,
      body: ResourcePolicyResourceBody,
      responses: { 200: ResourcePolicyResource },
      handler: async ({ principal, params, body }) =>
        ok(await service.putResource(principal, params.resourcePolicy, params.resource, body)),
    }),
    defineRoute({
      ...policies,
      method: 'DELETE',
      url: `${AUTHZ}/resourcePolicies/:resourcePolicy/resources/:resource`,
      operationId: 'removeResourcePolicyResources',
      summary: 'Remove resources (comma-separated HRNs) from a resource policy',
      params: PolicyResourceParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await service.removeResources(principal, params.resourcePolicy, params.resource);
        return noContent();
      },
    }),

    // --- Resource plans: HERE's reads ------------------------------------------------------------------------------
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/linkable/permissions`,
      operationId: 'listRealmLinkablePermissions',
      summary: 'Linkable permissions of the organization',
      description:
        'The permissions of the resource plans attached to the organization, which every member has, with their ' +
        'subresources. `readPermissions` on the organization. `serviceId` is accepted and ignored.',
      params: RealmParams,
      query: PageQuery.extend({
        resourceType: z.string().min(1).max(100).optional(),
        serviceId: z.string().max(200).optional(),
      }),
      responses: { 200: PermissionWithSubresourcesPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await service.realmLinkablePermissions(principal, params.realm, query)),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/resourcePlans`,
      operationId: 'listRealmResourcePlans',
      summary: 'Resource plans attached to the organization',
      params: RealmParams,
      query: PageQuery,
      responses: { 200: AttachedResourcePlanList },
      handler: async ({ principal, params, query }) =>
        ok(await service.attachedPlans(principal, params.realm, undefined, query)),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/resourcePlans/:resourcePlan/resourcePolicies`,
      operationId: 'listRealmResourcePlanPolicies',
      summary: 'Resource policies of a resource plan attached to the organization',
      params: RealmPlanParams,
      query: PageQuery.extend({ externalId: z.string().min(1).max(80).optional() }),
      responses: { 200: AttachedResourcePolicyList },
      handler: async ({ principal, params, query }) =>
        ok(await service.attachedPlanPolicies(principal, params.realm, params.resourcePlan, query)),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/resourcePlans/:resourcePlan/resourcePolicies/:resourcePolicy/permissions`,
      operationId: 'listRealmResourcePlanPolicyPermissions',
      summary: 'Permissions a resource plan attached to the organization gives through one resource policy',
      params: RealmPlanParams.extend({ resourcePolicy: Reference }),
      query: PageQuery,
      responses: { 200: PermissionWithSubresourcesPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(
          await service.attachedPlanPolicyPermissions(
            principal,
            params.realm,
            params.resourcePlan,
            params.resourcePolicy,
            query,
          ),
        ),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/resourcePlans`,
      operationId: 'listMemberResourcePlans',
      summary: 'Resource plans attached to a member',
      description: 'Gatehouse extension. The member itself, or `readResourcePlans` (OrgAdmin).',
      params: RealmParams.extend({ member: Reference }),
      query: PageQuery,
      responses: { 200: AttachedResourcePlanList },
      handler: async ({ principal, params, query }) =>
        ok(await service.attachedPlans(principal, params.realm, params.member, query)),
    }),

    // --- Resource plans: Gatehouse's management extension ----------------------------------------------------------
    defineRoute({
      ...plans,
      method: 'POST',
      url: `${AUTHZ}/resourcePlans`,
      operationId: 'createResourcePlan',
      summary: 'Create a resource plan',
      description: EXTENSION,
      body: ResourcePlanRequest,
      responses: { 201: ResourcePlan },
      handler: async ({ principal, body }) => created(await service.createPlan(principal, body)),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/resourcePlans`,
      operationId: 'listResourcePlans',
      summary: 'Resource plans of the organization',
      description: 'Gatehouse extension. Needs `readResourcePlans` (OrgAdmin).',
      query: PageQuery,
      responses: {
        200: z.object({
          limit: z.number(),
          total: z.number(),
          pageToken: z.string().optional(),
          items: z.array(ResourcePlan),
        }),
      },
      handler: async ({ principal, query }) => ok(await service.listPlans(principal, query)),
    }),
    defineRoute({
      ...plans,
      method: 'GET',
      url: `${AUTHZ}/resourcePlans/:resourcePlan`,
      operationId: 'getResourcePlan',
      summary: 'A resource plan',
      description: 'Gatehouse extension. Needs `readResourcePlans` (OrgAdmin).',
      params: PlanParams,
      responses: { 200: ResourcePlan },
      handler: async ({ principal, params }) => ok(await service.getPlan(principal, params.resourcePlan)),
    }),
    defineRoute({
      ...plans,
      method: 'PATCH',
      url: `${AUTHZ}/resourcePlans/:resourcePlan`,
      operationId: 'updateResourcePlan',
      summary: 'Update a resource plan',
      description: EXTENSION,
      params: PlanParams,
      body: ResourcePlanPatch,
      responses: { 200: ResourcePlan },
      handler: async ({ principal, params, body }) =>
        ok(await service.updatePlan(principal, params.resourcePlan, body)),
    }),
    defineRoute({
      ...plans,
      method: 'DELETE',
      url: `${AUTHZ}/resourcePlans/:resourcePlan`,
      operationId: 'deleteResourcePlan',
      summary: 'Delete a resource plan (and its attachments)',
      description: EXTENSION,
      params: PlanParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await service.deletePlan(principal, params.resourcePlan);
        return noContent();
      },
    }),
    ...(
      [
        { url: `${AUTHZ}/realms/:realm/resourcePlans/:resourcePlan`, params: RealmPlanParams, on: 'Organization' },
        {
          url: `${AUTHZ}/realms/:realm/members/:member/resourcePlans/:resourcePlan`,
          params: MemberPlanParams,
          on: 'Member',
        },
      ] as const
    ).flatMap(({ url, params, on }) => [
      defineRoute({
        ...plans,
        method: 'PUT',
        url,
        operationId: `attachResourcePlanTo${on}`,
        summary: `Attach a resource plan to the ${on.toLowerCase()}`,
        description: `${EXTENSION} Replaces how the plan was attached (externalId, subresources, expiresAt).`,
        params,
        body: ResourcePlanAttachmentRequest,
        responses: { 200: AttachedResourcePlan },
        handler: async ({ principal, params: values, body }) =>
          ok(
            await service.attach(
              principal,
              values.realm,
              'member' in values ? values.member : undefined,
              values.resourcePlan,
              body,
            ),
          ),
      }),
      defineRoute({
        ...plans,
        method: 'DELETE',
        url,
        operationId: `detachResourcePlanFrom${on}`,
        summary: `Detach a resource plan from the ${on.toLowerCase()}`,
        description: EXTENSION,
        params,
        responses: { 204: z.undefined() },
        async handler({ principal, params: values }) {
          await service.detach(
            principal,
            values.realm,
            'member' in values ? values.member : undefined,
            values.resourcePlan,
          );
          return noContent();
        },
      }),
    ]),
  ];
}
