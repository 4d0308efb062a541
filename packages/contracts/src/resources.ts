import { z } from 'zod';
import { PageToken } from './common.js';
import { HrnParam } from './hrn.js';
import { PathReference, ProjectAction, ProjectResponse, ResourceType } from './projects.js';
import { Subresources } from './resource-policies.js';

/**
 * `POST /resources`: a HERE service registers one of its resources (a Gatehouse extension; HERE's services do this
 * internally). `home` is the HRN of the project the resource is created in; without it the resource lives outside
 * projects. `referenceable` resources may be linked into other projects.
 */
export const RegisterResourceRequest = z.object({
  hrn: HrnParam,
  type: ResourceType,
  home: HrnParam.optional(),
  referenceable: z.boolean().optional(),
});
export type RegisterResourceRequest = z.infer<typeof RegisterResourceRequest>;

export const ResourceRelation = z.enum(['home', 'reference']);
export type ResourceRelation = z.infer<typeof ResourceRelation>;

/** HERE's `ResourceResponseDetailed`, as far as Gatehouse knows resources. */
export const ResourceResponse = z.object({
  hrn: z.string(),
  type: z.string(),
  home: z.string().optional(),
  referenceable: z.boolean(),
});
export type ResourceResponse = z.infer<typeof ResourceResponse>;

/** `PageWithTokenNoTotal` of resources. */
export const ResourceList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ResourceResponse),
});

const Limit = z.coerce.number().int().min(1).max(100);
const QueryFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * `GET /resources`: `access=readOutsideProject` keeps resources outside projects, `manage` those the caller may
 * manage; `referenceable=true` those that may be linked into projects.
 */
export const ResourceListQuery = z.object({
  resourceType: ResourceType.optional(),
  type: ResourceType.optional(),
  access: z.enum(['default', 'manage', 'readOutsideProject']).default('default'),
  referenceable: QueryFlag.optional(),
  /** Only resources linkable to the token's project (scoped) or to the caller's projects or organization. */
  linkable: QueryFlag.optional(),
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});

export const ResourceParams = z.object({ resource: PathReference });
export const ProjectResourceParams = z.object({ project: PathReference, resource: PathReference });

/** HERE's `ResourceProjectResponse`: a project the resource is part of, and how. */
export const ResourceProject = ProjectResponse.extend({
  relation: ResourceRelation,
  allowedActions: z.array(z.string()).optional(),
});

export const ResourceProjectList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ResourceProject),
});

/**
 * HERE's `ResourceRelationRequest`: a resource to home in, or link into, a project. A link may be limited to
 * `subresources` (parts of the resource such as regions); members of the project then reach only those.
 */
export const ResourceRelationRequest = z.object({
  resource: HrnParam,
  externalId: z.string().min(1).max(80).optional(),
  type: ResourceType.optional(),
  allowedActions: z.array(ProjectAction).min(1).max(50).optional(),
  subresources: Subresources.optional(),
});
export type ResourceRelationRequest = z.infer<typeof ResourceRelationRequest>;

/** HERE's `ResourceRelationList`: at most 20 resources per request. */
export const ResourceRelationList = z.object({ items: z.array(ResourceRelationRequest).min(1).max(20) });
export type ResourceRelationList = z.infer<typeof ResourceRelationList>;

/** HERE's `ResourceRelationResponse` (and `ResourceInProjectResponse`). */
export const ResourceRelationResponse = z.object({
  resource: z.string(),
  project: z.string(),
  type: z.string(),
  relation: ResourceRelation,
  externalId: z.string().optional(),
  allowedActions: z.array(z.string()).optional(),
  subresources: z.array(z.string()).optional(),
  active: z.boolean(),
});
export type ResourceRelationResponse = z.infer<typeof ResourceRelationResponse>;

export const ResourceRelationResponseList = z.object({ items: z.array(ResourceRelationResponse) });

/** `PageWithTokenNoTotal` of the resources in a project. */
export const ResourceInProjectList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ResourceRelationResponse),
});

/** `?relation=home|reference&type` of project resource requests. */
export const ProjectResourceQuery = z.object({
  relation: ResourceRelation.optional(),
  type: ResourceType.optional(),
  externalId: z.string().min(1).max(80).optional(),
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});

/** HERE's `ResourceLinkActionBody`. */
export const ResourceLinkActionBody = z.object({
  allowedActions: z.array(ProjectAction).min(1).max(50).optional(),
  subresources: Subresources.optional(),
});

/**
 * HERE's `ResourceSetting`. `resourcePolicyAvailability` says who may make the resource linkable (to a project or
 * to the organization): with `authorizedTo: "requiredToMakeLinkable"`, only callers who hold every action of
 * `allowedActions` on the resource (besides `manage` or `share`); with `authorizedTo: "realm"` (the default), the
 * organization's usual rule alone, and `allowedActions` is empty.
 */
export const ResourceSetting = z.object({
  resourcePolicyAvailability: z
    .object({
      authorizedTo: z.enum(['requiredToMakeLinkable', 'realm']),
      allowedActions: z.array(ProjectAction).max(50),
    })
    .refine((availability) => (availability.authorizedTo === 'realm') === (availability.allowedActions.length === 0), {
      message: 'actionsRequiredExactlyForRequiredToMakeLinkable',
      path: ['allowedActions'],
    }),
});
export type ResourceSetting = z.infer<typeof ResourceSetting>;

/** `GET /realm/resources?type`: the organization's resources of a type (`PageWithTokenNoTotal`). */
export const RealmResourceQuery = z.object({
  type: ResourceType,
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});

/** HERE's `ExternalResource`: a resource of another project reached through a resource plan. */
export const ExternalResource = z.object({
  hrn: z.string(),
  type: z.string(),
  subresources: z.array(z.string()).optional(),
  expiresAt: z.number().int().optional(),
});
export type ExternalResource = z.infer<typeof ExternalResource>;
export const ExternalResourceList = z.object({
  limit: z.number().int(),
  pageToken: z.string().optional(),
  items: z.array(ExternalResource),
});

/** `GET /realm/externalResources?resourceType&action` (HERE's reference also spells the type `type`). */
export const ExternalResourceQuery = z.object({
  resourceType: ResourceType.optional(),
  type: ResourceType.optional(),
  action: ProjectAction.optional(),
  limit: Limit.default(100),
  pageToken: PageToken.optional(),
});
