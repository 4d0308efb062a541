import { type Kysely, sql } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import type { ProjectPolicyPermission } from '../authz/project-policies.js';
import type { Dialect } from '../storage/database.js';
import { decodePageToken, encodePageToken, type Page, pageInCreationOrder } from '../storage/pagination.js';
import type { Database, ProjectPolicyRow, ProjectRow } from '../storage/tables.js';

export type ScopeAccess = 'thisProjectOnly' | 'thisProjectOrNoProject';
export type IdentityKind = 'user' | 'app' | 'group';

export interface ProjectRecord {
  realm: string;
  id: string;
  name: string;
  description?: string;
  scopeAccess: ScopeAccess;
  /** Policy HRNs every new member receives. */
  defaultMemberPolicies: string[];
  creatorId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface ProjectMemberRecord {
  memberId: string;
  kind: IdentityKind;
  createdAt: number;
}

export interface CustomPolicyRecord {
  realm: string;
  projectId: string;
  id: string;
  name: string;
  description?: string;
  permissions: ProjectPolicyPermission[];
  createdAt: number;
  updatedAt: number;
}

/**
 * Projects, their members, custom policies and policy attachments. Every write that can change a decision reports
 * the organization to `changed`. Limits are checked by the service inside a transaction, after {@link lock}.
 */
export interface ProjectRepository {
  /** Serializes check-then-write sequences on one project (PostgreSQL row lock; SQLite needs none). */
  lock(realm: string, projectId: string): Promise<void>;
  insert(project: ProjectRecord): Promise<boolean>;
  findById(realm: string, projectId: string): Promise<ProjectRecord | undefined>;
  /** Projects of an organization by creation, optionally only `ids`, optionally matching `q` in id, name or description. */
  list(
    realm: string,
    options: { ids?: readonly string[]; q?: string; limit: number; pageToken?: string },
  ): Promise<Page<ProjectRecord>>;
  update(
    realm: string,
    projectId: string,
    changes: Partial<Pick<ProjectRecord, 'name' | 'description' | 'scopeAccess' | 'defaultMemberPolicies'>>,
    now: number,
  ): Promise<void>;
  /**
   * Deletes a project with its members, policies and links; resources homed there stay, outside projects. Roles
   * scoped to the project (ProjectAdmin) go too.
   */
  delete(realm: string, projectId: string, projectHrn: string): Promise<void>;

  /** Adds a direct member with its first policies; false when it was a member already. */
  addMember(
    realm: string,
    projectId: string,
    memberId: string,
    policyHrns: readonly string[],
    now: number,
  ): Promise<boolean>;
  findMember(realm: string, projectId: string, memberId: string): Promise<ProjectMemberRecord | undefined>;
  removeMember(realm: string, projectId: string, memberId: string): Promise<boolean>;
  /** Direct members by the time they joined. */
  listMembers(
    realm: string,
    projectId: string,
    options: { limit: number; pageToken?: string },
  ): Promise<Page<ProjectMemberRecord>>;
  /** Direct members that are users or apps, and those that are groups. */
  countMembers(realm: string, projectId: string): Promise<{ identities: number; groups: number }>;
  /**
   * Users and apps that are members directly or through a member group, or that administer the project (the
   * ProjectAdmin role on `roles.projectHrn`, the ResourceManager role on `roles.realmHrn`), by id.
   */
  effectiveIdentities(
    realm: string,
    projectId: string,
    roles: { projectHrn: string; realmHrn: string },
  ): Promise<ProjectMemberRecord[]>;
  /** How many projects an identity or group is a direct member of. */
  countProjectsOf(memberId: string): Promise<number>;
  /** Projects these identities are direct members of. */
  projectIdsOf(realm: string, memberIds: readonly string[]): Promise<string[]>;

