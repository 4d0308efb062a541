import type { RateLimiter } from '../auth/rate-limiter.js';
import { SignInService } from '../authentication/sign-in-service.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import { AppError } from '../errors/app-error.js';
import type { Mailer } from '../mail/mailer.js';
import { mailTemplates } from '../mail/templates.js';
import type { Storage } from '../storage/storage.js';
import type { BackgroundTasks } from '../support/background-tasks.js';
import type { OneTimeLinks } from '../tokens/one-time-links.js';
import type { Links } from '../web/links.js';
import type { AccountService } from './account-service.js';

export interface RecoveryDependencies {
  storage: Storage;
  accounts: AccountService;
  hasher: PasswordHasher;
  mailer: Mailer;
  links: Links;
  oneTimeLinks: OneTimeLinks;
  rateLimiter: RateLimiter;
  background: BackgroundTasks;
  clock: () => number;
  settings: { passwordResetTtlSeconds: number; rateLimitMailPerHour: number };
}

const HOUR_MS = 3_600_000;

/**
 * "Forgot your password?" and "Forgot your orgId?". Requests are answered (202) before anything is looked up; the
 * lookup and the mail happen afterwards, so neither the answer nor its timing tells whether the address has an
 * account.
 */
export class RecoveryService {
  readonly #deps: RecoveryDependencies;

  constructor(deps: RecoveryDependencies) {
    this.#deps = deps;
  }

  requestPasswordReset(email: string, realm: string | undefined): void {
    this.#deps.background.run('password-reset-request', async () => {
      const { storage, oneTimeLinks, mailer, links, settings } = this.#deps;
      const accounts = (await storage.users.findByEmail(email)).filter(
        (user) => realm === undefined || user.realm.toLowerCase() === realm.toLowerCase(),
      );
      if (accounts.length === 0 || !(await this.#mayMail('password-reset', email))) return;
      const entries = [];
      for (const user of accounts) {
        const token = await oneTimeLinks.issue('password_reset', {
          userId: user.id,
          ttlSeconds: settings.passwordResetTtlSeconds,
          replacePrevious: true,
        });
        const organization = await storage.organizations.findById(user.realm);
        entries.push({
          realm: user.realm,
          organizationName: organization?.name ?? user.realm,
          link: links.resetPassword(token),
        });
      }
      const recipient = accounts[0]?.email ?? email;
      await mailer.send(recipient, mailTemplates.passwordReset(entries, settings.passwordResetTtlSeconds));
    });
  }

  /**
   * Sets a new password from a reset link. The link is checked before the password is, so a rejected password does
   * not use it up; it is consumed atomically after hashing, so it works once. Completing a reset unlocks sign-in,
   * proves the email address and ends every session.
   */
  async completePasswordReset(token: string, password: string): Promise<void> {
    const { storage, oneTimeLinks, hasher, accounts, clock } = this.#deps;
    const pending = await oneTimeLinks.peek(token, 'password_reset');
    const user = pending?.userId === undefined ? undefined : await storage.users.findById(pending.userId);
    if (!user) throw new AppError('user.link_invalid');
    accounts.assertPasswordAcceptable(password, { ...user });
    const passwordHash = await hasher.hash(password);
    const consumed = await oneTimeLinks.consume(token, 'password_reset');
    if (consumed?.userId !== user.id) throw new AppError('user.link_invalid');
    const now = clock();
    await storage.transaction(async ({ users, sessions, signInGuards, oneTimeTokens }) => {
      await users.setPassword(user.id, passwordHash, now);
      if (!user.emailVerified) await users.markEmailVerified(user.id, now);
      await sessions.revokeAllOfUser(user.id, now);
      await oneTimeTokens.invalidateForUser(user.id, 'password_reset', now);
      await signInGuards.clear(SignInService.lockKey(user.email));
    });
  }

  requestOrgIdRecovery(email: string): void {
    this.#deps.background.run('orgid-recovery', async () => {
      const { storage, mailer, links } = this.#deps;
      const accounts = await storage.users.findByEmail(email);
      if (accounts.length === 0 || !(await this.#mayMail('orgid-recovery', email))) return;
      const organizations = [];
      for (const user of accounts) {
        const organization = await storage.organizations.findById(user.realm);
        organizations.push({ realm: user.realm, name: organization?.name ?? user.realm });
      }
      await mailer.send(accounts[0]?.email ?? email, mailTemplates.orgIdRecovery(organizations, links.signIn()));
    });
  }

  #mayMail(bucket: string, email: string): Promise<boolean> {
    return this.#deps.rateLimiter.allowForIdentity(
      `mail:${bucket}`,
      email,
      this.#deps.settings.rateLimitMailPerHour,
      HOUR_MS,
    );
  }
}
