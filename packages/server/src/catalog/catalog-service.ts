import type { ActionType, HrnFactory, ResourceTypeInfo, ServiceInformation } from '@gatehouse/contracts';
import type { Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { AppError } from '../errors/app-error.js';
import { pageOf } from '../storage/in-memory-page.js';
import { serviceCatalog } from './service-catalog.js';

type PageQuery = { limit: number; pageToken?: string | undefined };

/**
 * The service catalog over HTTP: `/services*` needs `readServices` on the caller's organization, decided with its
 * unscoped permissions whatever its token's scope (every member holds it, see the member baseline; an access filter
 * may take it away); the actions of a resource type any signed-in identity may read.
 */
export class CatalogService {
  readonly #authorizer: Authorizer;
  readonly #hrns: HrnFactory;

  constructor({ authorizer, hrns }: { authorizer: Authorizer; hrns: HrnFactory }) {
    this.#authorizer = authorizer;
    this.#hrns = hrns;
  }

  /** `GET /services/{serviceId}`: by id or alias; 404 for a service Gatehouse does not know. */
  async get(principal: Principal, reference: string): Promise<ServiceInformation> {
    await this.#requireReadServices(principal);
    const service = serviceCatalog.find(reference);
    if (!service) throw new AppError('service.not_found');
    return service;
  }

  /** `GET /services?serviceIdAlias=`: every service, or the one with that alias. */
  async list(principal: Principal, query: PageQuery & { serviceIdAlias?: string | undefined }) {
    await this.#requireReadServices(principal);
    const alias = query.serviceIdAlias?.toLowerCase();
    const services = serviceCatalog.services.filter(
      (service) => alias === undefined || service.serviceIdAlias.toLowerCase() === alias,
    );
    return { limit: query.limit, ...pageOf(services, query.limit, query.pageToken) };
  }

  /** `GET /services/resourceTypes`: every resource type with the service it belongs to. */
  async resourceTypes(principal: Principal, query: PageQuery) {
    await this.#requireReadServices(principal);
    const types: readonly ResourceTypeInfo[] = serviceCatalog.resourceTypes;
    return { limit: query.limit, ...pageOf(types, query.limit, query.pageToken) };
  }

  #requireReadServices(principal: Principal): Promise<void> {
    return this.#authorizer.requireUnscoped(principal, ['readServices'], this.#hrns.realm(principal.realm));
  }

  /** `GET /resourceTypes/{resourceType}/actions`: 404 for a type Gatehouse does not know. */
  actions(resourceType: string, actionType: ActionType | undefined): { allowedActions: string[] } {
    const allowedActions = serviceCatalog.actionsOf(resourceType, actionType);
    if (!allowedActions) throw new AppError('service.resource_type_not_found');
    return { allowedActions };
  }
}
