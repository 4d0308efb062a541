import { z } from 'zod';
import { PageToken, pageWithToken } from './common.js';
import { ResourceType } from './projects.js';

/**
 * Services (Authorization v1.1, spec "Services" and `/resourceTypes/{resourceType}/actions`): the HERE services
 * Gatehouse knows and decides for, their resource types and the actions of each type by HERE's action types.
 */

/** HERE's action types: which actions of a resource type apply where. */
export const ActionType = z.enum([
  /** Actions project policies may allow on resources in a project. */
  'projectEnabled',
  /** Actions a resource made linkable (and resource policies) may offer to other projects. */
  'projectLinkingEnabled',
  /** Actions a link (relation `reference`) of a resource into a project may allow. */
  'projectReferenceEnabled',
  /** Actions a resource's settings may require of whoever makes it linkable. */
  'requiredToMakeLinkable',
  /** Actions that may be granted on a resource (`/grants`, sharing). */
  'sharingEnabled',
  /** Actions that create resources of the type in a project. */
  'projectResourceCreationEnabled',
]);
export type ActionType = z.infer<typeof ActionType>;

/** HERE's `ServiceInformation` (with the service's display name). */
export const ServiceInformation = z.object({
  serviceId: z.string(),
  serviceIdAlias: z.string(),
  name: z.string(),
  /** The actions of the service; `resourceRequired` is false for actions decided on the organization. */
  allowedActions: z.array(z.object({ action: z.string(), resourceRequired: z.boolean() })),
  resourceTypes: z.array(z.string()),
});
export type ServiceInformation = z.infer<typeof ServiceInformation>;
export const ServiceInformationList = pageWithToken(ServiceInformation);

/** HERE's `ResourceTypeInfo`. */
export const ResourceTypeInfo = z.object({
  resourceType: z.string(),
  serviceIdAlias: z.string(),
  serviceId: z.string(),
});
export type ResourceTypeInfo = z.infer<typeof ResourceTypeInfo>;
export const ResourceTypeInfoList = pageWithToken(ResourceTypeInfo);

/** HERE's `ServiceActionsList`. */
export const ServiceActionsList = z.object({ allowedActions: z.array(z.string()) });

const Limit = z.coerce.number().int().min(1).max(100).default(100);

/** `GET /services/{serviceId}`: a service id or its alias (`data`, `pipeline`, …). */
export const ServiceParams = z.object({ serviceId: z.string().min(1).max(64) });
export const ServiceListQuery = z.object({
  serviceIdAlias: z.string().min(1).max(64).optional(),
  limit: Limit,
  pageToken: PageToken.optional(),
});
export const ResourceTypeListQuery = z.object({ limit: Limit, pageToken: PageToken.optional() });

export const ResourceTypeParams = z.object({ resourceType: ResourceType });
/**
 * `GET /resourceTypes/{resourceType}/actions?actionType=`: the actions of one action type, or every action of the
 * type without one. HERE's reference also spells the parameter `type`; both are accepted.
 */
export const ResourceTypeActionsQuery = z.object({ actionType: ActionType.optional(), type: ActionType.optional() });
