import { resourceMatches } from './permission-index.js';

/**
 * A statement of an access filter (spec §7.3). `permissions` names the category it governs; `scope` absent means
 * unscoped requests, `*` every project-scoped request, a project HRN that project's requests.
 */
export interface AccessFilterStatement {
  description?: string | undefined;
  permissions: 'unscoped' | 'scoped' | 'linkable';
  actions?: readonly string[] | undefined;
  resource?: string | undefined;
  scope?: string | undefined;
  evaluate: boolean;
  priority: number;
}

export type PermissionCategory = AccessFilterStatement['permissions'];

/**
 * Whether the filters let a category of permissions be evaluated for a request: among the statements that match
 * (category, action, resource, the request's scope) the highest priority decides, a tie goes to `evaluate: true`, and
 * with no matching statement the category is evaluated. Filters bound permissions; they never grant.
 */
export function categoryEvaluated(
  statements: readonly AccessFilterStatement[],
  category: PermissionCategory,
  action: string,
  resource: string,
  requestScope: string | undefined,
): boolean {
  let best: AccessFilterStatement | undefined;
  for (const statement of statements) {
    if (statement.permissions !== category) continue;
    if (statement.actions && statement.actions.length > 0 && !statement.actions.includes(action)) continue;
    if (statement.resource !== undefined && !resourceMatches(statement.resource, resource)) continue;
    if (
      statement.scope === undefined
        ? requestScope !== undefined
        : statement.scope !== '*' && statement.scope !== requestScope
    ) {
      continue;
    }
    if (
      best === undefined ||
      statement.priority > best.priority ||
      (statement.priority === best.priority && statement.evaluate && !best.evaluate)
    ) {
      best = statement;
    }
  }
  return best?.evaluate ?? true;
}
