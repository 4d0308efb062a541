import type {
  GroupMember,
  GroupMemberEntityType,
  GroupRequest,
  Group as GroupView,
  HrnFactory,
  RealmMember,
} from '@gatehouse/contracts';
import { limits, referencedId } from '@gatehouse/contracts';
import { identityId, type Principal } from '../auth/principal.js';
import type { Authorizer } from '../authz/authorizer.js';
import { prefixedUuid } from '../crypto/random.js';
import { AppError, limitReached } from '../errors/app-error.js';
import type { MemberRef } from '../members/member-directory.js';
import type { MemberService } from '../members/member-service.js';
import { roleView } from '../roles/role-view.js';
import type { Repositories, Storage } from '../storage/storage.js';
import type { Group } from './group-repository.js';
import { groupView } from './group-view.js';

export interface GroupServiceDependencies {
  storage: Storage;
  authorizer: Authorizer;
  members: MemberService;
  hrns: HrnFactory;
  clock: () => number;
}

interface PageRequest {
  pageToken?: string | undefined;
  count: number;
}

/**
 * Groups (Authorization v1.1 `/groups`): users and apps of one organization, whose grants, policies and project
 * memberships apply to every member. Whoever creates a group becomes its member and its GroupAdmin; OrgAdmins manage
 * every group, a GroupAdmin the groups whose GroupAdmin role it holds.
 */
export class GroupService {
  readonly #deps: GroupServiceDependencies;

  constructor(deps: GroupServiceDependencies) {
    this.#deps = deps;
  }

  /** `GET /groups`: readMembers on the caller's organization. */
  async list(principal: Principal, options: PageRequest & { q?: string | undefined }) {
    await this.#deps.authorizer.requireOnRealm(principal, ['readMembers']);
    return this.#page(principal.realm, options);
  }

  /** `GET /groups/me`: the groups the caller is a direct member of. */
  mine(principal: Principal, page: PageRequest) {
    return this.#page(principal.realm, { ...page, memberId: identityId(principal) });
  }

