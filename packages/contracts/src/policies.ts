import { z } from 'zod';
import { displayName, PageToken, pageWithToken } from './common.js';
import { ActionName } from './grants.js';
import { parseHrn } from './hrn.js';

/**
 * Organization policies (collections of permissions) and plans (collections of policies), spec §7.2. HERE exposes
 * them read-only under `/realms/{realm}/…`; Gatehouse adds their management for OrgAdmins (`/policies`, `/plans`,
 * attachments to members) as a documented extension. Like all unscoped permissions they reach only resources
 * outside projects, and only with tokens without a project scope.
 */

/** A permission of a policy: an action (or `*`) on a resource HRN or pattern; `allow` unless said otherwise. */
export const PolicyPermission = z.object({
  action: z.union([ActionName, z.literal('*')]),
  resource: z
    .string()
    .max(2048)
    .refine((value) => parseHrn(value) !== undefined, { params: { fieldError: 'invalidHrn' } }),
  effect: z.enum(['allow', 'deny']).optional(),
});

export const Policy = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  permissionCount: z.number().int(),
  createdTime: z.number().int(),
  updatedTime: z.number().int(),
});
export type Policy = z.infer<typeof Policy>;

export const PolicyList = pageWithToken(Policy);

export const CreatePolicyRequest = z.object({
  name: displayName(200),
  description: z.string().max(500).optional(),
  permissions: z.array(PolicyPermission).min(1).max(100),
});
export const UpdatePolicyRequest = z.object({
  name: displayName(200).optional(),
  description: z.string().max(500).nullable().optional(),
  permissions: z.array(PolicyPermission).min(1).max(100).optional(),
});

export const Plan = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  /** HRNs of the plan's policies. */
  policies: z.array(z.string()),
  createdTime: z.number().int(),
  updatedTime: z.number().int(),
});
export type Plan = z.infer<typeof Plan>;

export const PlanList = pageWithToken(Plan);

/** Policies of a plan, by HRN or id. */
const PolicyReferences = z.array(z.string().min(1).max(512)).min(1).max(100);

export const CreatePlanRequest = z.object({
  name: displayName(200),
  description: z.string().max(500).optional(),
  policies: PolicyReferences,
});
export const UpdatePlanRequest = z.object({
  name: displayName(200).optional(),
  description: z.string().max(500).nullable().optional(),
  policies: PolicyReferences.optional(),
});

export const PolicyPageQuery = z.object({
  serviceId: z.string().max(200).optional(),
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
