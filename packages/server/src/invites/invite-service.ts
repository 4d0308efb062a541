import type { HrnFactory, InviteRequest, InviteResponse, InviteTargets } from '@gatehouse/contracts';
import { limits, parseHrn, referencedId, resourceTypeAndId } from '@gatehouse/contracts';
import type { Principal } from '../auth/principal.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { Authorizer } from '../authz/authorizer.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import { prefixedUuid, randomToken, sha256 } from '../crypto/random.js';
import { AppError, fieldError, invalidData, limitReached } from '../errors/app-error.js';
import { ConflictError } from '../errors/storage-errors.js';
import type { GroupService } from '../groups/group-service.js';
import type { Mailer } from '../mail/mailer.js';
import { mailTemplates } from '../mail/templates.js';
import type { Role } from '../roles/role-repository.js';
import type { Repositories, Storage } from '../storage/storage.js';
import type { BackgroundTasks } from '../support/background-tasks.js';
import type { AccountService, NewAccount } from '../users/account-service.js';
import type { Links } from '../web/links.js';
import type { Invite } from './invite-repository.js';

export interface InviteServiceDependencies {
  storage: Storage;
  accounts: AccountService;
  hasher: PasswordHasher;
  authorizer: Authorizer;
  /** Invitees join the invitation's groups on acceptance. */
  groups: GroupService;
  mailer: Mailer;
  links: Links;
  hrns: HrnFactory;
  rateLimiter: RateLimiter;
  background: BackgroundTasks;
  clock: () => number;
  settings: { inviteTtlSeconds: number; rateLimitMailPerHour: number };
}

/** FAQ limits of an invitation. */
export const MAX_ROLES_PER_INVITE = 5;
export const MAX_GROUPS_PER_INVITE = 5;
/** HERE: "rate limit 6 invites/realm/minute". */
const INVITES_PER_REALM_PER_MINUTE = 6;

/**
 * Invitations (Authorization v1.1 `/realms/{realm}/invites`): OrgAdmins and OrgInviters invite by email; the link
 * lets the invitee set a password (or link the account they already have there) and receive the invitation's roles.
 */
export class InviteService {
  readonly #deps: InviteServiceDependencies;

  constructor(deps: InviteServiceDependencies) {
    this.#deps = deps;
  }

  async create(actor: Principal, realmReference: string, request: InviteRequest): Promise<InviteResponse> {
    const realm = await this.#authorize(actor, realmReference);
    const roles = await this.#resolveRoles(actor, realm, request.roles ?? []);
    const groupIds = await this.#resolveGroups(actor, realm, request.groupHrns ?? []);
    const { storage, clock } = this.#deps;
    if (await storage.users.findByRealmAndEmail(realm, request.emailAddress))
      throw new AppError('invite.already_member');
    if (await storage.invites.findPending(realm, request.emailAddress)) throw new AppError('invite.already_pending');
    await this.#deps.rateLimiter.consume('invites', realm.toLowerCase(), INVITES_PER_REALM_PER_MINUTE);

    const now = clock();
    const token = randomToken();
    const invite: Invite = {
      id: prefixedUuid('AUTHINVITE'),
      realm,
      email: request.emailAddress.trim(),
      ...(request.firstName !== undefined ? { firstname: request.firstName } : {}),
      ...(request.lastName !== undefined ? { lastname: request.lastName } : {}),
      roleIds: roles.map((role) => role.id),
      groupIds,
      allowPasswordLogin: request.allowPasswordLogin ?? true,
      creatorId: actor.kind === 'user' ? actor.userId : actor.appId,
      state: 'pending',
      expiresAt: now + this.#deps.settings.inviteTtlSeconds * 1000,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await storage.invites.insert(invite, sha256(token));
    } catch (error) {
      if (error instanceof ConflictError) throw new AppError('invite.already_pending');
      throw error;
    }
    await this.#mail(invite, token);
    return this.#view(invite);
  }

