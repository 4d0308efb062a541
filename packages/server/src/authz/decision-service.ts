import type { DecisionRequest, DecisionResponse } from '@gatehouse/contracts';
import type { Principal } from '../auth/principal.js';
import type { Storage } from '../storage/storage.js';
import type { Authorizer } from './authorizer.js';
import { decisionReasonText } from './engine.js';

/**
 * HERE's decision API (`POST /decision/authorize`, spec §1.9): services ask whether the caller of a request may
 * perform actions on resources. The same engine decides as for Gatehouse's own APIs, for user and app tokens,
 * project-scoped or not, and API keys.
 */
export class DecisionService {
  readonly #storage: Storage;
  readonly #authorizer: Authorizer;

  constructor(deps: { storage: Storage; authorizer: Authorizer }) {
    this.#storage = deps.storage;
    this.#authorizer = deps.authorizer;
  }

  async authorize(principal: Principal, request: DecisionRequest): Promise<DecisionResponse> {
    const answers = [];
    for (const question of request.actions) {
      const decision = await this.#authorizer.decide(
        principal,
        question.action,
        question.resource,
        question.subresource,
      );
      answers.push({
        decision: decision.allowed ? ('allow' as const) : ('deny' as const),
        action: question.action,
        resource: question.resource,
        ...(question.subresource !== undefined ? { subresource: question.subresource } : {}),
        ...(decision.subresources !== undefined ? { subresources: [...decision.subresources] } : {}),
        reason: decision.reason,
        cause: decisionReasonText[decision.reason],
      });
    }
    const allowed =
      request.operator === 'or'
        ? answers.some((answer) => answer.decision === 'allow')
        : answers.every((answer) => answer.decision === 'allow');
    const decision = allowed ? ('allow' as const) : ('deny' as const);
    return {
      identity: await this.#identity(principal),
      decision,
      ...(request.diagnostics ? { diagnostics: [{ decision, permissions: answers }] } : {}),
    };
  }

  async #identity(principal: Principal): Promise<DecisionResponse['identity']> {
    if (principal.kind === 'app') return { clientId: principal.appId, realm: principal.realm };
    const user = await this.#storage.users.findById(principal.userId);
    return {
      userId: principal.userId,
      realm: principal.realm,
      ...(user?.countryCode !== undefined ? { countryCode: user.countryCode } : {}),
      ...(user ? { emailVerified: user.emailVerified } : {}),
    };
  }
}
