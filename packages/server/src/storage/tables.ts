/**
 * Row types of the tables, as Kysely sees them. Times are epoch milliseconds, booleans 0/1, lists JSON text: one
 * shape in SQLite and PostgreSQL (see migrations/).
 */
export interface Database {
  organizations: OrganizationRow;
  identities: IdentityRow;
  users: UserRow;
  sign_in_guards: SignInGuardRow;
  sessions: SessionRow;
  refresh_tokens: RefreshTokenRow;
  one_time_tokens: OneTimeTokenRow;
  mail_outbox: MailOutboxRow;
  invites: InviteRow;
  roles: RoleRow;
  role_assignments: RoleAssignmentRow;
  signing_keys: SigningKeyRow;
  apps: AppRow;
  access_keys: AccessKeyRow;
  api_keys: ApiKeyRow;
  permissions: PermissionRow;
  revoked_tokens: RevokedTokenRow;
  groups: GroupRow;
  group_members: GroupMemberRow;
  projects: ProjectRow;
  project_members: ProjectMemberRow;
  project_policies: ProjectPolicyRow;
  project_member_policies: ProjectMemberPolicyRow;
  project_attached_policies: ProjectAttachedPolicyRow;
  resources: ResourceRow;
  project_resource_links: ProjectResourceLinkRow;
  resource_linkables: ResourceLinkableRow;
  resource_settings: ResourceSettingRow;
  policies: PolicyRow;
  plans: PlanRow;
  policy_attachments: PolicyAttachmentRow;
  access_filters: AccessFilterRow;
  access_filter_attachments: AccessFilterAttachmentRow;
  resource_policies: ResourcePolicyRow;
  resource_policy_resources: ResourcePolicyResourceRow;
  resource_plans: ResourcePlanRow;
  resource_plan_attachments: ResourcePlanAttachmentRow;
  resource_policy_batches: ResourcePolicyBatchRow;
}

export type Flag = 0 | 1;

