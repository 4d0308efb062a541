import type { HrnFactory, Role as RoleView } from '@gatehouse/contracts';
import type { Role } from './role-repository.js';

/** HERE's `Role` for a stored role: `resource` is the realm, group or project HRN it is scoped to. */
export function roleView(hrns: HrnFactory, role: Role): RoleView {
  return { id: role.id, hrn: hrns.role(role.realm, role.id), name: role.name, resource: role.resourceHrn };
}
