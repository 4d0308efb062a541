import type { ActivePermission, EntityGrant, EntityType, HrnFactory, NewPermissions } from '@gatehouse/contracts';
import { limits, parseHrn, referencedId, resourceTypeAndId } from '@gatehouse/contracts';
import type { AppService } from '../apps/app-service.js';
import { identityId, type Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { APP_SHARING_ACTIONS } from '../catalog/service-definitions.js';
import { AppError, fieldError, invalidData, limitReached } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { Effect, IdentityRef, Permission } from './permission-repository.js';

/** Actions that can be granted on an app: the catalog's `sharingEnabled` actions of type `app`. */
const APP_ACTIONS = new Set<string>(APP_SHARING_ACTIONS);

/** A resource grants can be made on, as stored: its HRN and the organization it belongs to ('' for HERE-wide). */
interface GrantableResource {
  hrn: string;
  realm: string;
  isApp: boolean;
}

/** Entity references in the Account v1 paths: each kind answers its own "not found". */
const ENTITY_NOT_FOUND = {
  user: 'authorization.record_not_found',
  app: 'app.not_found',
  group: 'group.not_found',
} as const;

/**
 * Direct grants on resources: Authorization v1.1 `/grants/resources/...` and Account v1 sharing
 * (`/{user|app|group}/{id}/authorization/share/permissions`, `DELETE /permissions`). Any resource of the caller's
 * organization can be shared (users, apps, groups, projects, registered resources, resource patterns), and
 * HERE-wide patterns such as `hrn:here:data:::*` by whoever holds `share` on them. Granting an action needs `share`
 * or `addGrant:<action>` on the resource, removing one `share` or `removeGrant:<action>`. An identity holds at most
 * MaxPermissionsPerEntity permissions.
 */
export class GrantService {
  readonly #storage: Storage;
  readonly #apps: AppService;
  readonly #authorizer: Authorizer;
  readonly #hrns: HrnFactory;
  readonly #clock: () => number;

  constructor(deps: {
    storage: Storage;
    apps: AppService;
    authorizer: Authorizer;
    hrns: HrnFactory;
    clock: () => number;
  }) {
    this.#storage = deps.storage;
    this.#apps = deps.apps;
    this.#authorizer = deps.authorizer;
    this.#hrns = deps.hrns;
    this.#clock = deps.clock;
  }

  async list(principal: Principal, resourceHrn: string, entityType?: EntityType) {
    const resource = await this.#resource(principal, resourceHrn);
    await this.#authorizer.require(principal, ['share', 'listGrants'], resource.hrn);
    const permissions = (await this.#storage.permissions.listOn(resource.hrn)).filter(
      (permission) => entityType === undefined || permission.identityKind === entityType,
    );
    const byIdentity = new Map<string, Permission[]>();
    for (const permission of permissions) {
      byIdentity.set(permission.identityId, [...(byIdentity.get(permission.identityId) ?? []), permission]);
    }
    const data = [...byIdentity.values()].map((held) => this.#grant(held));
    return { total: data.length, count: data.length, data };
  }

  async get(principal: Principal, resourceHrn: string, entityReference: string, entityType: EntityType) {
    const resource = await this.#resource(principal, resourceHrn);
    const entity = await this.#entity(principal, entityReference, entityType);
    if (identityId(principal) !== entity.id)
      await this.#authorizer.require(principal, ['share', 'listGrants'], resource.hrn);
    return this.#grant(await this.#heldOn(entity.id, resource.hrn), entity);
  }

  async add(
    principal: Principal,
    resourceHrn: string,
    entityReference: string,
    entityType: EntityType,
    action: string,
  ) {
    const resource = await this.#resource(principal, resourceHrn);
    if (!this.#grantable(resource, action)) throw invalidData(fieldError('action', 'invalid'));
    await this.#authorizer.require(principal, ['share', `addGrant:${action}`], resource.hrn);
    const entity = await this.#entity(principal, entityReference, entityType);
    await this.#grantAll(entity, [{ action, resourceHrn: resource.hrn, effect: 'allow' }]);
    return this.#grant(await this.#heldOn(entity.id, resource.hrn), entity);
  }

  async remove(
    principal: Principal,
    resourceHrn: string,
    entityReference: string,
    entityType: EntityType,
    action: string,
  ) {
    const resource = await this.#resource(principal, resourceHrn);
    if (!this.#grantable(resource, action)) throw invalidData(fieldError('action', 'invalid'));
    await this.#authorizer.require(principal, ['share', `removeGrant:${action}`], resource.hrn);
    const entity = await this.#entity(principal, entityReference, entityType);
    await this.#storage.permissions.revoke(entity.id, resource.hrn, action);
  }

  /**
   * Account v1 sharing: grants each permission (allow or deny) to a user, app or group of the caller's
   * organization. All or nothing: every permission is checked before any is written. HERE's errors: 400322 when
   * the caller may not share one of them, 403103 for an action that cannot be shared, 422000 past
   * MaxPermissionsPerEntity.
   */
  async share(
    principal: Principal,
    entityType: EntityType,
    entityReference: string,
    request: NewPermissions,
  ): Promise<IdentityRef> {
    const entity = await this.#accountEntity(principal, entityType, entityReference);
    const wanted: { action: string; resourceHrn: string; effect: Effect }[] = [];
    for (const permission of request.permissions) {
      const resource = await this.#resource(principal, permission.resource);
      if (!this.#grantable(resource, permission.action)) throw new AppError('share.action_not_shareable');
      try {
        await this.#authorizer.require(principal, ['share', `addGrant:${permission.action}`], resource.hrn);
      } catch (error) {
        if (error instanceof AppError && error.code === 'auth.forbidden') {
          throw new AppError('share.not_enough_privileges', { detail: error.detail });
        }
        throw error;
      }
      wanted.push({ action: permission.action, resourceHrn: resource.hrn, effect: permission.effect as Effect });
    }
    await this.#grantAll(entity, wanted);
    return entity;
  }

  /** `DELETE /permissions?hrn=&userId=|groupId=|appId=`: every permission of one entity on one resource. */
  async removeAllOn(principal: Principal, resourceHrn: string, entityType: EntityType, entityReference: string) {
    const entity = await this.#accountEntity(principal, entityType, entityReference);
    const resource = await this.#resource(principal, resourceHrn);
    const held = await this.#heldOn(entity.id, resource.hrn);
    if (held.length === 0) await this.#authorizer.require(principal, ['share'], resource.hrn);
    for (const action of new Set(held.map((permission) => permission.action))) {
      await this.#authorizer.require(principal, ['share', `removeGrant:${action}`], resource.hrn);
    }
    await this.#storage.permissions.revokeAllOfIdentityOn(entity.id, resource.hrn);
  }

  /** Writes permissions in one transaction, within MaxPermissionsPerEntity; already held ones are kept as they are. */
  async #grantAll(entity: IdentityRef, wanted: readonly { action: string; resourceHrn: string; effect: Effect }[]) {
    const now = this.#clock();
    const { maximum } = limits.MaxPermissionsPerEntity;
    await this.#storage.transaction(async (repositories) => {
      await repositories.locks.identity(entity.id);
      const held = new Set<string>();
      for (const resourceHrn of new Set(wanted.map((permission) => permission.resourceHrn))) {
        for (const permission of await repositories.permissions.listOn(resourceHrn)) {
          if (permission.identityId === entity.id) {
            held.add(`${permission.action}\u0000${resourceHrn}\u0000${permission.effect}`);
          }
        }
      }
      const fresh = new Set(
        wanted
          .map((permission) => `${permission.action}\u0000${permission.resourceHrn}\u0000${permission.effect}`)
          .filter((key) => !held.has(key)),
      );
      if (fresh.size > 0) {
        const current = await repositories.permissions.countFor(entity.id);
        if (current + fresh.size > maximum) throw limitReached('MaxPermissionsPerEntity', current, maximum);
      }
      for (const permission of wanted) {
        await repositories.permissions.grant({
          realm: entity.realm,
          identityId: entity.id,
          createdAt: now,
          ...permission,
        });
      }
    });
  }

  async #heldOn(entityId: string, resourceHrn: string): Promise<Permission[]> {
    return (await this.#storage.permissions.listOn(resourceHrn)).filter((p) => p.identityId === entityId);
  }

  /**
   * The resource named by an HRN, if grants can be made on it by this caller: Gatehouse's own entities must exist
   * in the caller's organization; registered resources must belong to it; other HRNs must name it, or no
   * organization or `HERE` (HERE-wide resources and patterns). Anything else is not found.
   */
  async #resource(principal: Principal, resourceHrn: string): Promise<GrantableResource> {
    const parsed = parseHrn(resourceHrn);
    if (!parsed) throw invalidData(fieldError('resource', 'invalidHrn'));
    const typed = resourceTypeAndId(parsed.resource);
    const ownRealm = parsed.account.toLowerCase() === principal.realm.toLowerCase();
    const notFound = () => new AppError('request.not_found');
    if (parsed.service === 'account' && typed?.type === 'app') {
      const app = await this.#apps.find(principal.realm, resourceHrn);
      if (app) return { hrn: this.#apps.hrn(app), realm: app.realm, isApp: true };
      throw notFound();
    }
    const ownEntity =
      (parsed.service === 'account' && typed?.type === 'user') ||
      (parsed.service === 'authorization' && (typed?.type === 'group' || typed?.type === 'project'));
    if (ownEntity && typed) {
      if (!ownRealm || parsed.partition !== this.#hrns.partition) throw notFound();
      const identity = typed.type === 'project' ? undefined : await this.#storage.permissions.findIdentity(typed.id);
      const exists =
        typed.type === 'project'
          ? (await this.#storage.authz.project(principal.realm, typed.id, [], this.#clock())) !== undefined
          : identity?.realm === principal.realm && identity.kind === typed.type;
      if (!exists) throw notFound();
      return { hrn: resourceHrn, realm: principal.realm, isApp: false };
    }
    const registered = await this.#storage.authz.resource(resourceHrn);
    if (registered) {
      if (registered.realm !== principal.realm) throw notFound();
      return { hrn: resourceHrn, realm: registered.realm, isApp: false };
    }
    const hereWide = parsed.account === '' || parsed.account === 'HERE';
    if (ownRealm || hereWide) return { hrn: resourceHrn, realm: principal.realm, isApp: false };
    throw notFound();
  }

  /** Apps know four actions (and their addGrant/removeGrant forms); other resources take any action name. */
  #grantable(resource: GrantableResource, action: string): boolean {
    return !resource.isApp || APP_ACTIONS.has(action.replace(/^(addGrant|removeGrant):/, ''));
  }

  /**
   * A grantee named in a v1.1 path, by id or by an HRN of its type (`…:account::<org>:user/…`,
   * `…:authorization::<org>:group/…`): unknown ones, and HRNs naming anything else, are "Illegal entity ID.".
   */
  async #entity(principal: Principal, reference: string, type: EntityType): Promise<IdentityRef> {
    const id = referencedId(reference, type === 'group' ? 'authorization' : 'account', [type]);
    const identity = id === undefined ? undefined : await this.#storage.permissions.findIdentity(id);
    if (!identity || identity.kind !== type) throw new AppError('grant.invalid_entity');
    if (identity.realm !== principal.realm) {
      throw new AppError('realm.mismatch', { detail: 'Realm of the entity does not match the realm of the caller.' });
    }
    return identity;
  }

  /** A grantee named in an Account v1 path: another organization's is as unknown as a missing one. */
  async #accountEntity(principal: Principal, type: EntityType, id: string): Promise<IdentityRef> {
    const identity = await this.#storage.permissions.findIdentity(id);
    if (!identity || identity.kind !== type || identity.realm !== principal.realm) {
      throw new AppError(ENTITY_NOT_FOUND[type]);
    }
    return identity;
  }

  #grant(held: Permission[], entity?: IdentityRef): EntityGrant {
    const first = held[0];
    const id = entity?.id ?? first?.identityId ?? '';
    const type: EntityType = entity?.kind ?? first?.identityKind ?? 'user';
    const realm = entity?.realm ?? first?.realm ?? '';
    const hrn =
      type === 'user'
        ? this.#hrns.user(realm, id)
        : type === 'app'
          ? this.#hrns.app(realm, id)
          : this.#hrns.group(realm, id);
    const permissions: ActivePermission[] = held.map((permission) => ({
      id: permission.id,
      action: permission.action,
      effect: permission.effect,
      resource: permission.resourceHrn,
    }));
    return { entityId: { id, hrn, realmHrn: this.#hrns.realm(realm), type }, permissions };
  }
}
