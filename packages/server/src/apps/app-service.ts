import {
  type App,
  type AppAction,
  type AppInfo,
  type CreateAppRequest,
  type HrnFactory,
  MAX_TOKEN_DURATION,
  type PatchAppRequest,
  parseHrn,
  referencedId,
  resourceTypeAndId,
} from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import { type Authorizer, forbidden } from '../authz/authorizer.js';
import { randomAlphanumeric, randomToken } from '../crypto/random.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError, fieldError, invalidData, limitReached } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { AppRecord, DefaultScope } from './app-repository.js';

/** FAQ: "Maximum number of apps per user: 100". */
export const MAX_APPS_PER_CREATOR = 100;
const ALL_ACTIONS: readonly AppAction[] = ['read', 'write', 'manage', 'share'];

export interface AppServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  box: SecretBox;
  hrns: HrnFactory;
  clock: () => number;
}

/**
 * Apps: HERE's OAuth clients. The creator receives read, write, manage and share on the app; other identities get
 * access through grants, and ResourceManagers manage every app of their organization, orphaned ones included.
 */
export class AppService {
  readonly #deps: AppServiceDependencies;

  constructor(deps: AppServiceDependencies) {
    this.#deps = deps;
  }

  async create(principal: Principal, request: CreateAppRequest): Promise<App> {
    const { storage, hrns, clock } = this.#deps;
    const creatorId = principal.kind === 'user' ? principal.userId : principal.appId;
    if (principal.kind === 'app') {
      const creator = await storage.apps.findById(principal.appId);
      if (!creator?.appCreationEnabled) throw forbidden(principal, 'createApp', hrns.realm(principal.realm));
    }
    const now = clock();
    const app: AppRecord = {
      id: randomAlphanumeric(20),
      realm: principal.realm,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      status: 'active',
      applicationType: request.applicationType ?? 'application',
      tokenDuration: request.tokenDuration ?? MAX_TOKEN_DURATION,
      appCreationEnabled: false,
      redirectUris: request.redirectUris ?? [],
      allowedScopes: request.allowedScopes ?? [],
      responseTypes: request.responseTypes ?? [],
      referrers: request.referrers ?? [],
      tokenEndpointAuthMethod: request.tokenEndpointAuthMethod ?? 'client_secret_basic',
      creatorId,
      createdAt: now,
      updatedAt: now,
    };
    await storage.transaction(async (repositories) => {
      await repositories.locks.identity(creatorId);
      const count = await repositories.apps.countByCreator(creatorId);
      if (count >= MAX_APPS_PER_CREATOR) throw limitReached('MaxEntityApps', count, MAX_APPS_PER_CREATOR);
      await repositories.apps.insert(app);
      for (const action of ALL_ACTIONS) {
        await repositories.permissions.grant({
          realm: app.realm,
          identityId: creatorId,
          action,
          resourceHrn: hrns.app(app.realm, app.id),
          effect: 'allow',
          createdAt: now,
        });
      }
    });
    return this.view(app);
  }

  async get(principal: Principal, reference: string): Promise<App> {
    const app = await this.authorized(principal, reference, ['read', 'write', 'manage', 'share']);
    return this.view(app);
  }

