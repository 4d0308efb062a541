import { z } from 'zod';
import { pageWToken } from './common.js';

export const EntityType = z.enum(['user', 'app', 'group']);
export type EntityType = z.infer<typeof EntityType>;

/** HERE's `ActivePermission` (spec §6.3). */
export const ActivePermission = z.object({
  id: z.string(),
  action: z.string(),
  effect: z.enum(['allow', 'deny']),
  resource: z.string(),
});
export type ActivePermission = z.infer<typeof ActivePermission>;

export const EntityId = z.object({
  id: z.string(),
  hrn: z.string(),
  realmHrn: z.string(),
  type: EntityType,
});

/** HERE's `EntityGrant`: the permissions one entity holds directly on one resource. */
export const EntityGrant = z.object({
  entityId: EntityId,
  permissions: z.array(ActivePermission),
});
export type EntityGrant = z.infer<typeof EntityGrant>;

export const EntityGrantList = pageWToken(EntityGrant);

export const GrantQuery = z.object({ entityType: EntityType });

/** Action names: `read`, `addGrant:read`, `manageResourcePolicy`, … */
export const ActionName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)?$/)
  .max(100);
