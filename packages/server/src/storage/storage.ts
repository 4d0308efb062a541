import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type AppRepository, createAppRepository } from '../apps/app-repository.js';
import { createSignInGuardRepository, type SignInGuardRepository } from '../authentication/sign-in-guard-repository.js';
import { type AuthzStore, createAuthzStore } from '../authz/authz-store.js';
import type { AuthzChange, AuthzVersions, CredentialChange } from '../authz/authz-versions.js';
import { type AccessKeyRepository, createAccessKeyRepository } from '../credentials/access-key-repository.js';
import { type ApiKeyRepository, createApiKeyRepository } from '../credentials/api-key-repository.js';
import { createFilterRepository, type FilterRepository } from '../filters/filter-repository.js';
import { createGroupRepository, type GroupRepository } from '../groups/group-repository.js';
import { createInviteRepository, type InviteRepository } from '../invites/invite-repository.js';
import { createMailOutboxRepository, type MailOutboxRepository } from '../mail/outbox-repository.js';
import { createMemberDirectory, type MemberDirectory } from '../members/member-directory.js';
import { createOrganizationRepository, type OrganizationRepository } from '../organizations/organization-repository.js';
import { createPermissionRepository, type PermissionRepository } from '../permissions/permission-repository.js';
import { createPolicyRepository, type PolicyRepository } from '../policies/policy-repository.js';
import { createLinkableRepository, type LinkableRepository } from '../projects/linkable-repository.js';
import { createProjectRepository, type ProjectRepository } from '../projects/project-repository.js';
import { createResourceRepository, type ResourceRepository } from '../projects/resource-repository.js';
import {
  createResourceSettingsRepository,
  type ResourceSettingsRepository,
} from '../projects/resource-settings-repository.js';
import {
  createResourcePolicyRepository,
  type ResourcePolicyRepository,
} from '../resource-policies/resource-policy-repository.js';
import { createRoleDirectory, type RoleDirectory } from '../roles/role-directory.js';
import { createRoleRepository, type RoleRepository } from '../roles/role-repository.js';
import { createSessionRepository, type SessionRepository } from '../sessions/session-repository.js';
import { createOneTimeTokenRepository, type OneTimeTokenRepository } from '../tokens/one-time-token-repository.js';
import { createRevokedTokenRepository, type RevokedTokenRepository } from '../tokens/revoked-token-repository.js';
import { createSigningKeyRepository, type SigningKeyRepository } from '../tokens/signing-key-repository.js';
import { createUserRepository, type UserRepository } from '../users/user-repository.js';
import type { DatabaseHandle, Dialect } from './database.js';
import { lockIdentityRow } from './row-locks.js';
import type { Database } from './tables.js';

/** Every repository, bound to the database or to one transaction. */
export interface Repositories {
  organizations: OrganizationRepository;
  users: UserRepository;
  roles: RoleRepository;
  sessions: SessionRepository;
  signInGuards: SignInGuardRepository;
  oneTimeTokens: OneTimeTokenRepository;
  outbox: MailOutboxRepository;
  invites: InviteRepository;
  signingKeys: SigningKeyRepository;
  apps: AppRepository;
  accessKeys: AccessKeyRepository;
  apiKeys: ApiKeyRepository;
  permissions: PermissionRepository;
  revokedTokens: RevokedTokenRepository;
  groups: GroupRepository;
  roleDirectory: RoleDirectory;
  members: MemberDirectory;
  projects: ProjectRepository;
  resources: ResourceRepository;
  linkables: LinkableRepository;
  /** Who may make a resource linkable (HERE's ResourceSetting). */
  resourceSettings: ResourceSettingsRepository;
  /** Organization policies and plans, and what they are attached to. */
  policies: PolicyRepository;
  /** Access filters and their attachments. */
  accessFilters: FilterRepository;
  /** Resource policies, resource plans and their attachments. */
  resourcePolicies: ResourcePolicyRepository;
  /**
   * Row locks for check-then-write sequences inside a transaction (limits). Outside a transaction they do nothing
   * useful.
   */
  locks: { identity(identityId: string): Promise<void> };
}

export interface Storage extends Repositories {
  readonly dialect: Dialect;
  /** What the authorization engine reads. */
  readonly authz: AuthzStore;
  /**
   * Runs `work` in one transaction with repositories bound to it; commits when it resolves, rolls back when it
   * throws. Keep slow work (password hashing, mail) outside: on SQLite a transaction holds the only connection.
   */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
}

/**
 * Repositories bound to `db`. Writes that can change an authorization decision report the organization to
 * `changed`, which bumps its version once the write is committed.
 */
function createRepositories(
  db: Kysely<Database>,
  dialect: Dialect,
  changed: AuthzChange,
  credentialsChanged: CredentialChange,
): Repositories {
  return {
    organizations: createOrganizationRepository(db),
    users: createUserRepository(db, changed),
    roles: createRoleRepository(db, changed),
    sessions: createSessionRepository(db, credentialsChanged),
    signInGuards: createSignInGuardRepository(db),
    oneTimeTokens: createOneTimeTokenRepository(db),
    outbox: createMailOutboxRepository(db),
    invites: createInviteRepository(db),
    signingKeys: createSigningKeyRepository(db),
    apps: createAppRepository(db, changed),
    accessKeys: createAccessKeyRepository(db, credentialsChanged),
    apiKeys: createApiKeyRepository(db),
    permissions: createPermissionRepository(db, changed),
    revokedTokens: createRevokedTokenRepository(db, credentialsChanged),
    groups: createGroupRepository(db, changed),
    roleDirectory: createRoleDirectory(db),
    members: createMemberDirectory(db),
    projects: createProjectRepository(db, dialect, changed),
    resources: createResourceRepository(db, changed),
    linkables: createLinkableRepository(db),
    resourceSettings: createResourceSettingsRepository(db),
    policies: createPolicyRepository(db, changed),
    accessFilters: createFilterRepository(db, changed),
    resourcePolicies: createResourcePolicyRepository(db, changed),
    locks: { identity: (identityId) => lockIdentityRow(db, dialect, identityId) },
  };
}

export function createStorage(handle: DatabaseHandle, versions: AuthzVersions): Storage {
  // Outside a transaction a write is committed when it returns; inside one, versions move after the commit.
  const changedNow: AuthzChange = (realm) => (realm === undefined ? versions.bump() : versions.bump(realm));
  const credentialsChangedNow: CredentialChange = (realm) => versions.bumpCredentials(realm);
  return {
    ...createRepositories(handle.db, handle.dialect, changedNow, credentialsChangedNow),
    dialect: handle.dialect,
    authz: createAuthzStore(handle.db),
    async transaction(work) {
      const touched = new Set<string | undefined>();
      const credentialsTouched = new Set<string>();
      const result = await handle.db.transaction().execute((transaction) =>
        work(
          createRepositories(
            transaction,
            handle.dialect,
            (realm) => touched.add(realm),
            (realm) => credentialsTouched.add(realm),
          ),
        ),
      );
      if (touched.has(undefined)) versions.bump();
      else if (touched.size > 0) versions.bump(...([...touched] as string[]));
      versions.bumpCredentials(...credentialsTouched);
      return result;
    },
    async ping() {
      await sql`SELECT 1`.execute(handle.db);
    },
  };
}
