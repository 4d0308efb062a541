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
  /** The subresources the statement lets through, for allows limited to subresources. */
  subresources?: readonly string[] | undefined;
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
    if (!statementMatches(statement, category, action, resource, requestScope)) continue;
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

/**
 * Narrows an allow limited to subresources (spec §7.3): to the union of the `subresources` of the matching statements
 * that list some and let the category be evaluated; unchanged when none does.
 */
export function narrowSubresources(
  statements: readonly AccessFilterStatement[],
  category: PermissionCategory,
  action: string,
  resource: string,
  requestScope: string | undefined,
  subresources: readonly string[],
): readonly string[] {
  let letThrough: Set<string> | undefined;
  for (const statement of statements) {
    if (!statement.evaluate || !statement.subresources) continue;
    if (!statementMatches(statement, category, action, resource, requestScope)) continue;
    letThrough ??= new Set();
    for (const subresource of statement.subresources) letThrough.add(subresource);
  }
  return letThrough ? subresources.filter((subresource) => letThrough.has(subresource)) : subresources;
}

function statementMatches(
  statement: AccessFilterStatement,
  category: PermissionCategory,
  action: string,
  resource: string,
  requestScope: string | undefined,
): boolean {
  if (statement.permissions !== category) return false;
  if (statement.actions && statement.actions.length > 0 && !statement.actions.includes(action)) return false;
  if (statement.resource !== undefined && !resourceMatches(statement.resource, resource)) return false;
  return statement.scope === undefined
    ? requestScope === undefined
    : statement.scope === '*' || statement.scope === requestScope;
}
