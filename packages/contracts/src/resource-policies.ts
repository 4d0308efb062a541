import { z } from 'zod';
import { displayName, EpochMillis, PageToken, pageWithToken } from './common.js';
import { ProjectAction } from './projects.js';

/**
 * Resource policies and resource plans (Authorization v1.1, spec "Resource Policies"). A resource policy packages
 * resources homed in projects with the actions (and optionally subresources) it grants on them; a resource plan
 * bundles resource policies. An identity holding a plan (directly or through its organization) may perform the
 * policies' actions on their resources. HERE manages plans itself; Gatehouse lets OrgAdmins create and attach them
 * (`/resourcePlans`, a documented extension).
 */

export const ResourcePolicyId = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9\-:]{2,61}[a-zA-Z0-9]$/);

export const ResourcePolicyRequest = z.object({
  id: ResourcePolicyId,
  name: displayName(200),
  description: z.string().max(500).optional(),
});
export const ResourcePolicyPatch = z.object({
  name: displayName(200).optional(),
  description: z.string().max(500).optional(),
});

export const ResourcePolicy = z.object({
  hrn: z.string(),
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export type ResourcePolicy = z.infer<typeof ResourcePolicy>;
export const ResourcePolicyList = pageWithToken(ResourcePolicy);

/** A subresource: a part of a resource such as a region (`usa-il-chicago`, `deu`). */
export const Subresource = z.string().min(1).max(24);
export const Subresources = z.array(Subresource).min(1).max(10);

export const ResourcePolicyResource = z.object({
  resource: z.string().min(1).max(2048),
  allowedActions: z.array(ProjectAction).min(1).max(50),
  subresources: Subresources.optional(),
});
export type ResourcePolicyResource = z.infer<typeof ResourcePolicyResource>;
export const ResourcePolicyResourceList = pageWithToken(ResourcePolicyResource);

export const ResourcePolicyResourcesPayload = z.object({
  resources: z.array(ResourcePolicyResource).min(1).max(100),
});
/** Body of `PUT /resourcePolicies/{rp}/resources/{resource}`. */
export const ResourcePolicyResourceBody = ResourcePolicyResource.omit({ resource: true });

export const ResourcePolicyResourcesResponse = z.object({ statusId: z.string(), href: z.string() });

export const BatchStatus = z.enum(['pending', 'inProgress', 'failure', 'success', 'partialSuccess']);
export const ResourcePolicyResourcesStatus = z.object({
  statusId: z.string(),
  status: BatchStatus,
  items: z.array(
    z.object({
      resource: z.string(),
      status: z.enum(['success', 'failure']),
      /** HERE's error code of a failed item, e.g. `404903`. */
      code: z.string().optional(),
    }),
  ),
});
export type ResourcePolicyResourcesStatus = z.infer<typeof ResourcePolicyResourcesStatus>;

export const ResourcePolicyPageQuery = z.object({
  resource: z.string().min(1).max(2048).optional(),
  type: z.string().max(64).optional(),
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

// --- Resource plans ----------------------------------------------------------------------------------------------

export const ResourcePlanRequest = z.object({
  name: displayName(200),
  description: z.string().max(500).optional(),
  /** Resource policies of the plan, by HRN or id. */
  resourcePolicies: z.array(z.string().min(1).max(512)).min(1).max(100),
});
export const ResourcePlanPatch = ResourcePlanRequest.partial();

export const ResourcePlan = z.object({
  hrn: z.string(),
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  resourcePolicies: z.array(z.string()),
});
export type ResourcePlan = z.infer<typeof ResourcePlan>;

/** How a plan is attached (PUT body): a subscription id, subresources per resource policy HRN, an expiry. */
export const ResourcePlanAttachmentRequest = z.object({
  externalId: z.string().min(1).max(80).optional(),
  subresources: z.record(z.string().max(512), Subresources).optional(),
  expiresAt: EpochMillis.optional(),
});

/** HERE's AttachedResourcePlan. */
export const AttachedResourcePlan = z.object({
  hrn: z.string(),
  externalId: z.string().optional(),
  subresources: z.record(z.string(), z.array(z.string())).optional(),
  expiresAt: z.number().int().optional(),
});
export type AttachedResourcePlan = z.infer<typeof AttachedResourcePlan>;
export const AttachedResourcePlanList = pageWithToken(AttachedResourcePlan);
export const AttachedResourcePolicyList = pageWithToken(z.object({ hrn: z.string() }));

/** A permission of a resource plan's policy: HERE's PermissionWithSubresources. */
export const PermissionWithSubresources = z.object({
  action: z.string(),
  resource: z.string(),
  effect: z.literal('allow'),
  subresources: z.array(z.string()).optional(),
});
export type PermissionWithSubresources = z.infer<typeof PermissionWithSubresources>;
export const PermissionWithSubresourcesPageWithToken = pageWithToken(PermissionWithSubresources);
