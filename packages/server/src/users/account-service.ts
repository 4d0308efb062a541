import { randomInt } from 'node:crypto';
import type { HrnFactory, UpdateProfileRequest, UserProfile } from '@gatehouse/contracts';
import { referencedId } from '@gatehouse/contracts';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import { prefixedUuid } from '../crypto/random.js';
import { AppError, fieldError, invalidData } from '../errors/app-error.js';
import { ConflictError } from '../errors/storage-errors.js';
import type { Mailer } from '../mail/mailer.js';
import { mailTemplates } from '../mail/templates.js';
import { realmRoleNames } from '../roles/built-in-roles.js';
import type { Repositories, Storage } from '../storage/storage.js';
import type { OneTimeLinks } from '../tokens/one-time-links.js';
import type { Links } from '../web/links.js';
import { checkPassword, type PasswordContext } from './password-policy.js';
import type { User } from './user-repository.js';

export interface AccountServiceDependencies {
  storage: Storage;
  hasher: PasswordHasher;
  mailer: Mailer;
  links: Links;
  oneTimeLinks: OneTimeLinks;
  authorizer: Authorizer;
  hrns: HrnFactory;
  logger: Logger;
  clock: () => number;
  settings: {
    passwordMinLength: number;
    emailVerificationTtlSeconds: number;
  };
}

export interface NewAccount {
  email: string;
  password: string;
  firstname: string;
  lastname: string;
  dob?: string | undefined;
  countryCode?: string | undefined;
  language?: string | undefined;
  phoneNumber?: string | undefined;
  marketingEnabled?: boolean | undefined;
}

export interface NewOrganization {
  /** orgId; generated when absent. */
  realm?: string | undefined;
  name?: string | undefined;
}

/** The user account: creation, profile, password, email verification, deactivation and deletion. */
export class AccountService {
  readonly #deps: AccountServiceDependencies;

  constructor(deps: AccountServiceDependencies) {
    this.#deps = deps;
  }

