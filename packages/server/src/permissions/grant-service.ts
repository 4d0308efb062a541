import type { ActivePermission, EntityGrant, EntityType, HrnFactory } from '@gatehouse/contracts';
import { parseHrn, resourceTypeAndId } from '@gatehouse/contracts';
import type { AppService } from '../apps/app-service.js';
import { identityId, type Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { AppError, fieldError, invalidData } from '../errors/app-error.js';
import type { Storage } from '../storage/storage.js';
import type { Permission } from './permission-repository.js';

/** Actions that can be granted on an app (FAQ: managers get read, write and manage; sharing adds share). */
const APP_ACTIONS = new Set(['read', 'write', 'manage', 'share']);

interface Entity {
  id: string;
  type: EntityType;
  realm: string;
}

/**
 * Direct grants on a resource (Authorization v1.1 `/grants/resources/...`): who holds which action. Granting an
 * action needs `share` or `addGrant:<action>` on the resource, removing one `share` or `removeGrant:<action>`.
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
    const held = (await this.#storage.permissions.listOn(resource.hrn)).filter((p) => p.identityId === entity.id);
    return this.#grant(held, entity);
  }

  async add(
    principal: Principal,
    resourceHrn: string,
    entityReference: string,
    entityType: EntityType,
    action: string,
  ) {
    const resource = await this.#resource(principal, resourceHrn);
    this.#assertAction(action);
    await this.#authorizer.require(principal, ['share', `addGrant:${action}`], resource.hrn);
    const entity = await this.#entity(principal, entityReference, entityType);
    await this.#storage.permissions.grant({
      realm: resource.realm,
      identityId: entity.id,
      action,
      resourceHrn: resource.hrn,
      effect: 'allow',
      createdAt: this.#clock(),
    });
    const held = (await this.#storage.permissions.listOn(resource.hrn)).filter((p) => p.identityId === entity.id);
    return this.#grant(held, entity);
  }

  async remove(
    principal: Principal,
    resourceHrn: string,
    entityReference: string,
    entityType: EntityType,
    action: string,
  ) {
    const resource = await this.#resource(principal, resourceHrn);
    this.#assertAction(action);
    await this.#authorizer.require(principal, ['share', `removeGrant:${action}`], resource.hrn);
    const entity = await this.#entity(principal, entityReference, entityType);
    await this.#storage.permissions.revoke(entity.id, resource.hrn, action);
  }

  /** The resources grants can be made on; anything else, and anything of another organization, is not found. */
  async #resource(principal: Principal, resourceHrn: string): Promise<{ hrn: string; realm: string }> {
    const parsed = parseHrn(resourceHrn);
    const resource = parsed && resourceTypeAndId(parsed.resource);
    if (!parsed) throw invalidData(fieldError('resource', 'invalid'));
    if (parsed.service === 'account' && resource?.type === 'app') {
      const app = await this.#apps.find(resourceHrn);
      if (app && app.realm === principal.realm) return { hrn: this.#apps.hrn(app), realm: app.realm };
    }
    const registered = await this.#storage.resources.findByHrn(resourceHrn);
    if (registered && registered.realm === principal.realm) return { hrn: registered.hrn, realm: registered.realm };
    throw new AppError('request.not_found');
  }

  async #entity(principal: Principal, reference: string, type: EntityType): Promise<Entity> {
    const id = reference.startsWith('hrn:') ? reference.slice(reference.lastIndexOf('/') + 1) : reference;
    const row =
      type === 'user'
        ? await this.#storage.users.findById(id)
        : type === 'app'
          ? await this.#storage.apps.findById(id)
          : undefined;
    if (!row) throw new AppError('grant.invalid_entity');
    if (row.realm !== principal.realm) {
      throw new AppError('realm.mismatch', { detail: 'Realm of the entity does not match the realm of the caller.' });
    }
    return { id: row.id, type, realm: row.realm };
  }

  #assertAction(action: string): void {
    const base = action.replace(/^(addGrant|removeGrant):/, '');
    if (!APP_ACTIONS.has(base)) throw invalidData(fieldError('action', 'invalid'));
  }

  #grant(held: Permission[], entity?: Entity): EntityGrant {
    const first = held[0];
    const id = entity?.id ?? first?.identityId ?? '';
    const type: EntityType = entity?.type ?? first?.identityKind ?? 'user';
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