  insertPolicy(policy: CustomPolicyRecord): Promise<boolean>;
  findPolicy(realm: string, projectId: string, policyId: string): Promise<CustomPolicyRecord | undefined>;
  listPolicies(realm: string, projectId: string): Promise<CustomPolicyRecord[]>;
  updatePolicy(
    realm: string,
    projectId: string,
    policyId: string,
    changes: Pick<CustomPolicyRecord, 'name' | 'description' | 'permissions'>,
    now: number,
  ): Promise<void>;
  /** Deletes a custom policy and every attachment of it. */
  deletePolicy(realm: string, projectId: string, policyId: string, policyHrn: string): Promise<void>;

  attachedPolicies(realm: string, projectId: string): Promise<string[]>;
  setAttachedPolicies(realm: string, projectId: string, policyHrns: readonly string[], now: number): Promise<void>;
  attachPolicy(realm: string, projectId: string, policyHrn: string, now: number): Promise<boolean>;
  detachPolicy(realm: string, projectId: string, policyHrn: string): Promise<boolean>;

  memberPolicies(realm: string, projectId: string, memberId: string): Promise<string[]>;
  setMemberPolicies(
    realm: string,
    projectId: string,
    memberId: string,
    policyHrns: readonly string[],
    now: number,
  ): Promise<void>;
  attachMemberPolicy(
    realm: string,
    projectId: string,
    memberId: string,
    policyHrn: string,
    now: number,
  ): Promise<boolean>;
  detachMemberPolicy(realm: string, projectId: string, memberId: string, policyHrn: string): Promise<boolean>;
  /** Direct members holding a policy. */
  membersWithPolicy(realm: string, projectId: string, policyHrn: string): Promise<ProjectMemberRecord[]>;