  /** Throws 400200 (400206 or 400205) when a new password breaks the rules. */
  assertPasswordAcceptable(password: string, context: PasswordContext, fieldName = 'password'): void {
    const problems = checkPassword(password, this.#deps.settings.passwordMinLength, context, fieldName);
    if (problems.length > 0) throw invalidData(...problems);
  }

  /**
   * Creates an organization, its organization roles and its first user, who becomes OrgAdmin: sign-up, the set-up
   * page and the bootstrap settings all come here.
   */
  async createOrganizationWithAdmin(
    organization: NewOrganization,
    account: NewAccount,
    options: { emailVerified: boolean },
  ): Promise<User> {
    this.assertPasswordAcceptable(account.password, { ...account, realm: organization.realm });
    const passwordHash = await this.#deps.hasher.hash(account.password);
    const { hrns, clock } = this.#deps;
    for (let attempt = 0; ; attempt++) {
      const realm = organization.realm ?? `org${randomInt(100_000_000, 1_000_000_000)}`;
      try {
        return await this.#deps.storage.transaction(async (repositories) => {
          const now = clock();
          await repositories.organizations.insert({
            id: realm,
            name: organization.name ?? realm,
            createdAt: now,
            updatedAt: now,
          });
          for (const name of realmRoleNames) await repositories.roles.ensure(realm, name, hrns.realm(realm), now);
          const user = this.#newUser(realm, account, passwordHash, options.emailVerified, now);
          await repositories.users.insert(user);
          await this.grantRealmRole(repositories, realm, 'OrgAdmin', user.id, now);
          return user;
        });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (organization.realm !== undefined) throw new AppError('realm.taken');
        if (attempt >= 5) throw error;
      }
    }
  }

  /** Creates a user in an existing organization (accepted invitation). @throws ConflictError for a taken email. */
  async createMember(
    repositories: Repositories,
    realm: string,
    account: NewAccount,
    passwordHash: string,
  ): Promise<User> {
    const user = this.#newUser(realm, account, passwordHash, true, this.#deps.clock());
    await repositories.users.insert(user);
    return user;
  }

  async grantRealmRole(repositories: Repositories, realm: string, name: string, identityId: string, now: number) {
    const role = await repositories.roles.ensure(realm, name, this.#deps.hrns.realm(realm), now);
    await repositories.roles.assign(role.id, identityId, now);
  }

  /** Mails a new verification link; earlier links stop working. */
  async sendEmailVerification(user: User): Promise<void> {
    const { oneTimeLinks, mailer, links, settings } = this.#deps;
    const token = await oneTimeLinks.issue('email_verification', {
      userId: user.id,
      ttlSeconds: settings.emailVerificationTtlSeconds,
      replacePrevious: true,
    });
    await mailer.send(
      user.email,
      mailTemplates.emailVerification(links.verifyEmail(token), settings.emailVerificationTtlSeconds),
    );
  }

  async resendEmailVerification(userId: string): Promise<void> {
    const user = await this.#requireUser(userId);
    if (!user.emailVerified) await this.sendEmailVerification(user);
  }

  async verifyEmail(token: string): Promise<void> {
    const consumed = await this.#deps.oneTimeLinks.consume(token, 'email_verification');
    if (consumed?.userId === undefined) throw new AppError('user.link_invalid');
    await this.#deps.storage.users.markEmailVerified(consumed.userId, this.#deps.clock());
  }

  async getProfile(userId: string): Promise<UserProfile> {
    return this.toProfile(await this.#requireUser(userId));
  }

  async updateProfile(userId: string, changes: UpdateProfileRequest): Promise<UserProfile> {
    await this.#requireUser(userId);
    await this.#deps.storage.users.updateProfile(userId, changes, this.#deps.clock());
    return this.getProfile(userId);
  }

  /** Changes the password after checking the current one; the user's other sessions end. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (principal.kind !== 'user') throw new AppError('auth.wrong_token_type');
    const user = await this.#requireUser(principal.userId);
    if (!(await this.#deps.hasher.verify(user.passwordHash, currentPassword))) {
      throw invalidData(fieldError('currentPassword', 'wrongCurrentPassword'));
    }
    this.assertPasswordAcceptable(newPassword, { ...user }, 'newPassword');
    const passwordHash = await this.#deps.hasher.hash(newPassword);
    const now = this.#deps.clock();
    await this.#deps.storage.transaction(async ({ users, sessions }) => {
      await users.setPassword(user.id, passwordHash, now);
      await sessions.revokeAllOfUser(user.id, now, principal.sessionId);
    });
  }

  /**
   * Deactivates an account: its tokens stop working at once. A user who deactivates themselves may still delete the
   * account with the current session, and reactivates by signing in again; an OrgAdmin's deactivation ends every
   * session and only an OrgAdmin can undo it.
   */
  async deactivate(actor: Principal, userId: string): Promise<void> {
    const { target, self } = await this.#authorizeOnUser(actor, userId, 'manage');
    // An OrgAdmin's deactivation overrides the user's own, so that signing in no longer reactivates.
    if (target.state === 'disabled' && (self || target.deactivatedBy === 'admin')) return;
    const now = this.#deps.clock();
    await this.#deps.storage.transaction(async (repositories) => {
      if (target.state === 'enabled') await this.#assertNotLastOrgAdmin(repositories, target);
      await repositories.users.setState(target.id, 'disabled', self ? 'self' : 'admin', now);
      await repositories.sessions.revokeAllOfUser(
        target.id,
        now,
        self && actor.kind === 'user' ? actor.sessionId : undefined,
      );
    });
  }

  /** Reactivates an account deactivated by anyone (OrgAdmin only). */
  async activate(actor: Principal, userId: string): Promise<void> {
    const { target, self } = await this.#authorizeOnUser(actor, userId, 'manage');
    if (self) throw new AppError('auth.user_not_enabled', { params: { userId } });
    if (target.state === 'enabled') return;
    const now = this.#deps.clock();
    await this.#deps.storage.transaction(async ({ users, sessions }) => {
      await users.setState(target.id, 'enabled', undefined, now);
      await sessions.revokeAllOfUser(target.id, now);
    });
  }

  /** Deletes a deactivated account and everything that belongs to it, for good. */
  async delete(actor: Principal, userId: string): Promise<void> {
    const { target } = await this.#authorizeOnUser(actor, userId, 'manage');
    if (target.state !== 'disabled') throw new AppError('user.must_be_deactivated');
    await this.#deps.storage.transaction(async ({ users }) => users.delete(target.id));
    this.#deps.logger.info({ userId: target.id, realm: target.realm, actor: actor.hrn }, 'user deleted');
  }

  /**
   * Resolves `me`, a user id or a user HRN to a user of the actor's organization. Users of other organizations are
   * reported as not found, like users that do not exist and HRNs that name no user.
   */
  async resolveUserReference(actor: Principal, reference: string): Promise<string> {
    if (reference === 'me') {
      if (actor.kind !== 'user') throw new AppError('auth.wrong_token_type');
      return actor.userId;
    }
    const id = referencedId(reference, 'account', ['user']);
    const user = id === undefined ? undefined : await this.#deps.storage.users.findById(id);
    if (!user || user.realm !== actor.realm) throw new AppError('user.not_found');
    return user.id;
  }

  /**
   * A principal standing for `userId`, to see what that user can act on: the user themselves, or an OrgAdmin of the
   * user's organization looking.
   */
  async actAs(actor: Principal, userId: string): Promise<Principal> {
    const { target, self } = await this.#authorizeOnUser(actor, userId, 'manage');
    if (self) return actor;
    return {
      kind: 'user',
      userId: target.id,
      realm: target.realm,
      hrn: this.#deps.hrns.user(target.realm, target.id),
      tokenId: actor.tokenId,
      expiresAt: actor.expiresAt,
    };
  }

  toProfile(user: User): UserProfile {
    return {
      userId: user.id,
      realm: user.realm,
      hrn: this.#deps.hrns.user(user.realm, user.id),
      email: user.email,
      firstname: user.firstname,
      lastname: user.lastname,
      ...(user.dob !== undefined ? { dob: user.dob } : {}),
      ...(user.countryCode !== undefined ? { countryCode: user.countryCode } : {}),
      ...(user.language !== undefined ? { language: user.language } : {}),
      ...(user.phoneNumber !== undefined ? { phoneNumber: user.phoneNumber } : {}),
      emailVerified: user.emailVerified,
      marketingEnabled: user.marketingEnabled,
      state: user.state,
      createdTime: user.createdAt,
      updatedTime: user.updatedAt,
    };
  }

  async #authorizeOnUser(actor: Principal, userId: string, action: string) {
    const target = await this.#deps.storage.users.findById(userId);
    if (!target || target.realm !== actor.realm) throw new AppError('user.not_found');
    const self = actor.kind === 'user' && actor.userId === target.id;
    if (!self) await this.#deps.authorizer.require(actor, [action], this.#deps.hrns.user(target.realm, target.id));
    return { target, self };
  }

  async #assertNotLastOrgAdmin(repositories: Repositories, user: User): Promise<void> {
    const role = await repositories.roles.findByName(user.realm, 'OrgAdmin', this.#deps.hrns.realm(user.realm));
    if (!role) return;
    const holders = await repositories.roles.rolesOf(user.id);
    if (holders.some((held) => held.id === role.id) && (await repositories.roles.countEnabledUsers(role.id)) <= 1) {
      throw new AppError('user.last_org_admin');
    }
  }

  async #requireUser(userId: string): Promise<User> {
    const user = await this.#deps.storage.users.findById(userId);
    if (!user) throw new AppError('user.not_found');
    return user;
  }

  #newUser(realm: string, account: NewAccount, passwordHash: string, emailVerified: boolean, now: number): User {
    return {
      id: prefixedUuid('HERE'),
      realm,
      email: account.email.trim(),
      firstname: account.firstname,
      lastname: account.lastname,
      ...(account.dob !== undefined ? { dob: account.dob } : {}),
      ...(account.countryCode !== undefined ? { countryCode: account.countryCode } : {}),
      ...(account.language !== undefined ? { language: account.language } : {}),
      ...(account.phoneNumber !== undefined ? { phoneNumber: account.phoneNumber } : {}),
      marketingEnabled: account.marketingEnabled ?? false,
      emailVerified,
      state: 'enabled',
      passwordHash,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    };
  }
}
