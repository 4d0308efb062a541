import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import type { Database, PlanRow, PolicyRow } from '../storage/tables.js';

export interface PolicyPermission {
  action: string;
  resource: string;
  effect: 'allow' | 'deny';
}

/** An organization policy: a named collection of permissions on resources outside projects. */
export interface OrgPolicy {
  id: string;
  realm: string;
  name: string;
  description?: string;
  permissions: PolicyPermission[];
  createdAt: number;
  updatedAt: number;
}

/** An organization plan: a named collection of policies. */
export interface OrgPlan {
  id: string;
  realm: string;
  name: string;
  description?: string;
  policyIds: string[];
  createdAt: number;
  updatedAt: number;
}

export type AttachmentSource = { kind: 'policy' | 'plan'; id: string };
/** The whole organization (`realm`, id = the organization's id) or one identity (user, app or group). */
export type AttachmentTarget = { kind: 'realm' | 'identity'; id: string };

export interface PolicyRepository {
  insertPolicy(policy: OrgPolicy): Promise<void>;
  updatePolicy(
    id: string,
    changes: Partial<Pick<OrgPolicy, 'name' | 'description' | 'permissions'>>,
    now: number,
  ): Promise<void>;
  /** Deletes the policy, its attachments, and its place in the plans of its organization. */
  deletePolicy(policy: OrgPolicy): Promise<void>;
  findPolicy(id: string): Promise<OrgPolicy | undefined>;
  /** The policies of these ids that exist, in the order of `ids`. */
  findPolicies(ids: readonly string[]): Promise<OrgPolicy[]>;
  listPolicies(realm: string): Promise<OrgPolicy[]>;

  insertPlan(plan: OrgPlan): Promise<void>;
  updatePlan(
    id: string,
    changes: Partial<Pick<OrgPlan, 'name' | 'description' | 'policyIds'>>,
    now: number,
  ): Promise<void>;
  deletePlan(plan: OrgPlan): Promise<void>;
  findPlan(id: string): Promise<OrgPlan | undefined>;
  /** The plans of these ids that exist, in the order of `ids`. */
  findPlans(ids: readonly string[]): Promise<OrgPlan[]>;
  listPlans(realm: string): Promise<OrgPlan[]>;

  /** Attaches a policy or plan; false when it was already attached. */
  attach(realm: string, source: AttachmentSource, target: AttachmentTarget, now: number): Promise<boolean>;
  /** False when it was not attached. */
  detach(realm: string, source: AttachmentSource, target: AttachmentTarget): Promise<boolean>;
  /** Ids of what is attached directly to these targets, by kind. */
  attachedTo(realm: string, targets: readonly AttachmentTarget[]): Promise<{ policyIds: string[]; planIds: string[] }>;
}

