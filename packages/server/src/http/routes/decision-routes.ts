import { DecisionRequest, DecisionResponse } from '@gatehouse/contracts';
import type { DecisionService } from '../../authz/decision-service.js';
import { defineRoute, ok } from '../route.js';

/** HERE's decision API (spec §1.9): may the caller perform these actions on these resources. */
export function createDecisionRoutes({ decisions }: { decisions: DecisionService }) {
  return [
    defineRoute({
      method: 'POST',
      url: '/decision/authorize',
      operationId: 'authorize',
      summary: 'Decide whether the caller may perform actions on resources',
      description:
        'For user and app tokens (project-scoped or not) and API keys (`?apiKey=`). `operator` is `and` unless ' +
        '`or` is given; with `diagnostics: true` the answer lists each action with its decision and, as a Gatehouse ' +
        'extension, the reason code and its text.',
      tags: ['Decisions'],
      auth: 'identity',
      acceptApiKey: true,
      body: DecisionRequest,
      responses: { 200: DecisionResponse },
      handler: async ({ principal, body }) => ok(await decisions.authorize(principal, body)),
    }),
  ];
}
