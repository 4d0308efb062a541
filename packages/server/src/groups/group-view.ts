import type { Group as GroupView, HrnFactory } from '@gatehouse/contracts';
import type { Group } from './group-repository.js';

/** HERE's `Group` for a stored group. */
export function groupView(hrns: HrnFactory, group: Group): GroupView {
  return {
    id: group.id,
    hrn: hrns.group(group.realm, group.id),
    name: group.name,
    realm: group.realm,
    ...(group.description !== undefined ? { description: group.description } : {}),
  };
}
