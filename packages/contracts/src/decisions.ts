import { z } from 'zod';
import { ActionName } from './grants.js';
import { HrnParam } from './hrn.js';
import { Subresource } from './resource-policies.js';

/**
 * One question of a decision request: may the caller perform `action` on `resource`. `subresource` is a Gatehouse
 * extension: a part of the resource (a region such as `deu`) that a permission limited to subresources must list.
 */
export const DecisionQuestion = z.object({
  action: ActionName,
  resource: HrnParam,
  subresource: Subresource.optional(),
});

/**
 * `POST /decision/authorize` (spec §1.9). `operator` combines the answers (`and` when omitted); `diagnostics` asks
 * for the answer of each question. `serviceId` is accepted for HERE's clients and does not change the decision.
 */
export const DecisionRequest = z.object({
  serviceId: z.string().max(200).optional(),
  actions: z.array(DecisionQuestion).min(1).max(100),
  operator: z.enum(['and', 'or']).optional(),
  diagnostics: z.boolean().optional(),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const DecisionValue = z.enum(['allow', 'deny']);

/**
 * The answer to one question. `subresources` lists, for an allow limited to parts of the resource, the parts it is
 * limited to (absent: the whole resource), so that the service narrows what it serves. `reason` and `cause` are a
 * Gatehouse extension: the engine's reason code and HERE's wording of it, so that a refusal can be understood
 * without reading the server's logs.
 */
export const DecisionPermission = z.object({
  decision: DecisionValue,
  action: z.string(),
  resource: z.string(),
  subresource: z.string().optional(),
  subresources: z.array(z.string()).optional(),
  reason: z.string(),
  cause: z.string(),
});

export const DecisionDiagnostic = z.object({
  decision: DecisionValue,
  permissions: z.array(DecisionPermission),
});

/** Who asked: `userId` for a user, `clientId` for an app. */
export const DecisionIdentity = z.object({
  userId: z.string().optional(),
  clientId: z.string().optional(),
  realm: z.string(),
  countryCode: z.string().optional(),
  emailVerified: z.boolean().optional(),
});

export const DecisionResponse = z.object({
  identity: DecisionIdentity,
  decision: DecisionValue,
  diagnostics: z.array(DecisionDiagnostic).optional(),
});
export type DecisionResponse = z.infer<typeof DecisionResponse>;
