/** Who made a request, as established from its credentials. */
export type Principal = UserPrincipal | AppPrincipal;

interface PrincipalBase {
  /** Organization (HERE realm) of the identity. */
  realm: string;
  hrn: string;
  /** Project HRN of a project-scoped token. */
  scope?: string;
  /** `jti` of the token, and its expiry in epoch seconds. */
  tokenId: string;
  expiresAt: number;
}

export interface UserPrincipal extends PrincipalBase {
  kind: 'user';
  userId: string;
  sessionId?: string;
  /** App through which the user signed in, if any. */
  appId?: string;
}

export interface AppPrincipal extends PrincipalBase {
  kind: 'app';
  appId: string;
  /** Access key that obtained the token. */
  accessKeyId?: string;
  /** API key that authenticated the request instead of a token. */
  apiKeyId?: string;
  /** Authenticated with a deprecated APP CODE. */
  legacyAppCode?: boolean;
}

export const identityId = (principal: Principal) => (principal.kind === 'user' ? principal.userId : principal.appId);
