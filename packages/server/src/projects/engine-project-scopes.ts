import { parseHrn, resourceTypeAndId } from '@gatehouse/contracts';
import type { AuthorizationEngine } from '../authz/engine.js';
import type { ProjectScopes } from '../oauth/project-scopes.js';

/**
 * Project membership for the token endpoint, answered by the authorization engine: an identity may get a token
 * scoped to a project of its organization it is a member of, directly or through a group.
 */
export function engineProjectScopes(engine: AuthorizationEngine, partition: string): ProjectScopes {
  return {
    async isMember(realm, projectHrn, identityId) {
      const parsed = parseHrn(projectHrn);
      const resource = parsed && resourceTypeAndId(parsed.resource);
      if (
        parsed?.partition !== partition ||
        parsed.service !== 'authorization' ||
        parsed.account.toLowerCase() !== realm.toLowerCase() ||
        resource?.type !== 'project'
      ) {
        return false;
      }
      return engine.isProjectMember(identityId, resource.id);
    },
  };
}
