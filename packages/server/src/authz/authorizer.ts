import { type HrnFactory, parseHrn, resourceTypeAndId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';
import { type AuthorizationEngine, type AuthzSubject, type Decision, decisionReasonText } from './engine.js';

/**
 * How services ask the {@link AuthorizationEngine}: for a principal (the caller of a request), may it perform an
 * action on a resource HRN. Our own management APIs are authorized this way, by the same engine as the decision
 * API.
 */
export class Authorizer {
  readonly #engine: AuthorizationEngine;
  readonly #hrns: HrnFactory;

  constructor(engine: AuthorizationEngine, hrns: HrnFactory) {
    this.#engine = engine;
    this.#hrns = hrns;
  }

  get engine(): AuthorizationEngine {
    return this.#engine;
  }

  /** The engine's subject for a principal: its identity, organization and, for a project-scoped token, project. */
  subject(principal: Principal): AuthzSubject {
    return { identityId: identityId(principal), realm: principal.realm, projectId: projectIdOf(principal.scope) };
  }

  decide(principal: Principal, action: string, resourceHrn: string, subresource?: string): Promise<Decision> {
    return this.#engine.decide(this.subject(principal), action, resourceHrn, subresource);
  }

  async can(principal: Principal, action: string, resourceHrn: string): Promise<boolean> {
    return (await this.decide(principal, action, resourceHrn)).allowed;
  }

  /** The first of `actions` the principal may perform on the resource, if any. */
  async firstAllowed(
    principal: Principal,
    actions: readonly string[],
    resourceHrn: string,
  ): Promise<string | undefined> {
    for (const action of actions) if (await this.can(principal, action, resourceHrn)) return action;
    return undefined;
  }

  /** Throws HERE's verbose 403 (who, which action on which HRN, why, what to do) unless one of `actions` is allowed. */
  require(principal: Principal, actions: readonly string[], resourceHrn: string): Promise<void> {
    return this.#requireFor(this.subject(principal), principal, actions, resourceHrn);
  }

  /**
   * {@link require} with the caller's unscoped permissions, whatever its token's scope: organization-level actions
   * that a project-scoped token may also exercise (its project does not widen or narrow them).
   */
  requireUnscoped(principal: Principal, actions: readonly string[], resourceHrn: string): Promise<void> {
    return this.#requireFor({ ...this.subject(principal), projectId: undefined }, principal, actions, resourceHrn);
  }

  async #requireFor(
    subject: AuthzSubject,
    principal: Principal,
    actions: readonly string[],
    resourceHrn: string,
  ): Promise<void> {
    let last: Decision | undefined;
    for (const action of actions) {
      last = await this.#engine.decide(subject, action, resourceHrn);
      if (last.allowed) return;
    }
    throw forbidden(principal, actions.join('|'), resourceHrn, last ? decisionReasonText[last.reason] : undefined);
  }

  /** {@link require} on the principal's own organization (realm-level actions: createGroup, manageInvites, …). */
  requireOnRealm(principal: Principal, actions: readonly string[]): Promise<void> {
    return this.require(principal, actions, this.#hrns.realm(principal.realm));
  }
}

/** The project id of a project HRN scope (`hrn:…:authorization::<org>:project/<id>`). */
export function projectIdOf(scope: string | undefined): string | undefined {
  if (scope === undefined) return undefined;
  const parsed = parseHrn(scope);
  const resource = parsed && resourceTypeAndId(parsed.resource);
  return resource?.type === 'project' ? resource.id : undefined;
}

/** HERE's verbose 403: who, which action on which HRN, why, and what to do (spec §5.2). */
export function forbidden(principal: Principal, action: string, resourceHrn: string, why?: string): AppError {
  const who = principal.kind === 'user' ? `${principal.appId ?? ''}/${principal.userId}` : `${principal.appId}/`;
  return new AppError('auth.forbidden', {
    detail:
      `App/User ${who} credentials do not authorize access to perform ${action} action on ${resourceHrn} ` +
      `because ${why ?? decisionReasonText.no_matching_permission}`,
  });
}
