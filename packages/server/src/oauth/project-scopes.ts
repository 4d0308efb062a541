/**
 * Project membership as the token endpoint needs it: a project-scoped token is only issued to a member. The
 * authorization domain provides the implementation.
 */
export interface ProjectScopes {
  /** Whether the identity is a member of the project (directly or through a group). */
  isMember(realm: string, projectHrn: string, identityId: string): Promise<boolean>;
}