const toPolicy = (row: PolicyRow): OrgPolicy => ({
  id: row.id,
  realm: row.realm_id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  permissions: JSON.parse(row.permissions) as PolicyPermission[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toPlan = (row: PlanRow): OrgPlan => ({
  id: row.id,
  realm: row.realm_id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  policyIds: JSON.parse(row.policy_ids) as string[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createPolicyRepository(db: Kysely<Database>, changed: AuthzChange): PolicyRepository {
  const deleteAttachments = (kind: 'policy' | 'plan', id: string) =>
    db.deleteFrom('policy_attachments').where('source_kind', '=', kind).where('source_id', '=', id).execute();
  return {
    async insertPolicy(policy) {
      await db
        .insertInto('policies')
        .values({
          id: policy.id,
          realm_id: policy.realm,
          name: policy.name,
          description: policy.description ?? null,
          permissions: JSON.stringify(policy.permissions),
          created_at: policy.createdAt,
          updated_at: policy.updatedAt,
        })
        .execute();
    },
    async updatePolicy(id, changes, now) {
      const row = await db
        .updateTable('policies')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...('description' in changes ? { description: changes.description ?? null } : {}),
          ...(changes.permissions !== undefined ? { permissions: JSON.stringify(changes.permissions) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returning('realm_id')
        .executeTakeFirst();
      if (row) changed(row.realm_id);
    },
    async deletePolicy(policy) {
      await deleteAttachments('policy', policy.id);
      for (const plan of await this.listPlans(policy.realm)) {
        if (!plan.policyIds.includes(policy.id)) continue;
        await db
          .updateTable('plans')
          .set({ policy_ids: JSON.stringify(plan.policyIds.filter((id) => id !== policy.id)) })
          .where('id', '=', plan.id)
          .execute();
      }
      await db.deleteFrom('policies').where('id', '=', policy.id).execute();
      changed(policy.realm);
    },
    async findPolicy(id) {
      const row = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPolicy(row);
    },
    async findPolicies(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('policies')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return inOrderOf(ids, rows.map(toPolicy));
    },
    async listPolicies(realm) {
      const rows = await db
        .selectFrom('policies')
        .selectAll()
        .where('realm_id', '=', realm)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPolicy);
    },

    async insertPlan(plan) {
      await db
        .insertInto('plans')
        .values({
          id: plan.id,
          realm_id: plan.realm,
          name: plan.name,
          description: plan.description ?? null,
          policy_ids: JSON.stringify(plan.policyIds),
          created_at: plan.createdAt,
          updated_at: plan.updatedAt,
        })
        .execute();
    },
    async updatePlan(id, changes, now) {
      const row = await db
        .updateTable('plans')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...('description' in changes ? { description: changes.description ?? null } : {}),
          ...(changes.policyIds !== undefined ? { policy_ids: JSON.stringify(changes.policyIds) } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .returning('realm_id')
        .executeTakeFirst();
      if (row) changed(row.realm_id);
    },
    async deletePlan(plan) {
      await deleteAttachments('plan', plan.id);
      await db.deleteFrom('plans').where('id', '=', plan.id).execute();
      changed(plan.realm);
    },
    async findPlan(id) {
      const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPlan(row);
    },
    async findPlans(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('plans')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return inOrderOf(ids, rows.map(toPlan));
    },
    async listPlans(realm) {
      const rows = await db
        .selectFrom('plans')
        .selectAll()
        .where('realm_id', '=', realm)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPlan);
    },

    async attach(realm, source, target, now) {
      const result = await db
        .insertInto('policy_attachments')
        .values({
          realm_id: realm,
          source_kind: source.kind,
          source_id: source.id,
          target_kind: target.kind,
          target_id: target.id,
          created_at: now,
        })
        .onConflict((conflict) =>
          conflict.columns(['source_kind', 'source_id', 'target_kind', 'target_id']).doNothing(),
        )
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(realm);
      return added;
    },
    async detach(realm, source, target) {
      const result = await db
        .deleteFrom('policy_attachments')
        .where('realm_id', '=', realm)
        .where('source_kind', '=', source.kind)
        .where('source_id', '=', source.id)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) changed(realm);
      return removed;
    },
    async attachedTo(realm, targets) {
      if (targets.length === 0) return { policyIds: [], planIds: [] };
      const rows = await db
        .selectFrom('policy_attachments')
        .select(['source_kind', 'source_id'])
        .where('realm_id', '=', realm)
        .where((eb) =>
          eb.or(
            targets.map((target) => eb.and([eb('target_kind', '=', target.kind), eb('target_id', '=', target.id)])),
          ),
        )
        .orderBy('created_at')
        .execute();
      const unique = (kind: 'policy' | 'plan') => [
        ...new Set(rows.filter((row) => row.source_kind === kind).map((row) => row.source_id)),
      ];
      return { policyIds: unique('policy'), planIds: unique('plan') };
    },
  };
}

function inOrderOf<T extends { id: string }>(ids: readonly string[], items: T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
