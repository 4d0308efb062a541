import type { HrnFactory } from '@gatehouse/contracts';
import type { AnyRoute } from '../http/route.js';
import { createDecisionRoutes } from '../http/routes/decision-routes.js';
import type { Storage } from '../storage/storage.js';
import type { Authorizer } from './authorizer.js';
import { DecisionService } from './decision-service.js';

export interface AuthorizationApiDependencies {
  storage: Storage;
  authorizer: Authorizer;
  hrns: HrnFactory;
  clock: () => number;
}

/**
 * The authorization APIs built on the engine: decisions, sharing, authorization information, organization policies
 * and plans, access filters. One composition point keeps the server's root short.
 */
export function createAuthorizationApi(deps: AuthorizationApiDependencies): AnyRoute[] {
  const decisions = new DecisionService(deps);
  return [...createDecisionRoutes({ decisions })];
}