export interface OrganizationRow {
  id: string;
  id_normalized: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface IdentityRow {
  id: string;
  realm_id: string;
  kind: 'user' | 'app' | 'group';
  created_at: number;
}

export interface UserRow {
  id: string;
  realm_id: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  firstname: string;
  lastname: string;
  dob: string | null;
  country_code: string | null;
  language: string | null;
  phone_number: string | null;
  marketing_enabled: Flag;
  email_verified: Flag;
  state: 'enabled' | 'disabled';
  deactivated_by: 'self' | 'admin' | null;
  password_changed_at: number;
  created_at: number;
  updated_at: number;
}

export interface SignInGuardRow {
  key: string;
  attempts: number;
  locked_until: number | null;
  updated_at: number;
}

export interface SessionRow {
  id: string;
  user_id: string;
  client_id: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** Project HRN the session's tokens are scoped to (migration 005). */
  scope: string | null;
}

export interface RefreshTokenRow {
  token_hash: string;
  session_id: string;
  created_at: number;
  used_at: number | null;
}

export type OneTimeTokenPurpose = 'setup' | 'email_verification' | 'password_reset';

export interface OneTimeTokenRow {
  token_hash: string;
  purpose: OneTimeTokenPurpose;
  user_id: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface MailOutboxRow {
  id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  sent_at: number | null;
  last_error: string | null;
}

export interface InviteRow {
  id: string;
  realm_id: string;
  email: string;
  email_normalized: string;
  firstname: string | null;
  lastname: string | null;
  role_ids: string;
  group_ids: string;
  allow_password_login: Flag;
  creator_id: string | null;
  state: 'pending' | 'accepted' | 'cancelled';
  token_hash: string;
  expires_at: number;
  accepted_user_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface RoleRow {
  id: string;
  realm_id: string;
  name: string;
  resource_hrn: string;
  created_at: number;
}

export interface RoleAssignmentRow {
  role_id: string;
  identity_id: string;
  created_at: number;
}

export interface SigningKeyRow {
  kid: string;
  algorithm: string;
  public_jwk: string;
  private_key_sealed: string;
  created_at: number;
  retired_at: number | null;
  expires_at: number | null;
}

export interface AppRow {
  id: string;
  realm_id: string;
  name: string;
  description: string | null;
  status: 'active' | 'deactivated';
  application_type: 'application' | 'service';
  token_duration: number;
  app_creation_enabled: Flag;
  redirect_uris: string;
  allowed_scopes: string;
  response_types: string;
  referrers: string;
  token_endpoint_auth_method: string;
  default_scope: string | null;
  is_restricted_scope: Flag;
  always_project_scope: Flag;
  app_code_sealed: string | null;
  creator_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface AccessKeyRow {
  id: string;
  app_id: string;
  secret_sealed: string;
  enabled: Flag;
  created_at: number;
  last_used_at: number | null;
}

export interface ApiKeyRow {
  id: string;
  key_hash: string;
  app_id: string;
  name: string;
  enabled: Flag;
  expires_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

export interface PermissionRow {
  id: string;
  realm_id: string;
  identity_id: string;
  action: string;
  resource_hrn: string;
  effect: 'allow' | 'deny';
  created_at: number;
}

export interface RevokedTokenRow {
  jti: string;
  expires_at: number;
}

export interface GroupRow {
  id: string;
  realm_id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMemberRow {
  group_id: string;
  member_id: string;
  created_at: number;
}

export interface ProjectRow {
  realm_id: string;
  id: string;
  name: string;
  description: string | null;
  scope_access: 'thisProjectOnly' | 'thisProjectOrNoProject';
  default_member_policies: string;
  creator_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ProjectMemberRow {
  realm_id: string;
  project_id: string;
  member_id: string;
  created_at: number;
}

export interface ProjectPolicyRow {
  realm_id: string;
  project_id: string;
  id: string;
  name: string;
  description: string | null;
  permissions: string;
  created_at: number;
  updated_at: number;
}

export interface ProjectMemberPolicyRow {
  realm_id: string;
  project_id: string;
  member_id: string;
  policy_hrn: string;
  created_at: number;
}

export interface ProjectAttachedPolicyRow {
  realm_id: string;
  project_id: string;
  policy_hrn: string;
  created_at: number;
}

export interface ResourceRow {
  hrn: string;
  realm_id: string;
  type: string;
  home_project_id: string | null;
  referenceable: Flag;
  creator_id: string | null;
  created_at: number;
}

export interface ProjectResourceLinkRow {
  realm_id: string;
  project_id: string;
  resource_hrn: string;
  external_id: string;
  allowed_actions: string;
  /** JSON array of the subresources the link is limited to, or null for the whole resource. */
  subresources: string | null;
  created_at: number;
}

export interface PolicyRow {
  id: string;
  realm_id: string;
  name: string;
  description: string | null;
  permissions: string;
  created_at: number;
  updated_at: number;
}

export interface PlanRow {
  id: string;
  realm_id: string;
  name: string;
  description: string | null;
  policy_ids: string;
  created_at: number;
  updated_at: number;
}

export interface PolicyAttachmentRow {
  realm_id: string;
  source_kind: 'policy' | 'plan';
  source_id: string;
  target_kind: 'realm' | 'identity';
  target_id: string;
  created_at: number;
}

export interface AccessFilterRow {
  id: string;
  realm_id: string;
  name: string;
  statements: string;
  created_at: number;
  updated_at: number;
}

export interface AccessFilterAttachmentRow {
  filter_id: string;
  realm_id: string;
  target_kind: 'identity' | 'realm' | 'role' | 'project';
  target_id: string;
  expires_at: number | null;
  created_at: number;
}

export interface ResourcePolicyRow {
  realm_id: string;
  id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface ResourcePolicyResourceRow {
  realm_id: string;
  policy_id: string;
  resource_hrn: string;
  allowed_actions: string;
  /** JSON array of subresources, or null for the whole resource. */
  subresources: string | null;
  created_at: number;
}

export interface ResourcePlanRow {
  realm_id: string;
  id: string;
  name: string;
  description: string | null;
  policy_ids: string;
  created_at: number;
  updated_at: number;
}

export interface ResourcePlanAttachmentRow {
  realm_id: string;
  plan_id: string;
  target_kind: 'realm' | 'identity';
  target_id: string;
  external_id: string | null;
  /** JSON object: resource policy HRN → subresources, or null. */
  subresources: string | null;
  expires_at: number | null;
  created_at: number;
}

export interface ResourcePolicyBatchRow {
  id: string;
  realm_id: string;
  policy_id: string;
  status: string;
  /** JSON array of {resource, status, code?}. */
  items: string;
  created_at: number;
}

/** Migration 005: resources made linkable to a project or to the whole organization (`project_id` NULL). */
export interface ResourceLinkableRow {
  resource_hrn: string;
  target: string;
  realm_id: string;
  project_id: string | null;
  allowed_actions: string;
  created_at: number;
  updated_at: number;
}

export interface ResourceSettingRow {
  resource_hrn: string;
  realm_id: string;
  authorized_to: 'requiredToMakeLinkable' | 'realm';
  /** JSON array of action names. */
  required_actions: string;
  updated_at: number;
}