  /**
   * Apps the caller can act on. With `action`, those where the caller holds exactly that permission (or covers it by
   * role); without, any of read, write, manage or share.
   */
  async list(
    principal: Principal,
    options: { action?: AppAction | undefined; pageToken?: string | undefined; limit: number },
  ) {
    const { storage, hrns, authorizer } = this.#deps;
    const actions = options.action ? [options.action] : ALL_ACTIONS;
    // Someone whose permissions cover every app of the organization (a ResourceManager) lists them all; anyone else
    // the apps granted to them or their groups. Each candidate is then decided, so denies count.
    const everyApp = hrns.app(principal.realm, '*');
    const coversAll = (await authorizer.firstAllowed(principal, actions, everyApp)) !== undefined;
    let ids: string[] | undefined;
    if (!coversAll) {
      const prefix = hrns.app(principal.realm, '');
      const holders = [identityId(principal), ...(await authorizer.engine.groupIds(identityId(principal)))];
      const candidates = new Set(
        (await storage.permissions.listFor(holders, prefix))
          .filter((permission) => actions.includes(permission.action as AppAction))
          .map((permission) => permission.resourceHrn),
      );
      ids = [];
      for (const hrn of candidates) {
        if ((await authorizer.firstAllowed(principal, actions, hrn)) !== undefined) ids.push(hrn.slice(prefix.length));
      }
    }
    const page = await storage.apps.list(principal.realm, {
      limit: options.limit,
      ...(ids !== undefined ? { ids } : {}),
      ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
    });
    return {
      limit: options.limit,
      total: page.total,
      items: page.items.map((app) => this.info(app)),
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  async update(principal: Principal, reference: string, changes: PatchAppRequest): Promise<App> {
    const app = await this.authorized(principal, reference, ['write', 'manage']);
    await this.#deps.storage.apps.update(app.id, changes, this.#deps.clock());
    return this.view(await this.#reload(app.id));
  }

  /** Deactivated apps get no tokens, and the tokens they have stop working at once. */
  async setStatus(principal: Principal, reference: string, status: 'active' | 'deactivated'): Promise<void> {
    const app = await this.authorized(principal, reference, ['manage']);
    await this.#deps.storage.apps.update(app.id, { status }, this.#deps.clock());
  }

  /** Deletes the app, its credentials, what it holds and what is granted on it. */
  async delete(principal: Principal, reference: string): Promise<void> {
    const app = await this.authorized(principal, reference, ['manage']);
    await this.#deps.storage.transaction(async (repositories) => {
      await repositories.permissions.revokeAllOn(this.#deps.hrns.app(app.realm, app.id));
      await repositories.apps.delete(app.id);
    });
  }

  async getDefaultScope(principal: Principal, reference: string): Promise<DefaultScope> {
    const app = await this.authorized(principal, reference, ['read', 'write', 'manage']);
    if (!app.defaultScope) throw new AppError('request.not_found', { detail: 'The app has no default scope.' });
    return app.defaultScope;
  }

  async setDefaultScope(
    principal: Principal,
    reference: string,
    scope: DefaultScope | null,
  ): Promise<DefaultScope | null> {
    const app = await this.authorized(principal, reference, ['manage']);
    if (scope !== null) this.#assertProjectHrn(app.realm, scope.scope);
    await this.#deps.storage.apps.update(app.id, { defaultScope: scope }, this.#deps.clock());
    return scope;
  }

  async setAppCreationEnabled(principal: Principal, reference: string, enabled: boolean): Promise<void> {
    const app = await this.authorized(principal, reference, ['manage']);
    await this.#deps.storage.apps.update(app.id, { appCreationEnabled: enabled }, this.#deps.clock());
  }

  async getAppCreationEnabled(principal: Principal, reference: string): Promise<boolean> {
    return (await this.authorized(principal, reference, ['read', 'write', 'manage'])).appCreationEnabled;
  }

  /** Issues the legacy APP CODE of an app that still needs it (deprecated: use API keys or tokens). */
  async enableAppCode(principal: Principal, reference: string) {
    const app = await this.authorized(principal, reference, ['manage']);
    if (!app.appCodeSealed) {
      const sealed = this.#deps.box.seal(randomToken(16), `app-code:${app.id}`);
      await this.#deps.storage.apps.update(app.id, { appCodeSealed: sealed }, this.#deps.clock());
    }
    return this.getAppCode(principal, reference);
  }

  async disableAppCode(principal: Principal, reference: string): Promise<void> {
    const app = await this.authorized(principal, reference, ['manage']);
    await this.#deps.storage.apps.update(app.id, { appCodeSealed: null }, this.#deps.clock());
  }

  async getAppCode(principal: Principal, reference: string) {
    const app = await this.authorized(principal, reference, ['read', 'write', 'manage']);
    if (!app.appCodeSealed) throw new AppError('app.no_app_code');
    const { hrns } = this.#deps;
    return {
      appCode: this.#deps.box.open(app.appCodeSealed, `app-code:${app.id}`),
      appId: app.id,
      identity: hrns.app(app.realm, app.id),
      realm: hrns.realm(app.realm),
      createdTime: app.updatedAt,
    };
  }

  /** `GET /app/me`: the calling app itself. */
  async me(principal: Principal): Promise<App> {
    if (principal.kind !== 'app') throw new AppError('auth.wrong_token_type');
    return this.view(await this.#reload(principal.appId));
  }

  /**
   * Resolves an app id or HRN to an app of the caller's organization on which the caller holds one of `actions`.
   * Apps of other organizations are reported as not found.
   */
  async authorized(principal: Principal, reference: string, actions: readonly string[]): Promise<AppRecord> {
    const app = await this.find(principal.realm, reference);
    if (!app) throw new AppError('app.not_found');
    await this.#deps.authorizer.require(principal, actions, this.hrn(app));
    return app;
  }

  hrn(app: AppRecord): string {
    return this.#deps.hrns.app(app.realm, app.id);
  }

  view(app: AppRecord): App {
    return {
      clientId: app.id,
      hrn: this.#deps.hrns.app(app.realm, app.id),
      realm: app.realm,
      name: app.name,
      ...(app.description !== undefined ? { description: app.description } : {}),
      status: app.status,
      applicationType: app.applicationType,
      redirectUris: app.redirectUris,
      allowedScopes: app.allowedScopes,
      responseTypes: app.responseTypes,
      referrers: app.referrers,
      tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
      tokenDuration: app.tokenDuration,
      appCreationEnabled: app.appCreationEnabled,
      appCodeEnabled: app.appCodeSealed !== undefined,
      ...(app.creatorId !== undefined ? { ownerId: app.creatorId } : {}),
      createdTime: app.createdAt,
    };
  }

  info(app: AppRecord): AppInfo {
    return {
      id: app.id,
      hrn: this.#deps.hrns.app(app.realm, app.id),
      realm: app.realm,
      name: app.name,
      ...(app.description !== undefined ? { description: app.description } : {}),
      status: app.status,
      appCreationEnabled: app.appCreationEnabled,
      applicationType: app.applicationType,
      createdTime: app.createdAt,
    };
  }

  /**
   * The app of `realm` an id or HRN names. An HRN names the app of one organization: the same id under another
   * organization names nothing.
   */
  async find(realm: string, reference: string): Promise<AppRecord | undefined> {
    const id = referencedId(reference, 'account', ['app'], {
      partition: this.#deps.hrns.partition,
      organization: realm,
    });
    if (id === undefined || !/^[A-Za-z0-9]{1,64}$/.test(id)) return undefined;
    const app = await this.#deps.storage.apps.findById(id);
    return app?.realm === realm ? app : undefined;
  }

  async #reload(id: string): Promise<AppRecord> {
    const app = await this.#deps.storage.apps.findById(id);
    if (!app) throw new AppError('app.not_found');
    return app;
  }

  /** Default scopes are project HRNs of the app's own organization (`hrn:…:authorization::<org>:project/<id>`). */
  #assertProjectHrn(realm: string, scope: string): void {
    const parsed = parseHrn(scope);
    const resource = parsed && resourceTypeAndId(parsed.resource);
    if (!parsed || resource?.type !== 'project' || parsed.account.toLowerCase() !== realm.toLowerCase()) {
      throw invalidData(fieldError('scope', 'scopeInvalid'));
    }
  }
}
