import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { OneTimeLinks } from '../tokens/one-time-links.js';
import type { AccountService, NewAccount } from '../users/account-service.js';
import type { Links } from '../web/links.js';

export interface BootstrapSettings {
  bootstrapOrg?: string | undefined;
  bootstrapOrgName?: string | undefined;
  bootstrapEmail?: string | undefined;
  bootstrapPassword?: string | undefined;
  setupLinkTtlSeconds: number;
}

export type FirstStart =
  | { kind: 'ready' }
  | { kind: 'bootstrapped'; realm: string; email: string }
  | { kind: 'setup-link'; url: string; expiresInSeconds: number };

/**
 * The first organization and its OrgAdmin: created from the `bootstrap*` settings on first start (and left alone
 * on later starts), or through the one-time set-up link printed at start-up when there are none.
 */
export class SetupService {
  readonly #storage: Storage;
  readonly #accounts: AccountService;
  readonly #oneTimeLinks: OneTimeLinks;
  readonly #links: Links;
  readonly #logger: Logger;

  constructor(deps: {
    storage: Storage;
    accounts: AccountService;
    oneTimeLinks: OneTimeLinks;
    links: Links;
    logger: Logger;
  }) {
    this.#storage = deps.storage;
    this.#accounts = deps.accounts;
    this.#oneTimeLinks = deps.oneTimeLinks;
    this.#links = deps.links;
    this.#logger = deps.logger;
  }

  async onStart(settings: BootstrapSettings): Promise<FirstStart> {
    const { bootstrapOrg, bootstrapEmail, bootstrapPassword } = settings;
    if (bootstrapOrg !== undefined && bootstrapEmail !== undefined && bootstrapPassword !== undefined) {
      if (await this.#storage.organizations.findById(bootstrapOrg)) return { kind: 'ready' };
      await this.#accounts.createOrganizationWithAdmin(
        { realm: bootstrapOrg, name: settings.bootstrapOrgName ?? bootstrapOrg },
        { email: bootstrapEmail, password: bootstrapPassword, firstname: 'Organization', lastname: 'Admin' },
        { emailVerified: true },
      );
      this.#logger.info({ realm: bootstrapOrg }, 'first organization created from the bootstrap settings');
      return { kind: 'bootstrapped', realm: bootstrapOrg, email: bootstrapEmail };
    }
    if (await this.#storage.organizations.any()) return { kind: 'ready' };
    const token = await this.#oneTimeLinks.issue('setup', {
      ttlSeconds: settings.setupLinkTtlSeconds,
      replacePrevious: true,
    });
    return { kind: 'setup-link', url: this.#links.setup(token), expiresInSeconds: settings.setupLinkTtlSeconds };
  }

  /** Whether the set-up link is live (the set-up page asks before showing its form). */
  async isSetupOpen(token: string): Promise<boolean> {
    return (await this.#oneTimeLinks.peek(token, 'setup')) !== undefined && !(await this.#storage.organizations.any());
  }

  async complete(
    token: string,
    organization: { realm: string; name: string },
    account: NewAccount,
  ): Promise<{ userId: string; realm: string }> {
    if (await this.#storage.organizations.any()) throw new AppError('setup.already_done');
    if ((await this.#oneTimeLinks.peek(token, 'setup')) === undefined) throw new AppError('user.link_invalid');
    this.#accounts.assertPasswordAcceptable(account.password, { ...account, realm: organization.realm });
    if (!(await this.#oneTimeLinks.consume(token, 'setup'))) throw new AppError('user.link_invalid');
    const user = await this.#accounts.createOrganizationWithAdmin(organization, account, { emailVerified: true });
    this.#logger.info({ realm: user.realm }, 'first organization created with the set-up link');
    return { userId: user.id, realm: user.realm };
  }
}