  /** `POST /groups`: createGroup on the organization; the creator becomes member and GroupAdmin. */
  async create(principal: Principal, request: GroupRequest): Promise<GroupView> {
    const { authorizer, storage, hrns, clock } = this.#deps;
    await authorizer.requireOnRealm(principal, ['createGroup']);
    const creator = identityId(principal);
    const now = clock();
    const group: Group = {
      id: prefixedUuid('GROUP'),
      realm: principal.realm,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await storage.transaction(async (repositories) => {
      await repositories.locks.identity(creator);
      assertBelow('MaxEntityGroups', await repositories.groups.countGroupsOf(creator));
      assertBelow('MaxEntityRoles', await repositories.roleDirectory.countRolesOf(creator));
      await repositories.groups.insert(group);
      const admin = await repositories.roles.ensure(group.realm, 'GroupAdmin', hrns.group(group.realm, group.id), now);
      await repositories.groups.addMember(group.id, creator, now);
      await repositories.roles.assign(admin.id, creator, now);
    });
    return groupView(hrns, group);
  }

  async get(principal: Principal, reference: string): Promise<GroupView> {
    const group = await this.#readable(principal, reference);
    return groupView(this.#deps.hrns, group);
  }

  /** `POST /groups/{groupId}`: updateGroup on the group (HERE answers 201 with the group). */
  async update(principal: Principal, reference: string, request: GroupRequest): Promise<GroupView> {
    const group = await this.#authorized(principal, reference, 'updateGroup');
    const now = this.#deps.clock();
    await this.#deps.storage.groups.update(group.id, request, now);
    return groupView(this.#deps.hrns, {
      ...group,
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      updatedAt: now,
    });
  }

  /** `DELETE /groups/{groupId}`: deleteGroup on the group; memberships and its GroupAdmin role go with it. */
  async delete(principal: Principal, reference: string): Promise<void> {
    const group = await this.#authorized(principal, reference, 'deleteGroup');
    const groupHrn = this.#deps.hrns.group(group.realm, group.id);
    await this.#deps.storage.transaction((repositories) => repositories.groups.delete(group, groupHrn));
  }

  /**
   * `GET /groups/{groupId}/members` (GroupMemberPageWToken): users and apps, or with `entityType=invite` the pending
   * invitations that would add their invitee to the group.
   */
  async members(
    principal: Principal,
    reference: string,
    options: PageRequest & { kind?: GroupMemberEntityType | undefined },
  ): Promise<{ total: number; count: number; data: GroupMember[]; pageToken?: string }> {
    const group = await this.#readable(principal, reference);
    if (options.kind === 'invite') return this.#invitedMembers(group, options);
    const page = await this.#deps.storage.groups.listMembers(group.id, {
      kind: options.kind,
      pageToken: options.pageToken,
      count: options.count,
    });
    const data = await this.#deps.members.views(page.items.map((item) => ({ id: item.memberId, kind: item.kind })));
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  async #invitedMembers(group: Group, options: PageRequest) {
    const page = await this.#deps.storage.invites.listPending(group.realm, {
      groupId: group.id,
      pageToken: options.pageToken,
      count: options.count,
    });
    const data = page.items.map((invite): GroupMember => {
      const inviteHrn = this.#deps.hrns.invite(invite.realm, invite.id);
      return {
        memberHrn: inviteHrn,
        entityType: 'invite',
        info: {
          inviteId: invite.id,
          inviteHrn,
          realm: invite.realm,
          ...(invite.firstname !== undefined ? { firstname: invite.firstname } : {}),
          ...(invite.lastname !== undefined ? { lastname: invite.lastname } : {}),
          email: invite.email,
        },
      };
    });
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  async member(principal: Principal, reference: string, memberReference: string): Promise<RealmMember> {
    const group = await this.#readable(principal, reference);
    const member = await this.#deps.members.resolve(principal, memberReference, 'read');
    if (!(await this.#deps.storage.groups.isMember(group.id, member.id))) throw new AppError('group.member_not_found');
    const [view] = await this.#deps.members.views([member]);
    if (!view) throw new AppError('group.member_not_found');
    return view;
  }

  /** `POST /groups/{groupId}/members/{member}`: manageMembers on the group. Idempotent. */
  async addMember(principal: Principal, reference: string, memberReference: string): Promise<void> {
    const group = await this.#authorized(principal, reference, 'manageMembers');
    const member = await this.#deps.members.resolve(principal, memberReference, 'write');
    await this.#deps.storage.transaction((repositories) => this.join(repositories, group.id, member.id));
  }

  /**
   * Makes an identity a member of a group inside a transaction, within MaxGroupMembers and MaxEntityGroups
   * (invitations use it too). Nothing happens when it already is a member.
   */
  async join(repositories: Repositories, groupId: string, memberId: string): Promise<void> {
    await repositories.locks.identity(groupId);
    await repositories.locks.identity(memberId);
    if (await repositories.groups.isMember(groupId, memberId)) return;
    assertBelow('MaxGroupMembers', await repositories.groups.countMembers(groupId));
    assertBelow('MaxEntityGroups', await repositories.groups.countGroupsOf(memberId));
    await repositories.groups.addMember(groupId, memberId, this.#deps.clock());
  }

  /** `DELETE /groups/{groupId}/members/{member}`: manageMembers on the group; the member's GroupAdmin role goes too. */
  async removeMember(principal: Principal, reference: string, memberReference: string): Promise<void> {
    const group = await this.#authorized(principal, reference, 'manageMembers');
    const member = await this.#deps.members.resolve(principal, memberReference, 'read');
    await this.#leave(group, member);
  }

  /** `DELETE /groups/{groupId}/members/me`: the caller leaves the group and gives up its GroupAdmin role. */
  async leave(principal: Principal, reference: string): Promise<void> {
    const group = await this.#find(principal, reference);
    await this.#leave(group, { id: identityId(principal), kind: principal.kind });
  }

  /** `GET /groups/{groupId}/roles`: the roles scoped to the group (its GroupAdmin). */
  async roles(principal: Principal, reference: string, page: PageRequest) {
    const group = await this.#readable(principal, reference);
    const roles = await this.#deps.storage.roleDirectory.list(group.realm, {
      ...page,
      resourceHrn: this.#deps.hrns.group(group.realm, group.id),
    });
    const data = roles.items.map((role) => roleView(this.#deps.hrns, role));
    return {
      total: roles.total,
      count: data.length,
      data,
      ...(roles.nextPageToken !== undefined ? { pageToken: roles.nextPageToken } : {}),
    };
  }

  /**
   * The group a reference names (a `GROUP-…` id or a group HRN) in the caller's organization. Groups of other
   * organizations are not found, like groups that do not exist (HERE's 404780).
   */
  async #find(principal: Principal, reference: string): Promise<Group> {
    const id = referencedId(reference, 'authorization', ['group']);
    if (id === undefined) throw new AppError('group.not_found');
    const group = await this.#deps.storage.groups.findById(id);
    if (!group || group.realm !== principal.realm) throw new AppError('group.not_found');
    return group;
  }

  async #authorized(principal: Principal, reference: string, action: string): Promise<Group> {
    const group = await this.#find(principal, reference);
    await this.#deps.authorizer.require(principal, [action], this.#deps.hrns.group(group.realm, group.id));
    return group;
  }

  /** Read access to a group: read or readMembers on it, or readMembers on the organization (every user has it). */
  async #readable(principal: Principal, reference: string): Promise<Group> {
    const group = await this.#find(principal, reference);
    const { authorizer, hrns } = this.#deps;
    const onGroup = await authorizer.firstAllowed(
      principal,
      ['read', 'readMembers'],
      hrns.group(group.realm, group.id),
    );
    if (onGroup === undefined) await authorizer.requireOnRealm(principal, ['readMembers']);
    return group;
  }

  async #leave(group: Group, member: MemberRef): Promise<void> {
    const { storage, hrns } = this.#deps;
    const admin = await storage.roles.findByName(group.realm, 'GroupAdmin', hrns.group(group.realm, group.id));
    const left = await storage.transaction(async (repositories) => {
      if (admin) await repositories.roles.unassign(admin.id, member.id);
      return repositories.groups.removeMember(group.id, member.id);
    });
    if (!left) throw new AppError('group.member_not_found');
  }

  async #page(realm: string, options: PageRequest & { q?: string | undefined; memberId?: string }) {
    const page = await this.#deps.storage.groups.list(realm, options);
    const data = page.items.map((group) => groupView(this.#deps.hrns, group));
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }
}

/** 422000 when `current` has reached the limit. */
export function assertBelow(limit: 'MaxEntityGroups' | 'MaxGroupMembers' | 'MaxEntityRoles', current: number): void {
  const { maximum } = limits[limit];
  if (current >= maximum) throw limitReached(limit, current, maximum);
}
