import { z } from 'zod';

/**
 * Wire shapes of HERE's Authorization API v1.1 (groups, roles, projects with their resources, policies and settings,
 * access filters, member permissions) and of the decision API (spec notes-authz-v11.md, here-iam-wire.md §1.9), read
 * leniently: fields a server adds are kept, and enumerations HERE may extend are read as strings.
 */

/** `{total, pageToken, count, data}` (older Authorization APIs: groups, group members, realm members). */
export function pageWToken<T extends z.ZodType>(item: T) {
  return z.looseObject({
    total: z.number().int().optional(),
    pageToken: z.string().optional(),
    count: z.number().int().optional(),
    data: z.array(item),
  });
}

/** `{limit, pageToken, total?, items}` (newer APIs: projects, project members, permissions). */
export function pageWithToken<T extends z.ZodType>(item: T) {
  return z.looseObject({
    limit: z.number().int().optional(),
    pageToken: z.string().optional(),
    total: z.number().int().optional(),
    items: z.array(item),
  });
}

export const Group = z.looseObject({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  realm: z.string().optional(),
});
export type Group = z.infer<typeof Group>;
export const GroupList = pageWToken(Group);

export const GroupMember = z.looseObject({
  memberHrn: z.string(),
  entityType: z.string(),
  info: z.record(z.string(), z.unknown()).optional(),
});
export type GroupMember = z.infer<typeof GroupMember>;
export const GroupMemberList = pageWToken(GroupMember);

