import { z } from 'zod';
import { displayName, PageToken, pageWithToken } from './common.js';
import { ActionName } from './grants.js';
import { parseHrn } from './hrn.js';
import { Subresource } from './resource-policies.js';

const Hrn = z
  .string()
  .max(2048)
  .refine((value) => parseHrn(value) !== undefined, { params: { fieldError: 'invalidHrn' } });

/**
 * A statement of an access filter (spec §7.3): whether a category of permissions (`unscoped`, `scoped`,
 * `linkable`) is evaluated for requests matching `actions`, `resource` and `scope` (a project HRN, `*` for every
 * project-scoped request, absent for unscoped requests). Among matching statements the highest `priority` decides;
 * a tie goes to `evaluate: true`; with none the category is evaluated. Filters never grant.
 */
export const AccessFilterStatement = z.object({
  description: z.string().max(500).optional(),
  permissions: z.enum(['unscoped', 'scoped', 'linkable']),
  /** Absent or empty: every action. */
  actions: z.array(ActionName).max(100).optional(),
  resource: Hrn.optional(),
  scope: z.union([z.literal('*'), Hrn]).optional(),
  /** For allows limited to subresources: the subresources this statement lets through (union over matches). */
  subresources: z.array(Subresource).min(1).max(100).optional(),
  evaluate: z.boolean(),
  priority: z.number().int().min(0).max(1000),
});
export type AccessFilterStatement = z.infer<typeof AccessFilterStatement>;

/** `{type: "custom", name, statements}`; HERE's `virtual` filters (generated from plans) are not supported. */
export const AccessFilterRequest = z.object({
  type: z.string().refine((value) => value === 'custom', { params: { fieldError: 'invalid' } }),
  name: displayName(200),
  statements: z.array(AccessFilterStatement).min(1).max(100),
});
export type AccessFilterRequest = z.infer<typeof AccessFilterRequest>;

/**
 * An access filter as Gatehouse answers it: a custom filter of the organization, or the `here-platform` filter
 * `project-eval-unscoped` with which HERE shows that a project's `scopeAccess` is `thisProjectOrNoProject`.
 */
export const AccessFilter = z.object({
  hrn: z.string(),
  type: z.enum(['custom', 'here-platform']),
  name: z.string(),
  statements: z.array(AccessFilterStatement),
});
export type AccessFilter = z.infer<typeof AccessFilter>;

export const AccessFilterList = pageWithToken(AccessFilter);

export const AccessFilterListQuery = z.object({
  realm: z.string().max(64).optional(),
  type: z.enum(['here-platform', 'custom', 'virtual']).optional(),
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** Who a filter is attached to: a user, app, role, project or the whole organization. */
export const AccessFilterMember = z.object({
  memberHrn: z.string(),
  entityType: z.enum(['user', 'app', 'group', 'role', 'project', 'realm']),
});
export const AccessFilterMemberList = pageWithToken(AccessFilterMember);

/** A filter attached to a member; `expiresAt` (epoch milliseconds) ends the attachment. */
export const AccessFilterAttachment = z.object({ hrn: z.string(), expiresAt: z.number().int().optional() });
export const AccessFilterAttachmentList = pageWithToken(AccessFilterAttachment);
export const AccessFilterAttachmentRequest = z.object({ expiresAt: z.number().int().positive().optional() });

/** `POST /realms/{realm}/filter`: the organization's one filter, replaced. */
export const AccessFilterIdentifier = z.object({ hrn: z.string().min(1).max(2048) });

export const FilterPageQuery = z.object({
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
