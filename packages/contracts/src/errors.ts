import { z } from 'zod';

/**
 * The error catalogue: every error Gatehouse answers with, keyed by a stable `domain.snake_case` code.
 *
 * @remarks
 * `errorCode` is HERE's six-digit code where HERE documents one (spec §1.7, §5, §6), so HERE's own clients keep
 * working: the Java and C++ SDKs retry on `401` + `401204`, the C++ SDK reads `errorCode`, `errorId` and `message`.
 * Codes marked `// gatehouse` have no HERE counterpart; they follow HERE's rule that the first three digits are the
 * usual HTTP status. Clients switch on `errorCode` (or on the string code in the SDK), never on `message`.
 *
 * `message` may hold `{placeholders}` filled from the error's params. `oauthError` is the RFC 6749 §5.2 `error`
 * value added to answers of `/oauth2/*` endpoints.
 */
export const errorCatalogue = {
  // --- Request shape -------------------------------------------------------------------------------------------
  'request.invalid_json': {
    status: 400,
    errorCode: 400002,
    message: 'Invalid JSON.',
    oauthError: 'invalid_request',
  },
  'request.content_type_missing': {
    status: 400,
    errorCode: 400003,
    message: 'Content-Type header missing.',
    oauthError: 'invalid_request',
  },
  'request.content_type_unsupported': {
    status: 400,
    errorCode: 400004,
    message: "Content-Type header something else than 'application/json'.",
    oauthError: 'invalid_request',
  },
  'request.invalid_data': {
    status: 400,
    errorCode: 400200,
    message: "Received invalid data. See 'errorFields' for more information.",
    oauthError: 'invalid_request',
  },
  'request.body_too_large': {
    status: 400,
    errorCode: 400917,
    message: 'Unable to perform request. Size limit exceeded.',
    oauthError: 'invalid_request',
  },
  'request.invalid_page_token': {
    status: 400,
    errorCode: 400203,
    message: 'Invalid characters for page token.',
  },
  'request.invalid_realm': {
    status: 400,
    errorCode: 400255,
    message: 'Invalid realm format.',
    oauthError: 'invalid_request',
  },
  'request.not_found': {
    status: 404,
    errorCode: 404001, // gatehouse
    message: 'Resource not found.',
    action: 'Validate input parameters and retry.',
  },
  'request.rate_limited': {
    status: 429,
    errorCode: 429002,
    message:
      'Request blocked because too many requests were made. Please wait for a while before making a new request.',
    action: 'Wait for the number of seconds in the Retry-After header, then retry.',
    oauthError: 'invalid_request',
  },
  'request.unsupported_grant_type': {
    status: 400,
    errorCode: 400290,
    message: 'Illegal grant type.',
    oauthError: 'unsupported_grant_type',
  },
  'server.internal_error': {
    status: 500,
    errorCode: 500000, // gatehouse
    message: 'Internal server error.',
    action: 'Retry later. If the error persists, give the errorId to the server operator.',
  },
  'server.unavailable': {
    status: 503,
    errorCode: 503000, // gatehouse
    message: 'The service is not ready to take requests.',
    action: 'Retry later.',
  },

  // --- Authentication of a request (Bearer tokens, OAuth 1.0 signatures) ----------------------------------------
  'auth.header_missing': {
    status: 401,
    errorCode: 401200,
    message: 'Authorization header missing.',
    // RFC 6749 §5.2: "no client authentication included" is invalid_client.
    oauthError: 'invalid_client',
  },
  'auth.bearer_format': {
    status: 401,
    errorCode: 401201,
    message: 'Invalid Authorization header format, expecting Bearer format.',
    oauthError: 'invalid_request',
  },
  'auth.token_invalid_characters': {
    status: 401,
    errorCode: 400300,
    message: 'Invalid characters in access token.',
    oauthError: 'invalid_request',
  },
  'auth.token_expired': {
    status: 401,
    errorCode: 400600,
    message: 'Expired token.',
    oauthError: 'invalid_grant',
  },
  'auth.token_invalid': {
    status: 401,
    errorCode: 400601,
    message: 'Invalid accessToken.',
    oauthError: 'invalid_request',
  },
  'auth.token_revoked': {
    status: 401,
    errorCode: 401701,
    message: 'Access Token no longer valid.',
    oauthError: 'invalid_grant',
  },
  'auth.wrong_token_type': {
    status: 401,
    errorCode: 401303,
    message: 'Wrong token type.',
    oauthError: 'invalid_request',
  },
  'auth.account_not_found': {
    status: 401,
    errorCode: 401600,
    message: 'No account found for given account Id.',
    oauthError: 'invalid_grant',
  },
  'auth.user_not_enabled': {
    status: 401,
    errorCode: 401500,
    message: 'User: {userId} is not enabled.',
    oauthError: 'invalid_grant',
  },
  'auth.scoped_token_not_allowed': {
    status: 403,
    errorCode: 403110, // gatehouse
    message: 'This operation requires a token without a project scope.',
    action: 'Request a token without the scope parameter and retry.',
  },
  'auth.scoped_token_required': {
    status: 403,
    errorCode: 403114, // gatehouse
    message: 'This operation requires a token scoped to a project.',
    action: 'Request a token with a project HRN as scope and retry.',
  },
  'auth.csrf_failed': {
    status: 403,
    errorCode: 403120, // gatehouse
    message: 'The request rides on a browser session but lacks its CSRF token.',
    action: 'Send the value of the gh_csrf cookie in the X-CSRF-Token header.',
  },
  'auth.forbidden': {
    status: 403,
    errorCode: 403403,
    message: 'These credentials do not authorize access for this operation.',
    action: 'Add/Share the necessary permissions to the identity.',
  },

  // --- Client authentication at the token endpoint (spec §1.2, §1.7) -------------------------------------------
  'client.oauth_header_malformed': {
    status: 401,
    errorCode: 401202,
    message: 'Malformed OAuth 1.0 header (ex. duplicated parameters, missing parameters).',
    oauthError: 'invalid_request',
  },
  'client.timestamp_out_of_window': {
    status: 401,
    errorCode: 401204,
    message: 'Time stamp is outside the valid period.',
    action: 'Correct the clock, or take the time from GET /timestamp or the Date header, and retry.',
    oauthError: 'invalid_request',
  },
  'client.signature_method_unsupported': {
    status: 401,
    errorCode: 401205,
    message: 'Unsupported value for signature method.',
    oauthError: 'invalid_request',
  },
  'client.oauth_version_unsupported': {
    status: 401,
    errorCode: 401206,
    message: 'Unsupported value for "oauth_version" parameter - should be 1.0.',
    oauthError: 'invalid_request',
  },
  'client.nonce_reused': {
    status: 401,
    errorCode: 401207,
    message: 'Nonce already consumed.',
    oauthError: 'invalid_request',
  },
  'client.signature_mismatch': {
    status: 401,
    errorCode: 401300,
    message: 'Signature mismatch. Authorization signature or client credential is wrong.',
    oauthError: 'invalid_client',
  },
  'client.invalid_credentials': {
    status: 401,
    errorCode: 401300,
    message: 'Invalid client credentials.',
    oauthError: 'invalid_client',
  },
  'client.no_endpoint_access': {
    status: 401,
    errorCode: 401302,
    message: 'Client does not have access to the endpoint.',
    oauthError: 'unauthorized_client',
  },
  'client.client_id_as_consumer_key': {
    status: 401,
    errorCode: 401310,
    message: 'Invalid signature. Attempt to use client ID instead of access key identifier for consumer key.',
    action: 'Sign with here.access.key.id as oauth_consumer_key.',
    oauthError: 'invalid_client',
  },
  'client.not_active': {
    status: 401,
    errorCode: 401311,
    message: 'Requesting client status is not active.',
    oauthError: 'invalid_client',
  },
  'client.access_key_disabled': {
    status: 401,
    errorCode: 401424,
    message: 'Access key has been disabled.',
    action: 'Enable the access key or use another one.',
    oauthError: 'invalid_client',
  },
  'client.token_not_owned': {
    status: 403,
    errorCode: 403112, // gatehouse
    message: 'The token was not issued to this client.',
    oauthError: 'unauthorized_client',
  },
  'auth.app_not_found': {
    status: 401,
    errorCode: 404660,
    message: 'No app exists with the given Id.',
    oauthError: 'invalid_client',
  },
  'scope.not_member': {
    status: 403,
    errorCode: 403109,
    message: 'Client is not a member of the project.',
    action: 'Add the app to the project, or request a token without scope.',
    oauthError: 'invalid_scope',
  },
  'scope.too_many': {
    status: 400,
    errorCode: 400981,
    message: 'Only one project scope allowed in token.',
    oauthError: 'invalid_scope',
  },
  'scope.restricted': {
    status: 403,
    errorCode: 403111, // gatehouse
    message: 'The app may only request tokens for its default project.',
    action: 'Request a token without scope, or change the default scope of the app.',
    oauthError: 'invalid_scope',
  },
  'scope.required': {
    status: 403,
    errorCode: 403113, // gatehouse
    message: 'The app always works in its default project; unscoped tokens are not available.',
    oauthError: 'invalid_scope',
  },

  // --- Apps and their credentials (spec §6.2) --------------------------------------------------------------------
  'app.not_found': {
    status: 404,
    errorCode: 404660,
    message: 'No app exists with the given id.',
  },
  'app.no_app_code': {
    status: 404,
    errorCode: 404668, // gatehouse
    message: 'The app has no APP CODE credential.',
  },
  'access_key.not_found': {
    status: 404,
    errorCode: 404667, // gatehouse
    message: 'The access key does not exist.',
  },
  'api_key.not_found': {
    status: 404,
    errorCode: 404666,
    message: 'The API key does not exist.',
  },
  'api_key.limit_reached': {
    status: 409,
    errorCode: 409303,
    message: 'Reached allowed maximum number of active API keys per application.',
    action: 'Delete an API key before creating another (rotation: create the second, move clients, delete the first).',
  },
  'api_key.invalid': {
    status: 401,
    errorCode: 401300,
    message: 'apiKey invalid. apiKey is disabled, expired or unknown.',
  },
  'grant.invalid_entity': {
    status: 400,
    errorCode: 400204, // gatehouse
    message: 'Illegal entity ID.',
  },
  'share.not_enough_privileges': {
    status: 400,
    errorCode: 400322,
    message: 'Not enough privileges to share the permissions.',
    action: 'Ask for share (or addGrant:<action>) on the resource.',
  },
  'share.action_not_shareable': {
    status: 403,
    errorCode: 403103,
    message: 'This action cannot be shared.',
  },
  'request.invalid_count': {
    status: 400,
    errorCode: 400001,
    message: 'count must be Integer 0 or greater',
  },
  'request.empty_page_token': {
    status: 400,
    errorCode: 400202,
    message: "Field 'pageToken' cannot be empty",
  },
  'authorization.record_not_found': {
    status: 404,
    errorCode: 404600,
    message: 'Authorization record is not found',
  },
  'policy.not_found': {
    status: 404,
    errorCode: 404771, // gatehouse
    message: 'Policy not found.',
  },
  'plan.not_found': {
    status: 404,
    errorCode: 404772, // gatehouse
    message: 'Plan not found.',
  },
  'filter.not_found': {
    status: 404,
    errorCode: 404773, // gatehouse
    message: 'Access filter not found.',
  },

  // --- Sign-in, sign-up and the user account --------------------------------------------------------------------
  'user.invalid_credentials': {
    status: 401,
    errorCode: 401300,
    message: 'Invalid credentials. Check the email address, the password and, if you gave one, the orgId.',
    action: 'Correct the credentials and retry, or reset the password with "Forgot your password?".',
    oauthError: 'invalid_grant',
  },
  'user.locked': {
    status: 401,
    errorCode: 401430, // gatehouse
    message:
      'Sign-in is locked after too many invalid attempts. Wait {retryAfterMinutes} minutes and try again, or reset your password.',
    action: 'Wait, or use "Forgot your password?": a completed password reset unlocks sign-in.',
    oauthError: 'invalid_grant',
  },
  'user.realm_required': {
    status: 400,
    errorCode: 400256, // gatehouse
    message: 'This email address has accounts in several organizations. Enter the orgId to sign in.',
    action: 'Retry with the orgId (realm) of the organization. "Forgot your orgId?" mails you the list.',
    oauthError: 'invalid_request',
  },
  'user.not_found': {
    status: 404,
    errorCode: 404000,
    message: 'User for the given access token cannot be found.',
  },
  'user.email_taken': {
    status: 409,
    errorCode: 409100,
    message: 'A password account with the specified email address already exists.',
  },
  'user.must_be_deactivated': {
    status: 409,
    errorCode: 409101, // gatehouse
    message: 'The account must be deactivated before it can be deleted.',
    action: 'Deactivate the account, then delete it.',
  },
  'user.last_org_admin': {
    status: 409,
    errorCode: 409102, // gatehouse
    message: 'The organization must keep at least one active OrgAdmin.',
    action: 'Give the OrgAdmin role to another user first.',
  },
  'user.sign_up_disabled': {
    status: 403,
    errorCode: 403200, // gatehouse
    message: 'Sign-up is disabled on this server.',
    action: 'Ask an administrator of your organization for an invitation.',
  },
  'session.refresh_token_invalid': {
    status: 400,
    errorCode: 400602, // gatehouse
    message: 'Invalid refreshToken.',
    action: 'Sign in again with email and password.',
    oauthError: 'invalid_grant',
  },
  'user.link_invalid': {
    status: 400,
    errorCode: 400610, // gatehouse
    message: 'The link is invalid, expired or was already used.',
    action: 'Request a new link.',
  },
  'realm.not_found': {
    status: 404,
    errorCode: 404800,
    message: 'Realm not found.',
  },
  'realm.taken': {
    status: 409,
    errorCode: 409110, // gatehouse
    message: 'An organization with this orgId already exists.',
    action: 'Choose another orgId.',
  },
  'realm.mismatch': {
    status: 403,
    errorCode: 400361,
    message: 'Realm of the resource does not match the realm of the caller.',
  },
  'setup.already_done': {
    status: 409,
    errorCode: 409111, // gatehouse
    message: 'The first organization already exists.',
    action: 'Sign in instead.',
  },

  // --- Invitations ----------------------------------------------------------------------------------------------
  'invite.not_found': {
    status: 404,
    errorCode: 404810, // gatehouse
    message: 'Invitation not found.',
  },
  'invite.already_member': {
    status: 409,
    errorCode: 409120, // gatehouse
    message: 'The email address already has an account in this organization.',
  },
  'invite.already_pending': {
    status: 409,
    errorCode: 409122, // gatehouse
    message: 'The email address already has a pending invitation to this organization.',
    action: 'Resend or update the pending invitation.',
  },
  'invite.not_pending': {
    status: 409,
    errorCode: 409121, // gatehouse
    message: 'The invitation was already accepted or cancelled.',
  },

  // --- Roles, groups and limits (more come with the authorization domain) ---------------------------------------
  'role.not_found': {
    status: 404,
    errorCode: 404790, // gatehouse
    message: 'Role not found.',
  },
  'group.not_found': {
    status: 404,
    errorCode: 404780,
    message: 'Authorization Group not found',
  },
  'group.member_not_found': {
    status: 404,
    errorCode: 404781, // gatehouse
    message: 'The identity is not a member of the group.',
  },
  'member.not_found': {
    status: 404,
    errorCode: 404782, // gatehouse
    message: 'No user or app of the organization has this id.',
  },
  'role.permission_not_found': {
    status: 404,
    errorCode: 404792, // gatehouse
    message: 'The role has no such permission.',
  },
  'role.entity_not_found': {
    status: 404,
    errorCode: 404791, // gatehouse
    message: 'The identity does not hold the role.',
  },
  'role.requires_group_membership': {
    status: 409,
    errorCode: 409130, // gatehouse
    message: 'The role is scoped to a group: only members of the group can hold it.',
    action: 'Add the identity to the group first.',
  },
  'project.not_found': {
    status: 404,
    errorCode: 404820, // gatehouse
    message: 'Project not found.',
  },
  'project.already_exists': {
    status: 409,
    errorCode: 409800, // gatehouse
    message: 'A project with this id already exists.',
    action: 'Choose another project id.',
  },
  'project.member_not_found': {
    status: 404,
    errorCode: 404801, // gatehouse
    message: 'Project member not found.',
  },
  'project.identity_not_found': {
    status: 404,
    errorCode: 404802, // gatehouse
    message: 'No user, app or group of the organization has this HRN.',
  },
  'project.app_bound_to_default_project': {
    status: 403,
    errorCode: 403801, // gatehouse
    message: 'The app always works in its default project and cannot join other projects.',
  },
  'project.policy_not_found': {
    status: 404,
    errorCode: 404803, // gatehouse
    message: 'Project policy not found.',
  },
  'project.policy_already_exists': {
    status: 409,
    errorCode: 409801, // gatehouse
    message: 'A policy with this id already exists in the project.',
  },
  'project.policy_read_only': {
    status: 403,
    errorCode: 403802, // gatehouse
    message: 'HERE-provided project policies cannot be changed.',
    action: 'Create a custom policy instead.',
  },
  'project.policy_in_use': {
    status: 409,
    errorCode: 409802, // gatehouse
    message: 'The policy is a default policy for new members of the project.',
    action: 'Remove it from defaultNewMemberProjectPolicies first.',
  },
  'resource.not_found': {
    status: 404,
    errorCode: 404903,
    message: 'Resource not found.',
  },
  'resource.already_exists': {
    status: 409,
    errorCode: 409900, // gatehouse
    message: 'Resource already exists.',
  },
  'resource.home_elsewhere': {
    status: 409,
    errorCode: 409901, // gatehouse
    message: 'The resource already has a home in another project.',
  },
  'resource.not_referenceable': {
    status: 403,
    errorCode: 403901, // gatehouse
    message: 'The resource cannot be referenced in projects.',
    action: 'Ask the owner of the resource to make it referenceable.',
  },
  'limit.reached': {
    status: 422,
    errorCode: 422000,
    message: '{limit} limit reached. Current value: {current}. Maximum value: {maximum}.',
    action: 'Remove something before adding more.',
  },
  'resource_policy.not_found': {
    status: 404,
    errorCode: 404910, // gatehouse
    message: 'Resource policy not found.',
  },
  'resource_policy.already_exists': {
    status: 409,
    errorCode: 409910, // gatehouse
    message: 'A resource policy with this id already exists.',
    action: 'Choose another resource policy id.',
  },
  'resource_policy.resource_in_policy': {
    status: 409,
    errorCode: 409911, // gatehouse
    message: 'The resource is part of a resource policy: its home cannot be removed.',
    action: 'Remove the resource from its resource policies first.',
  },
  'resource_policy.status_not_found': {
    status: 404,
    errorCode: 404912, // gatehouse
    message: 'No status with this id exists for the resource policy.',
  },
  'resource_policy.resource_not_homed': {
    status: 409,
    errorCode: 409912, // gatehouse
    message: 'Only resources homed in a project can be part of a resource policy.',
    action: 'Add the resource to a project (relation home) first.',
  },
  'resource_policy.action_not_linkable': {
    status: 400,
    errorCode: 400910, // gatehouse
    message: 'Resource policies grant only project-linking enabled actions: {actions}.',
  },
  'service.not_found': {
    status: 404,
    errorCode: 404920, // gatehouse
    message: 'Service not found.',
  },
  'service.resource_type_not_found': {
    status: 404,
    errorCode: 404921, // gatehouse
    message: 'Resource type not found.',
  },
  'resource_plan.not_found': {
    status: 404,
    errorCode: 404911, // gatehouse
    message: 'Resource plan not found.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export interface ErrorDefinition {
  readonly status: number;
  readonly errorCode: number;
  readonly message: string;
  /** What the caller can do about it; shown as `action` in v1.1 bodies. */
  readonly action?: string;
  /** RFC 6749 §5.2 error code for answers of the OAuth endpoints. */
  readonly oauthError?: OAuthErrorCode;
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token';

export type ErrorCode = keyof typeof errorCatalogue;

/**
 * Field-level error codes used in `errorFields` (spec §1.7, 400200). Codes marked `// gatehouse` are ours.
 */
export const fieldErrorCatalogue = {
  required: { errorCode: 400201, message: 'This field is required.' },
  empty: { errorCode: 400202, message: 'Value cannot be empty.' },
  invalid: { errorCode: 400203, message: 'Invalid value.' },
  systemValue: { errorCode: 400204, message: 'Invalid system generated value.' },
  blacklistedPassword: { errorCode: 400205, message: 'Black listed password.' },
  passwordTooShort: { errorCode: 400206, message: 'Password must be at least {minimum} characters long.' }, // gatehouse
  notANumber: { errorCode: 400208, message: 'Not a number.' },
  tooSmall: { errorCode: 400209, message: 'Value too small.' },
  tooLarge: { errorCode: 400210, message: 'Value too large.' }, // gatehouse
  notAnArray: { errorCode: 400216, message: 'Not a valid array.' },
  notAString: { errorCode: 400217, message: 'Not a valid string.' },
  notAnObject: { errorCode: 400218, message: 'Not a valid JSON object.' },
  notABoolean: { errorCode: 400219, message: 'Not a valid boolean.' }, // gatehouse
  wrongCurrentPassword: { errorCode: 400220, message: 'The current password is wrong.' }, // gatehouse
  illegalEmail: { errorCode: 400240, message: 'Illegal email.' },
  invalidHrn: { errorCode: 400288, message: 'Invalid resource. Invalid HERE Resource Name format.' },
  invalidEffect: { errorCode: 400294, message: 'Invalid effect.' },
  illegalGrantType: { errorCode: 400290, message: 'Illegal grant type.' },
  scopeInvalidCharacter: { errorCode: 400909, message: 'Invalid character in scope field.' },
  scopeInvalid: { errorCode: 400927, message: 'Scope is invalid.' },
} as const;

export type FieldErrorKind = keyof typeof fieldErrorCatalogue;

export const FieldError = z.object({
  name: z.string(),
  errorCode: z.number().int(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

/**
 * HERE Account v1 error body (spec §1.7, §5.1), used by `/oauth2/token`, `/user`, `/app` and the Account v1 APIs.
 * `error`/`error_description` are added on the OAuth endpoints; `title`/`status`/`code`/`cause`/`action`/
 * `correlationId` on the v1.1 APIs (spec §5.2), so one body serves every HERE client.
 */
export const ErrorBody = z.object({
  errorId: z.string(),
  httpStatus: z.number().int(),
  errorCode: z.number().int(),
  message: z.string(),
  errorFields: z.array(FieldError).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int().optional(),
  code: z.string().optional(),
  cause: z.string().optional(),
  action: z.string().optional(),
  correlationId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Fills `{name}` placeholders; unknown placeholders stay as they are. */
export function formatMessage(template: string, params: Readonly<Record<string, unknown>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(params, key) ? String(params[key]) : whole,
  );
}
