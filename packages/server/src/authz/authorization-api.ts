import type { HrnFactory } from '@gatehouse/contracts';
import { FilterService } from '../filters/filter-service.js';
import type { AnyRoute } from '../http/route.js';
import { createAccountAuthorizationRoutes } from '../http/routes/account-authorization-routes.js';
import { createDecisionRoutes } from '../http/routes/decision-routes.js';
import { createFilterRoutes } from '../http/routes/filter-routes.js';
import { createPolicyRoutes } from '../http/routes/policy-routes.js';
import { createResourcePolicyRoutes } from '../http/routes/resource-policy-routes.js';
import type { GrantService } from '../permissions/grant-service.js';
import { PolicyService } from '../policies/policy-service.js';
import type { ProjectService } from '../projects/project-service.js';
import { ResourcePolicyService } from '../resource-policies/resource-policy-service.js';
import type { RoleService } from '../roles/role-service.js';
import type { Storage } from '../storage/storage.js';
import { AuthorizationInfoService } from './authorization-info-service.js';
import type { Authorizer } from './authorizer.js';
import { DecisionService } from './decision-service.js';

export interface AuthorizationApiDependencies {
  storage: Storage;
  authorizer: Authorizer;
  hrns: HrnFactory;
  clock: () => number;
  grants: GrantService;
  roles: RoleService;
  projects: ProjectService;
  /** Base of absolute links in answers. */
  publicUrl: string;
}

/**
 * The authorization APIs built on the engine: decisions, sharing, authorization information, organization policies
 * and plans, access filters, resource policies and plans. One composition point keeps the server's root short.
 */
export function createAuthorizationApi(deps: AuthorizationApiDependencies): AnyRoute[] {
  const decisions = new DecisionService(deps);
  const info = new AuthorizationInfoService(deps);
  const policies = new PolicyService({ ...deps, info });
  const filters = new FilterService({ ...deps, info });
  const resourcePolicies = new ResourcePolicyService({ ...deps, info });
  return [
    ...createDecisionRoutes({ decisions }),
    ...createAccountAuthorizationRoutes({ info, grants: deps.grants }),
    ...createPolicyRoutes({ policies }),
    ...createFilterRoutes({ filters }),
    ...createResourcePolicyRoutes({ service: resourcePolicies }),
  ];
}