  async list(
    actor: Principal,
    realmReference: string,
    options: { q?: string | undefined; pageToken?: string | undefined; count: number },
  ) {
    // HERE lets members who may read the organization's members read its pending invitations too.
    const realm = await this.#authorize(actor, realmReference, ['manageInvites', 'readMembers']);
    const page = await this.#deps.storage.invites.listPending(realm, {
      count: options.count,
      ...(options.q !== undefined ? { q: options.q } : {}),
      ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
    });
    const data = await Promise.all(page.items.map((invite) => this.#view(invite)));
    return {
      total: page.total,
      count: data.length,
      data,
      ...(page.nextPageToken !== undefined ? { pageToken: page.nextPageToken } : {}),
    };
  }

  /**
   * `GET /realms/{realm}/invites/targets`: where invitations may lead. Gatehouse invites to the platform only (HERE's
   * default target). Like HERE, manageInvites or readMembers on the organization.
   */
  async targets(actor: Principal, realmReference: string): Promise<InviteTargets> {
    await this.#authorize(actor, realmReference, ['manageInvites', 'readMembers']);
    return { targets: [{ target: 'platform' }] };
  }

  /** Sends the invitation again with a new link and a new expiry. */
  async resend(actor: Principal, realmReference: string, inviteReference: string): Promise<void> {
    const invite = await this.#pendingInvite(actor, realmReference, inviteReference);
    await this.#deps.rateLimiter.consume('invites', invite.realm.toLowerCase(), INVITES_PER_REALM_PER_MINUTE);
    await this.#renewAndMail(invite);
  }

  /** Replaces the invitation's names, roles and groups, and sends it again (HERE's PUT). */
  async update(actor: Principal, realmReference: string, inviteReference: string, request: InviteRequest) {
    const invite = await this.#pendingInvite(actor, realmReference, inviteReference);
    if (request.emailAddress.trim().toLowerCase() !== invite.email.toLowerCase()) {
      throw invalidData(fieldError('emailAddress', 'invalid'));
    }
    const roles = await this.#resolveRoles(actor, invite.realm, request.roles ?? []);
    const groupIds = await this.#resolveGroups(actor, invite.realm, request.groupHrns ?? []);
    await this.#deps.rateLimiter.consume('invites', invite.realm.toLowerCase(), INVITES_PER_REALM_PER_MINUTE);
    await this.#deps.storage.invites.update(
      invite.id,
      {
        ...(request.firstName !== undefined ? { firstname: request.firstName } : {}),
        ...(request.lastName !== undefined ? { lastname: request.lastName } : {}),
        roleIds: roles.map((role) => role.id),
        groupIds,
        ...(request.allowPasswordLogin !== undefined ? { allowPasswordLogin: request.allowPasswordLogin } : {}),
      },
      this.#deps.clock(),
    );
    const updated = await this.#renewAndMail(invite);
    return this.#view(updated);
  }

  async cancel(actor: Principal, realmReference: string, inviteReference: string): Promise<void> {
    const invite = await this.#pendingInvite(actor, realmReference, inviteReference);
    if (!(await this.#deps.storage.invites.cancel(invite.id, this.#deps.clock())))
      throw new AppError('invite.not_pending');
  }

  /** What the invitation page shows to the holder of the link. */
  async preview(token: string) {
    const invite = await this.#byToken(token);
    const organization = await this.#deps.storage.organizations.findById(invite.realm);
    const existing = await this.#deps.storage.users.findByRealmAndEmail(invite.realm, invite.email);
    return {
      emailAddress: invite.email,
      realm: invite.realm,
      organizationName: organization?.name ?? invite.realm,
      ...(invite.firstname !== undefined ? { firstName: invite.firstname } : {}),
      ...(invite.lastname !== undefined ? { lastName: invite.lastname } : {}),
      expiresTime: invite.expiresAt,
      accountExists: existing !== undefined,
    };
  }

  /**
   * Accepts an invitation (`POST /user` with `inviteToken`). A new member chooses a password; someone who already
   * has an account in the organization proves it with their password and keeps it. Either way the invitation's
   * roles are given, and the invitation works once.
   */
  async accept(token: string, account: NewAccount): Promise<{ userId: string; realm: string; linked: boolean }> {
    const invite = await this.#byToken(token);
    const { storage, hasher, accounts, clock } = this.#deps;
    if (invite.email.toLowerCase() !== account.email.trim().toLowerCase()) {
      throw invalidData(fieldError('email', 'invalid'));
    }
    const existing = await storage.users.findByRealmAndEmail(invite.realm, invite.email);
    if (existing) {
      if (!(await hasher.verify(existing.passwordHash, account.password)))
        throw new AppError('user.invalid_credentials');
      await storage.transaction(async (repositories) => {
        if (!(await repositories.invites.accept(invite.id, existing.id, clock())))
          throw new AppError('user.link_invalid');
        await this.#applyInvite(repositories, invite, existing.id);
      });
      return { userId: existing.id, realm: existing.realm, linked: true };
    }

    accounts.assertPasswordAcceptable(account.password, { ...account, realm: invite.realm });
    const passwordHash = await hasher.hash(account.password);
    try {
      const user = await storage.transaction(async (repositories) => {
        const created = await accounts.createMember(repositories, invite.realm, account, passwordHash);
        if (!(await repositories.invites.accept(invite.id, created.id, clock())))
          throw new AppError('user.link_invalid');
        await this.#applyInvite(repositories, invite, created.id);
        return created;
      });
      return { userId: user.id, realm: user.realm, linked: false };
    } catch (error) {
      if (error instanceof ConflictError) throw new AppError('invite.already_member');
      throw error;
    }
  }

  /**
   * "Request invitation again": re-sends every pending invitation of the address with a new link and expiry. The
   * answer (202) comes first, so it does not tell whether there was any.
   */
  requestAgain(email: string): void {
    this.#deps.background.run('invitation-renewal', async () => {
      const invites = await this.#deps.storage.invites.findPendingByEmail(email);
      if (invites.length === 0) return;
      const allowed = await this.#deps.rateLimiter.allowForIdentity(
        'mail:invitation-renewal',
        email,
        this.#deps.settings.rateLimitMailPerHour,
        3_600_000,
      );
      if (!allowed) return;
      for (const invite of invites) await this.#renewAndMail(invite);
    });
  }

  async #applyInvite(repositories: Repositories, invite: Invite, identityId: string): Promise<void> {
    const now = this.#deps.clock();
    for (const roleId of invite.roleIds) {
      const role = await repositories.roles.findById(roleId);
      if (role && role.realm === invite.realm) await repositories.roles.assign(role.id, identityId, now);
    }
    // Groups deleted since the invitation was sent are skipped; a full group fails the acceptance with 422000.
    for (const groupId of invite.groupIds) {
      const group = await repositories.groups.findById(groupId);
      if (group && group.realm === invite.realm) await this.#deps.groups.join(repositories, group.id, identityId);
    }
  }

  async #authorize(
    actor: Principal,
    realmReference: string,
    actions: readonly string[] = ['manageInvites'],
  ): Promise<string> {
    const realm = await this.#resolveRealm(actor, realmReference);
    await this.#deps.authorizer.require(actor, actions, this.#deps.hrns.realm(realm));
    return realm;
  }

  async #resolveRealm(actor: Principal, reference: string): Promise<string> {
    const id = reference === 'me' ? actor.realm : referencedId(reference, 'account', ['realm']);
    if (id === undefined) throw new AppError('request.invalid_realm');
    const organization = await this.#deps.storage.organizations.findById(id);
    if (!organization) throw new AppError('realm.not_found');
    return organization.id;
  }

  /** Organization roles named by HRN, each of which the actor may give. */
  async #resolveRoles(actor: Principal, realm: string, roleHrns: readonly string[]): Promise<Role[]> {
    if (roleHrns.length > MAX_ROLES_PER_INVITE) {
      throw limitReached('MaxInviteRoles', roleHrns.length, MAX_ROLES_PER_INVITE);
    }
    const roles: Role[] = [];
    for (const [index, hrn] of roleHrns.entries()) {
      const parsed = parseHrn(hrn);
      const resource = parsed && resourceTypeAndId(parsed.resource);
      const role = resource?.type === 'role' ? await this.#deps.storage.roles.findById(resource.id) : undefined;
      if (!role || role.realm !== realm || role.resourceHrn !== this.#deps.hrns.realm(realm)) {
        throw invalidData(fieldError(`roles[${index}]`, 'invalid'));
      }
      // Giving a role needs manageEntities on it: an OrgAdmin may, an OrgInviter invites without roles.
      await this.#deps.authorizer.require(actor, ['manageEntities'], this.#deps.hrns.role(realm, role.id));
      roles.push(role);
    }
    return roles;
  }

  /**
   * Groups of the organization named by HRN, each of which the actor may add members to (manageMembers: an OrgAdmin,
   * or the group's GroupAdmin) and which has room for one more member.
   */
  async #resolveGroups(actor: Principal, realm: string, groupHrns: readonly string[]): Promise<string[]> {
    if (groupHrns.length > MAX_GROUPS_PER_INVITE) {
      throw limitReached('MaxInviteGroups', groupHrns.length, MAX_GROUPS_PER_INVITE);
    }
    const { storage, authorizer, hrns } = this.#deps;
    const groupIds: string[] = [];
    for (const [index, hrn] of groupHrns.entries()) {
      const parsed = parseHrn(hrn);
      const resource = parsed && resourceTypeAndId(parsed.resource);
      const group = resource?.type === 'group' ? await storage.groups.findById(resource.id) : undefined;
      if (!group || group.realm !== realm || parsed?.account.toLowerCase() !== realm.toLowerCase()) {
        throw invalidData(fieldError(`groupHrns[${index}]`, 'invalid'));
      }
      await authorizer.require(actor, ['manageMembers'], hrns.group(realm, group.id));
      const members = await storage.groups.countMembers(group.id);
      if (members >= limits.MaxGroupMembers.maximum) {
        throw limitReached('MaxGroupMembers', members, limits.MaxGroupMembers.maximum);
      }
      groupIds.push(group.id);
    }
    return groupIds;
  }

  async #pendingInvite(actor: Principal, realmReference: string, inviteReference: string): Promise<Invite> {
    const realm = await this.#authorize(actor, realmReference);
    // HERE names invitations under both services: Authorization's invite APIs and Account's InviteInfo.
    const id =
      referencedId(inviteReference, 'authorization', ['invite']) ??
      referencedId(inviteReference, 'account', ['invite']);
    const invite = id === undefined ? undefined : await this.#deps.storage.invites.findById(id);
    if (!invite || invite.realm !== realm) throw new AppError('invite.not_found');
    if (invite.state !== 'pending') throw new AppError('invite.not_pending');
    return invite;
  }

  async #byToken(token: string): Promise<Invite> {
    const invite = await this.#deps.storage.invites.findByTokenHash(sha256(token));
    if (invite?.state !== 'pending' || invite.expiresAt <= this.#deps.clock()) {
      throw new AppError('user.link_invalid');
    }
    return invite;
  }

  async #renewAndMail(invite: Invite): Promise<Invite> {
    const now = this.#deps.clock();
    const token = randomToken();
    const expiresAt = now + this.#deps.settings.inviteTtlSeconds * 1000;
    await this.#deps.storage.invites.renew(invite.id, sha256(token), expiresAt, now);
    const renewed = (await this.#deps.storage.invites.findById(invite.id)) ?? { ...invite, expiresAt, updatedAt: now };
    await this.#mail(renewed, token);
    return renewed;
  }

  async #mail(invite: Invite, token: string): Promise<void> {
    const organization = await this.#deps.storage.organizations.findById(invite.realm);
    await this.#deps.mailer.send(
      invite.email,
      mailTemplates.invitation({
        organizationName: organization?.name ?? invite.realm,
        realm: invite.realm,
        link: this.#deps.links.acceptInvitation(token),
        expiresAt: invite.expiresAt,
      }),
    );
  }

  async #view(invite: Invite): Promise<InviteResponse> {
    const { hrns, storage } = this.#deps;
    const roles = [];
    for (const roleId of invite.roleIds) {
      const role = await storage.roles.findById(roleId);
      if (role) roles.push({ hrn: hrns.role(role.realm, role.id), name: role.name });
    }
    return {
      hrn: hrns.invite(invite.realm, invite.id),
      emailAddress: invite.email,
      ...(invite.firstname !== undefined ? { firstName: invite.firstname } : {}),
      ...(invite.lastname !== undefined ? { lastName: invite.lastname } : {}),
      roles,
      groupHrns: invite.groupIds.map((id) => hrns.group(invite.realm, id)),
      ...(invite.creatorId !== undefined
        ? {
            creatorHrn: invite.creatorId.startsWith('HERE-')
              ? hrns.user(invite.realm, invite.creatorId)
              : hrns.app(invite.realm, invite.creatorId),
          }
        : {}),
      realmHrn: hrns.realm(invite.realm),
      createdTime: invite.createdAt,
      updatedTime: invite.updatedAt,
      expiresTime: invite.expiresAt,
      allowPasswordLogin: invite.allowPasswordLogin,
    };
  }
}
