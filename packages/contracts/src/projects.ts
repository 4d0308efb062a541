import { z } from 'zod';
import { displayName, PageToken } from './common.js';

/** Project ids (spec §7.6): 4 to 16 lowercase letters, digits and hyphens, no leading or trailing hyphen. */
export const ProjectId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,14}[a-z0-9]$/);

/** Custom project policy ids: the same rule as project ids (`ProjectPolicyRequestBody.id`). */
export const ProjectPolicyId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,14}[a-z0-9]$/);

const Description = z.string().max(500);

/** `POST /projects` (`ProjectRequest`). */
export const ProjectRequest = z.object({ id: ProjectId, name: displayName(200), description: Description.optional() });
export type ProjectRequest = z.infer<typeof ProjectRequest>;

/** `PATCH /projects/{project}` (`PatchProject`): the given fields change. */
export const PatchProject = z.object({ name: displayName(200).optional(), description: Description.optional() });
export type PatchProject = z.infer<typeof PatchProject>;

/** HERE's `ProjectResponse`. */
export const ProjectResponse = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export type ProjectResponse = z.infer<typeof ProjectResponse>;

/** `{limit, pageToken, total, items}` (`ProjectListWithPageToken`). */
export const ProjectList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  total: z.number().int(),
  items: z.array(ProjectResponse),
});
export type ProjectList = z.infer<typeof ProjectList>;

const Limit = z.coerce.number().int().min(1).max(100);
/** `true`/`false` query flags as HERE's clients send them. */
const QueryFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `GET /projects?q&limit&pageToken`: `q` searches id, name and description. */
export const ProjectListQuery = z.object({
  q: z.string().min(1).max(200).optional(),
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});

/** `GET /projects/me?canManage&isMember` (isMember defaults to true). */
export const MyProjectsQuery = z.object({
  canManage: QueryFlag.optional(),
  isMember: QueryFlag.optional(),
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});

/**
 * A path segment naming a project (id or HRN), a member (user, app or group HRN) or a policy (HRN or id), percent-
 * encoded or with raw colons. What it names is resolved by the service: anything unknown is a 404.
 */
export const PathReference = z.string().min(1).max(512);
export const ProjectParams = z.object({ project: PathReference });
export const ProjectMemberParams = ProjectParams.extend({ member: PathReference });
export const ProjectPolicyParams = ProjectParams.extend({ policy: PathReference });
export const ProjectMemberPolicyParams = ProjectMemberParams.extend({ policy: PathReference });

export const ProjectIdentityType = z.enum(['user', 'app', 'group']);

/** HERE's `ProjectMember`: `info` describes the user, app or group. */
export const ProjectMember = z.object({
  project: z.string(),
  member: z.string(),
  identityType: ProjectIdentityType,
  info: z.record(z.string(), z.unknown()),
});
export type ProjectMember = z.infer<typeof ProjectMember>;

/** `ProjectMemberListWithPageToken`; without `total` when `onlyIncludeIdentities=true`. */
export const ProjectMemberList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  total: z.number().int().optional(),
  items: z.array(ProjectMember),
});

export const ProjectMembersQuery = z.object({
  onlyIncludeIdentities: QueryFlag.optional(),
  limit: Limit.default(10),
  pageToken: PageToken.optional(),
});

/** `POST /projects/{project}/members/{member}` answers 200 with this when the member was already there. */
export const ProjectMemberExists = z.object({ message: z.string() });

/** Resource types of HERE services: catalog, schema, pipeline, … */
export const ResourceType = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/);

/** Action names of project policies: `readResource`, `create`, `*`, … */
export const ProjectAction = z
  .string()
  .regex(/^(?:\*|[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)?)$/)
  .max(100);

/** One permission of a project policy: actions on resources matching an HRN pattern, or on a resource type. */
export const ProjectPolicyPermission = z
  .object({
    resource: z.string().min(1).max(2048).optional(),
    resourceType: z.union([ResourceType, z.literal('*')]).optional(),
    allowedActions: z.array(ProjectAction).min(1).max(50),
  })
  .refine((permission) => (permission.resource === undefined) !== (permission.resourceType === undefined), {
    message: 'Exactly one of resource and resourceType.',
  })
  .refine((permission) => permission.resource === undefined || permission.resource.startsWith('hrn:'), {
    path: ['resource'],
  });
export type ProjectPolicyPermission = z.infer<typeof ProjectPolicyPermission>;

/**
 * `POST /projects/{project}/policies` (`ProjectPolicyRequestBody`). The permission count is checked by the service
 * so that too many answers HERE's 422000 MaxPolicyPermissions.
 */
export const ProjectPolicyRequest = z.object({
  id: ProjectPolicyId,
  name: displayName(200),
  description: Description.optional(),
  permissions: z.array(ProjectPolicyPermission).min(1).max(1000),
});
export type ProjectPolicyRequest = z.infer<typeof ProjectPolicyRequest>;

/** `PUT /projects/{project}/policies/{policy}`: the id stays. */
export const ProjectPolicyUpdate = ProjectPolicyRequest.omit({ id: true });
export type ProjectPolicyUpdate = z.infer<typeof ProjectPolicyUpdate>;

export const ProjectPolicyType = z.enum(['custom', 'here-platform']);

/** HERE's `ProjectPolicyResponse`. */
export const ProjectPolicyResponse = z.object({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  type: ProjectPolicyType,
  permissions: z.array(
    z.object({
      resource: z.string().optional(),
      resourceType: z.string().optional(),
      allowedActions: z.array(z.string()),
    }),
  ),
});
export type ProjectPolicyResponse = z.infer<typeof ProjectPolicyResponse>;

/** `PageWithTokenNoTotal` of project policies. */
export const ProjectPolicyList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ProjectPolicyResponse),
});

/** `GET /projects/{project}/policies?type` (HERE also names it `projectPolicyType`). */
export const ProjectPolicyListQuery = z.object({
  type: ProjectPolicyType.optional(),
  projectPolicyType: ProjectPolicyType.optional(),
});

/** HERE's `AttachedPolicies`: policy HRNs attached to a project or to one of its members. */
export const AttachedPolicies = z.object({
  policies: z.array(z.object({ policy: z.string().min(1).max(2048) })).max(100),
});
export type AttachedPolicies = z.infer<typeof AttachedPolicies>;

export const AttachedPolicy = z.object({ policy: z.string() });

/** HERE's `ProjectSettings`. */
export const ProjectSettings = z.object({
  scopeAccess: z.enum(['thisProjectOnly', 'thisProjectOrNoProject']),
  defaultNewMemberProjectPolicies: z.array(z.string()),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** `PATCH /projects/{project}/settings`: 1 to 5 default policies for new members. */
export const PatchProjectSettings = z.object({
  scopeAccess: z.enum(['thisProjectOnly', 'thisProjectOrNoProject']).optional(),
  defaultNewMemberProjectPolicies: z.array(z.string().min(1).max(2048)).min(1).max(5).optional(),
});
export type PatchProjectSettings = z.infer<typeof PatchProjectSettings>;

/** One effective scoped permission of a project member, and the policy it comes from. */
export const ScopedPermission = z.object({
  action: z.string(),
  effect: z.literal('allow'),
  resource: z.string().optional(),
  resourceType: z.string().optional(),
  policy: z.string(),
});

/** `PermissionPageWithTokenNoTotal` of scoped permissions. */
export const ScopedPermissionList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ScopedPermission),
});