  /** The kind and organization of a user, app or group. */
  identity(identityId: string): Promise<{ kind: IdentityKind; realm: string } | undefined>;
  /** Names of groups by id. */
  groupNames(groupIds: readonly string[]): Promise<Map<string, string>>;
}

const parse = <T>(text: string): T => JSON.parse(text) as T;

export function createProjectRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  changed: AuthzChange,
): ProjectRepository {
  const memberSelect = () =>
    db
      .selectFrom('project_members')
      .innerJoin('identities', 'identities.id', 'project_members.member_id')
      .select(['project_members.member_id', 'project_members.created_at', 'identities.kind']);

  return {
    async lock(realm, projectId) {
      if (dialect === 'postgres') {
        await sql`SELECT id FROM projects WHERE realm_id = ${realm} AND id = ${projectId} FOR UPDATE`.execute(db);
      }
    },

    async insert(project) {
      const result = await db
        .insertInto('projects')
        .values({
          realm_id: project.realm,
          id: project.id,
          name: project.name,
          description: project.description ?? null,
          scope_access: project.scopeAccess,
          default_member_policies: JSON.stringify(project.defaultMemberPolicies),
          creator_id: project.creatorId ?? null,
          created_at: project.createdAt,
          updated_at: project.updatedAt,
        })
        .onConflict((conflict) => conflict.columns(['realm_id', 'id']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(project.realm);
      return added;
    },

    async findById(realm, projectId) {
      const row = await db
        .selectFrom('projects')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('id', '=', projectId)
        .executeTakeFirst();
      return row && toProject(row);
    },

    async list(realm, { ids, q, limit, pageToken }) {
      if (ids !== undefined && ids.length === 0) return { items: [], total: 0 };
      let query = db.selectFrom('projects').where('realm_id', '=', realm);
      if (ids !== undefined) query = query.where('id', 'in', [...ids]);
      if (q !== undefined) {
        const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
        query = query.where((eb) =>
          eb.or([
            eb(sql`lower(id)`, 'like', sql`${pattern} ESCAPE '\\'`),
            eb(sql`lower(name)`, 'like', sql`${pattern} ESCAPE '\\'`),
            eb(sql`lower(coalesce(description, ''))`, 'like', sql`${pattern} ESCAPE '\\'`),
          ]),
        );
      }
      return pageInCreationOrder(query, { pageToken, limit: limit }, toProject);
    },

    async update(realm, projectId, changes, now) {
      await db
        .updateTable('projects')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.scopeAccess !== undefined ? { scope_access: changes.scopeAccess } : {}),
          ...(changes.defaultMemberPolicies !== undefined
            ? { default_member_policies: JSON.stringify(changes.defaultMemberPolicies) }
            : {}),
          updated_at: now,
        })
        .where('realm_id', '=', realm)
        .where('id', '=', projectId)
        .execute();
      if (changes.scopeAccess !== undefined) changed(realm);
    },

    async delete(realm, projectId, projectHrn) {
      // The foreign key would delete homed resources with their project: they lose their home instead.
      await db
        .updateTable('resources')
        .set({ home_project_id: null })
        .where('realm_id', '=', realm)
        .where('home_project_id', '=', projectId)
        .execute();
      await db.deleteFrom('roles').where('realm_id', '=', realm).where('resource_hrn', '=', projectHrn).execute();
      await db.deleteFrom('projects').where('realm_id', '=', realm).where('id', '=', projectId).execute();
      changed(realm);
    },

    async addMember(realm, projectId, memberId, policyHrns, now) {
      const result = await db
        .insertInto('project_members')
        .values({ realm_id: realm, project_id: projectId, member_id: memberId, created_at: now })
        .onConflict((conflict) => conflict.columns(['realm_id', 'project_id', 'member_id']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      if (policyHrns.length > 0) {
        await db
          .insertInto('project_member_policies')
          .values(
            policyHrns.map((hrn) => ({
              realm_id: realm,
              project_id: projectId,
              member_id: memberId,
              policy_hrn: hrn,
              created_at: now,
            })),
          )
          .execute();
      }
      changed(realm);
      return true;
    },

    async findMember(realm, projectId, memberId) {
      const row = await memberSelect()
        .where('project_members.realm_id', '=', realm)
        .where('project_members.project_id', '=', projectId)
        .where('project_members.member_id', '=', memberId)
        .executeTakeFirst();
      return row && { memberId: row.member_id, kind: row.kind, createdAt: row.created_at };
    },

    async removeMember(realm, projectId, memberId) {
      const result = await db
        .deleteFrom('project_members')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(realm);
      return removed;
    },

    async listMembers(realm, projectId, { limit, pageToken }) {
      const base = db.selectFrom('project_members').where('realm_id', '=', realm).where('project_id', '=', projectId);
      const total = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      let page = memberSelect()
        .where('project_members.realm_id', '=', realm)
        .where('project_members.project_id', '=', projectId)
        .orderBy('project_members.created_at')
        .orderBy('project_members.member_id')
        .limit(limit + 1);
      if (pageToken !== undefined) {
        const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        page = page.where((eb) =>
          eb.or([
            eb('project_members.created_at', '>', createdAt),
            eb.and([eb('project_members.created_at', '=', createdAt), eb('project_members.member_id', '>', id)]),
          ]),
        );
      }
      const rows = await page.execute();
      const items = rows
        .slice(0, limit)
        .map((row) => ({ memberId: row.member_id, kind: row.kind, createdAt: row.created_at }));
      const last = items.at(-1);
      return {
        items,
        total: Number(total.count),
        ...(rows.length > limit && last ? { nextPageToken: encodePageToken([last.createdAt, last.memberId]) } : {}),
      };
    },

    async countMembers(realm, projectId) {
      const rows = await db
        .selectFrom('project_members')
        .innerJoin('identities', 'identities.id', 'project_members.member_id')
        .select(['identities.kind', (eb) => eb.fn.countAll<number>().as('count')])
        .where('project_members.realm_id', '=', realm)
        .where('project_members.project_id', '=', projectId)
        .groupBy('identities.kind')
        .execute();
      let identities = 0;
      let groups = 0;
      for (const row of rows) {
        if (row.kind === 'group') groups += Number(row.count);
        else identities += Number(row.count);
      }
      return { identities, groups };
    },

    async effectiveIdentities(realm, projectId, { projectHrn, realmHrn }) {
      const direct = await memberSelect()
        .where('project_members.realm_id', '=', realm)
        .where('project_members.project_id', '=', projectId)
        .where('identities.kind', '!=', 'group')
        .execute();
      const viaGroups = await db
        .selectFrom('project_members')
        .innerJoin('group_members', 'group_members.group_id', 'project_members.member_id')
        .innerJoin('identities', 'identities.id', 'group_members.member_id')
        .select(['group_members.member_id', 'group_members.created_at', 'identities.kind'])
        .where('project_members.realm_id', '=', realm)
        .where('project_members.project_id', '=', projectId)
        .where('identities.kind', '!=', 'group')
        .execute();
      const administrators = await db
        .selectFrom('role_assignments')
        .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
        .innerJoin('identities', 'identities.id', 'role_assignments.identity_id')
        .select(['role_assignments.identity_id as member_id', 'role_assignments.created_at', 'identities.kind'])
        .where('roles.realm_id', '=', realm)
        .where((eb) =>
          eb.or([
            eb.and([eb('roles.name', '=', 'ProjectAdmin'), eb('roles.resource_hrn', '=', projectHrn)]),
            eb.and([eb('roles.name', '=', 'ResourceManager'), eb('roles.resource_hrn', '=', realmHrn)]),
          ]),
        )
        .where('identities.kind', '!=', 'group')
        .execute();
      const byId = new Map<string, ProjectMemberRecord>();
      for (const row of [...direct, ...viaGroups, ...administrators]) {
        if (!byId.has(row.member_id)) {
          byId.set(row.member_id, { memberId: row.member_id, kind: row.kind, createdAt: row.created_at });
        }
      }
      return [...byId.values()].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    },

    async countProjectsOf(memberId) {
      const row = await db
        .selectFrom('project_members')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('member_id', '=', memberId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async projectIdsOf(realm, memberIds) {
      if (memberIds.length === 0) return [];
      const rows = await db
        .selectFrom('project_members')
        .select('project_id')
        .distinct()
        .where('realm_id', '=', realm)
        .where('member_id', 'in', [...memberIds])
        .execute();
      return rows.map((row) => row.project_id);
    },

    async insertPolicy(policy) {
      const result = await db
        .insertInto('project_policies')
        .values({
          realm_id: policy.realm,
          project_id: policy.projectId,
          id: policy.id,
          name: policy.name,
          description: policy.description ?? null,
          permissions: JSON.stringify(policy.permissions),
          created_at: policy.createdAt,
          updated_at: policy.updatedAt,
        })
        .onConflict((conflict) => conflict.columns(['realm_id', 'project_id', 'id']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(policy.realm);
      return added;
    },

    async findPolicy(realm, projectId, policyId) {
      const row = await db
        .selectFrom('project_policies')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('id', '=', policyId)
        .executeTakeFirst();
      return row && toPolicy(row);
    },

    async listPolicies(realm, projectId) {
      const rows = await db
        .selectFrom('project_policies')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPolicy);
    },

    async updatePolicy(realm, projectId, policyId, changes, now) {
      await db
        .updateTable('project_policies')
        .set({
          name: changes.name,
          description: changes.description ?? null,
          permissions: JSON.stringify(changes.permissions),
          updated_at: now,
        })
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('id', '=', policyId)
        .execute();
      changed(realm);
    },

    async deletePolicy(realm, projectId, policyId, policyHrn) {
      for (const table of ['project_member_policies', 'project_attached_policies'] as const) {
        await db
          .deleteFrom(table)
          .where('realm_id', '=', realm)
          .where('project_id', '=', projectId)
          .where('policy_hrn', '=', policyHrn)
          .execute();
      }
      await db
        .deleteFrom('project_policies')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('id', '=', policyId)
        .execute();
      changed(realm);
    },

    async attachedPolicies(realm, projectId) {
      const rows = await db
        .selectFrom('project_attached_policies')
        .select('policy_hrn')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .orderBy('policy_hrn')
        .execute();
      return rows.map((row) => row.policy_hrn);
    },

    async setAttachedPolicies(realm, projectId, policyHrns, now) {
      await db
        .deleteFrom('project_attached_policies')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .execute();
      if (policyHrns.length > 0) {
        await db
          .insertInto('project_attached_policies')
          .values(
            [...new Set(policyHrns)].map((hrn) => ({
              realm_id: realm,
              project_id: projectId,
              policy_hrn: hrn,
              created_at: now,
            })),
          )
          .execute();
      }
      changed(realm);
    },

    async attachPolicy(realm, projectId, policyHrn, now) {
      const result = await db
        .insertInto('project_attached_policies')
        .values({ realm_id: realm, project_id: projectId, policy_hrn: policyHrn, created_at: now })
        .onConflict((conflict) => conflict.columns(['realm_id', 'project_id', 'policy_hrn']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(realm);
      return added;
    },

    async detachPolicy(realm, projectId, policyHrn) {
      const result = await db
        .deleteFrom('project_attached_policies')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('policy_hrn', '=', policyHrn)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(realm);
      return removed;
    },

    async memberPolicies(realm, projectId, memberId) {
      const rows = await db
        .selectFrom('project_member_policies')
        .select('policy_hrn')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('member_id', '=', memberId)
        .orderBy('created_at')
        .orderBy('policy_hrn')
        .execute();
      return rows.map((row) => row.policy_hrn);
    },

    async setMemberPolicies(realm, projectId, memberId, policyHrns, now) {
      await db
        .deleteFrom('project_member_policies')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('member_id', '=', memberId)
        .execute();
      if (policyHrns.length > 0) {
        await db
          .insertInto('project_member_policies')
          .values(
            [...new Set(policyHrns)].map((hrn) => ({
              realm_id: realm,
              project_id: projectId,
              member_id: memberId,
              policy_hrn: hrn,
              created_at: now,
            })),
          )
          .execute();
      }
      changed(realm);
    },

    async attachMemberPolicy(realm, projectId, memberId, policyHrn, now) {
      const result = await db
        .insertInto('project_member_policies')
        .values({ realm_id: realm, project_id: projectId, member_id: memberId, policy_hrn: policyHrn, created_at: now })
        .onConflict((conflict) => conflict.columns(['realm_id', 'project_id', 'member_id', 'policy_hrn']).doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(realm);
      return added;
    },

    async detachMemberPolicy(realm, projectId, memberId, policyHrn) {
      const result = await db
        .deleteFrom('project_member_policies')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('member_id', '=', memberId)
        .where('policy_hrn', '=', policyHrn)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(realm);
      return removed;
    },

    async membersWithPolicy(realm, projectId, policyHrn) {
      const rows = await db
        .selectFrom('project_member_policies')
        .innerJoin('identities', 'identities.id', 'project_member_policies.member_id')
        .select(['project_member_policies.member_id', 'project_member_policies.created_at', 'identities.kind'])
        .where('project_member_policies.realm_id', '=', realm)
        .where('project_member_policies.project_id', '=', projectId)
        .where('project_member_policies.policy_hrn', '=', policyHrn)
        .orderBy('project_member_policies.created_at')
        .orderBy('project_member_policies.member_id')
        .execute();
      return rows.map((row) => ({ memberId: row.member_id, kind: row.kind, createdAt: row.created_at }));
    },

    async identity(identityId) {
      const row = await db
        .selectFrom('identities')
        .select(['kind', 'realm_id'])
        .where('id', '=', identityId)
        .executeTakeFirst();
      return row && { kind: row.kind, realm: row.realm_id };
    },

    async groupNames(groupIds) {
      if (groupIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('groups')
        .select(['id', 'name'])
        .where('id', 'in', [...groupIds])
        .execute();
      return new Map(rows.map((row) => [row.id, row.name]));
    },
  };
}

function toProject(row: ProjectRow): ProjectRecord {
  return {
    realm: row.realm_id,
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    scopeAccess: row.scope_access,
    defaultMemberPolicies: parse<string[]>(row.default_member_policies),
    ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toPolicy(row: ProjectPolicyRow): CustomPolicyRecord {
  return {
    realm: row.realm_id,
    projectId: row.project_id,
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    permissions: parse<ProjectPolicyPermission[]>(row.permissions),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
