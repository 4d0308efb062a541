import { parseHrn, resourceTypeAndId } from '@gatehouse/contracts';
import { AppError, invalidScope } from '../errors/app-error.js';

/**
 * Project membership as the token endpoint needs it: a project-scoped token is only issued to a member. The
 * authorization domain provides the implementation.
 */
export interface ProjectScopes {
  /** Whether the identity is a member of the project (directly or through a group). */
  isMember(realm: string, projectHrn: string, identityId: string): Promise<boolean>;
}

const SCOPE_CHARACTERS = /^[\x21-\x7e\s]*$/;

/**
 * The project a token request's `scope` names, for an app or a user of `realm`: `openid` entries are ignored, at most
 * one project HRN (400981), and only a project the identity is a member of (403109). Nothing left means no scope.
 */
export async function resolveProjectScope(
  projects: ProjectScopes,
  identity: { realm: string; id: string },
  scope: string,
): Promise<string | undefined> {
  if (!SCOPE_CHARACTERS.test(scope)) throw invalidScope('scopeInvalidCharacter');
  const entries = scope.split(/\s+/).filter((entry) => entry !== '' && entry !== 'openid');
  if (entries.length > 1) throw new AppError('scope.too_many');
  const project = entries[0];
  if (project === undefined) return undefined;
  const parsed = parseHrn(project);
  const resource = parsed && resourceTypeAndId(parsed.resource);
  if (!parsed || resource?.type !== 'project') throw invalidScope('scopeInvalid');
  if (
    parsed.account.toLowerCase() !== identity.realm.toLowerCase() ||
    !(await projects.isMember(identity.realm, project, identity.id))
  ) {
    throw new AppError('scope.not_member');
  }
  return project;
}