export const Project = z.looseObject({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export type Project = z.infer<typeof Project>;
export const ProjectList = pageWithToken(Project);

export const ProjectMember = z.looseObject({
  project: z.string().optional(),
  member: z.string(),
  identityType: z.string(),
  info: z.record(z.string(), z.unknown()).optional(),
});
export type ProjectMember = z.infer<typeof ProjectMember>;
export const ProjectMemberList = pageWithToken(ProjectMember);

/** A resource in a project: its home (`relation: home`) or linked into it (`reference`, with what the link allows). */
export const ProjectResource = z.looseObject({
  resource: z.string(),
  project: z.string(),
  type: z.string(),
  relation: z.string(),
  externalId: z.string().optional(),
  allowedActions: z.array(z.string()).optional(),
  subresources: z.array(z.string()).optional(),
  active: z.boolean().optional(),
});
export type ProjectResource = z.infer<typeof ProjectResource>;
export const ProjectResourceList = pageWithToken(ProjectResource);
/** The answer to adding several resources at once. */
export const ProjectResourceResults = z.looseObject({ items: z.array(ProjectResource) });

export const ProjectPolicy = z.looseObject({
  id: z.string(),
  hrn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  /** `custom` or `here-platform`. */
  type: z.string(),
  permissions: z.array(
    z.looseObject({
      resource: z.string().optional(),
      resourceType: z.string().optional(),
      allowedActions: z.array(z.string()),
    }),
  ),
});
export type ProjectPolicy = z.infer<typeof ProjectPolicy>;
export const ProjectPolicyList = pageWithToken(ProjectPolicy);

export const ProjectSettings = z.looseObject({
  scopeAccess: z.string(),
  defaultNewMemberProjectPolicies: z.array(z.string()),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** A role (`OrgAdmin`, `GroupAdmin`, …) and the realm, group or project HRN it is scoped to. */
export const Role = z.looseObject({ id: z.string(), hrn: z.string(), name: z.string(), resource: z.string() });
export type Role = z.infer<typeof Role>;
export const RoleList = pageWToken(Role);

export const RoleEntity = z.looseObject({
  entityHrn: z.string(),
  entityType: z.string(),
  info: z.record(z.string(), z.unknown()).optional(),
});
export type RoleEntity = z.infer<typeof RoleEntity>;
export const RoleEntityList = pageWToken(RoleEntity);

export const AccessFilterStatement = z.looseObject({
  description: z.string().optional(),
  /** `unscoped`, `scoped` or `linkable`. */
  permissions: z.string(),
  actions: z.array(z.string()).optional(),
  resource: z.string().optional(),
  scope: z.string().optional(),
  subresources: z.array(z.string()).optional(),
  evaluate: z.boolean(),
  priority: z.number(),
});
export const AccessFilter = z.looseObject({
  hrn: z.string(),
  /** `custom`, or HERE's `here-platform` and `virtual`. */
  type: z.string(),
  name: z.string(),
  statements: z.array(AccessFilterStatement).optional(),
});
export type AccessFilter = z.infer<typeof AccessFilter>;
export const AccessFilterList = pageWithToken(AccessFilter);

/** A filter attached to a member; `expiresAt` (epoch milliseconds) ends the attachment. */
export const AccessFilterAttachment = z.looseObject({ hrn: z.string(), expiresAt: z.number().optional() });
export const AccessFilterAttachmentList = pageWithToken(AccessFilterAttachment);

/** A resource a service registered, with its home project when it lives in one. */
export const Resource = z.looseObject({
  hrn: z.string(),
  type: z.string(),
  home: z.string().optional(),
  referenceable: z.boolean().optional(),
});
export type Resource = z.infer<typeof Resource>;
export const ResourceList = pageWithToken(Resource);

/** A project a resource is part of, and how (`home` or `reference`). */
export const ResourceProject = z.looseObject({ hrn: z.string(), relation: z.string() });
export const ResourceProjectList = pageWithToken(ResourceProject);

/** Where a resource homed in a project may be linked (a project or the whole organization), with which actions. */
export const LinkableResource = z.looseObject({
  resource: z.string(),
  projectHrn: z.string().optional(),
  realmHrn: z.string().optional(),
  allowedActions: z.array(z.string()),
});
export type LinkableResource = z.infer<typeof LinkableResource>;
export const LinkableResourceList = pageWithToken(LinkableResource);

/** HERE's `ResourceSetting`: `requiredToMakeLinkable` with the actions whoever makes the resource linkable must hold. */
export const ResourceSettings = z.looseObject({
  resourcePolicyAvailability: z.looseObject({ authorizedTo: z.string(), allowedActions: z.array(z.string()) }),
});
export type ResourceSettings = z.infer<typeof ResourceSettings>;

/** A resource of another project reached through a resource plan. */
export const ExternalResource = z.looseObject({
  hrn: z.string(),
  type: z.string(),
  subresources: z.array(z.string()).optional(),
  expiresAt: z.number().optional(),
});
export const ExternalResourceList = pageWithToken(ExternalResource);

/** A service of the catalog, its actions and resource types. */
export const Service = z.looseObject({
  serviceId: z.string(),
  serviceIdAlias: z.string(),
  name: z.string().optional(),
  allowedActions: z.array(z.looseObject({ action: z.string(), resourceRequired: z.boolean().optional() })),
  resourceTypes: z.array(z.string()),
});
export type Service = z.infer<typeof Service>;
export const ServiceList = pageWithToken(Service);
export const ResourceTypeList = pageWithToken(
  z.looseObject({ resourceType: z.string(), serviceIdAlias: z.string(), serviceId: z.string() }),
);
export const ServiceActions = z.looseObject({ allowedActions: z.array(z.string()) });

export const Permission = z.looseObject({
  id: z.string().optional(),
  action: z.string(),
  effect: z.string().optional(),
  resource: z.string().optional(),
  serviceId: z.string().optional(),
});
export type Permission = z.infer<typeof Permission>;
/**
 * Member permissions come as `items` (v1.1 PageWithToken), group permissions as `data` (PageWToken); both are
 * read as `{items, pageToken}`.
 */
export const PermissionList = z
  .union([
    z.object({ items: z.array(Permission), pageToken: z.string().optional() }),
    z.object({ data: z.array(Permission), pageToken: z.string().optional() }),
  ])
  .transform((page) => ({
    items: 'items' in page ? page.items : page.data,
    ...(page.pageToken !== undefined ? { pageToken: page.pageToken } : {}),
  }));

/** One question; `subresource` (a Gatehouse extension) names a part of the resource the permissions must cover. */
export const DecisionAction = z.object({
  action: z.string().min(1),
  resource: z.string().min(1),
  subresource: z.string().min(1).optional(),
});
export type DecisionAction = z.infer<typeof DecisionAction>;

export interface DecisionRequest {
  actions: DecisionAction[];
  serviceId?: string;
  /** `and` (default, every action must be allowed) or `or` (one is enough). */
  operator?: 'and' | 'or';
  diagnostics?: boolean;
}

/**
 * The answer to one question (with `diagnostics`): `subresources` for an allow limited to parts of the resource;
 * `cause` (a Gatehouse extension) says why.
 */
export const DecisionAnswer = z.looseObject({
  decision: z.enum(['allow', 'deny']),
  action: z.string(),
  resource: z.string(),
  subresources: z.array(z.string()).optional(),
  cause: z.string().optional(),
});
export type DecisionAnswer = z.infer<typeof DecisionAnswer>;

export const DecisionResponse = z.looseObject({
  identity: z.record(z.string(), z.unknown()).optional(),
  decision: z.enum(['allow', 'deny']),
  diagnostics: z.array(z.looseObject({ permissions: z.array(DecisionAnswer).optional() })).optional(),
});
export type DecisionResponse = z.infer<typeof DecisionResponse>;

/** `GET /app/me`: the fields the CLI uses (HERE's answer has more). */
export const AppIdentity = z.looseObject({ clientId: z.string(), realm: z.string(), hrn: z.string().optional() });
