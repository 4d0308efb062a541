import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import type { Database, ResourcePlanAttachmentRow, ResourcePlanRow, ResourcePolicyRow } from '../storage/tables.js';

/** A resource policy: resources homed in projects, each with the actions (and subresources) it grants. */
export interface ResourcePolicyRecord {
  realm: string;
  id: string;
  name: string;
  description?: string;
  createdAt: number;
  updatedAt: number;
}

export interface ResourcePolicyEntry {
  resourceHrn: string;
  allowedActions: string[];
  subresources?: string[];
}

export interface ResourcePlanRecord {
  realm: string;
  id: string;
  name: string;
  description?: string;
  policyIds: string[];
  createdAt: number;
  updatedAt: number;
}

export type ResourcePlanTarget = { kind: 'realm' | 'identity'; id: string };

export interface ResourcePlanAttachment {
  planId: string;
  target: ResourcePlanTarget;
  externalId?: string;
  /** Subresources per resource policy id. */
  subresources?: Record<string, string[]>;
  expiresAt?: number;
}

export interface BatchItem {
  resource: string;
  status: 'success' | 'failure';
  code?: string;
}

export interface ResourcePolicyBatch {
  id: string;
  realm: string;
  policyId: string;
  status: 'success' | 'partialSuccess' | 'failure';
  items: BatchItem[];
}

export interface ResourcePolicyRepository {
  insertPolicy(policy: ResourcePolicyRecord): Promise<boolean>;
  updatePolicy(realm: string, id: string, changes: { name?: string; description?: string }, now: number): Promise<void>;
  deletePolicy(realm: string, id: string): Promise<void>;
  findPolicy(realm: string, id: string): Promise<ResourcePolicyRecord | undefined>;
  listPolicies(realm: string, resourceHrn?: string): Promise<ResourcePolicyRecord[]>;

  entries(realm: string, policyId: string): Promise<ResourcePolicyEntry[]>;
  /** Adds or replaces one resource of a policy. */
  putEntry(realm: string, policyId: string, entry: ResourcePolicyEntry, now: number): Promise<void>;
  /** Number of resources removed. */
  deleteEntries(realm: string, policyId: string, resourceHrns: readonly string[]): Promise<number>;
  /** Whether a resource is part of any resource policy. */
  inAnyPolicy(resourceHrn: string): Promise<boolean>;

  insertBatch(batch: ResourcePolicyBatch, now: number): Promise<void>;
  findBatch(realm: string, policyId: string, id: string): Promise<ResourcePolicyBatch | undefined>;

  insertPlan(plan: ResourcePlanRecord): Promise<void>;
  updatePlan(
    realm: string,
    id: string,
    changes: { name?: string; description?: string; policyIds?: string[] },
    now: number,
  ): Promise<void>;
  deletePlan(realm: string, id: string): Promise<void>;
  findPlan(realm: string, id: string): Promise<ResourcePlanRecord | undefined>;
  listPlans(realm: string): Promise<ResourcePlanRecord[]>;

  /** Attaches a plan to a target, replacing how it was attached. */
  attach(realm: string, attachment: ResourcePlanAttachment, now: number): Promise<void>;
  detach(realm: string, planId: string, target: ResourcePlanTarget): Promise<boolean>;
  /** Attachments to these targets, expired ones included (the caller decides by its clock). */
  attachmentsOf(realm: string, targets: readonly ResourcePlanTarget[]): Promise<ResourcePlanAttachment[]>;
}

const toPolicy = (row: ResourcePolicyRow): ResourcePolicyRecord => ({
  realm: row.realm_id,
  id: row.id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toPlan = (row: ResourcePlanRow): ResourcePlanRecord => ({
  realm: row.realm_id,
  id: row.id,
  name: row.name,
  ...(row.description !== null ? { description: row.description } : {}),
  policyIds: JSON.parse(row.policy_ids) as string[],
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const toAttachment = (row: ResourcePlanAttachmentRow): ResourcePlanAttachment => ({
  planId: row.plan_id,
  target: { kind: row.target_kind, id: row.target_id },
  ...(row.external_id !== null ? { externalId: row.external_id } : {}),
  ...(row.subresources !== null ? { subresources: JSON.parse(row.subresources) as Record<string, string[]> } : {}),
  ...(row.expires_at !== null ? { expiresAt: Number(row.expires_at) } : {}),
});

export function createResourcePolicyRepository(db: Kysely<Database>, changed: AuthzChange): ResourcePolicyRepository {
  return {
    async insertPolicy(policy) {
      const result = await db
        .insertInto('resource_policies')
        .values({
          realm_id: policy.realm,
          id: policy.id,
          name: policy.name,
          description: policy.description ?? null,
          created_at: policy.createdAt,
          updated_at: policy.updatedAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async updatePolicy(realm, id, changes, now) {
      await db
        .updateTable('resource_policies')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          updated_at: now,
        })
        .where('realm_id', '=', realm)
        .where('id', '=', id)
        .execute();
    },
    async deletePolicy(realm, id) {
      for (const plan of await this.listPlans(realm)) {
        if (!plan.policyIds.includes(id)) continue;
        await db
          .updateTable('resource_plans')
          .set({ policy_ids: JSON.stringify(plan.policyIds.filter((policyId) => policyId !== id)) })
          .where('realm_id', '=', realm)
          .where('id', '=', plan.id)
          .execute();
      }
      await db
        .deleteFrom('resource_policy_batches')
        .where('realm_id', '=', realm)
        .where('policy_id', '=', id)
        .execute();
      await db
        .deleteFrom('resource_policy_resources')
        .where('realm_id', '=', realm)
        .where('policy_id', '=', id)
        .execute();
      await db.deleteFrom('resource_policies').where('realm_id', '=', realm).where('id', '=', id).execute();
      changed(realm);
    },
    async findPolicy(realm, id) {
      const row = await db
        .selectFrom('resource_policies')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toPolicy(row);
    },
    async listPolicies(realm, resourceHrn) {
      let query = db.selectFrom('resource_policies').selectAll().where('realm_id', '=', realm);
      if (resourceHrn !== undefined) {
        query = query.where('id', 'in', (eb) =>
          eb
            .selectFrom('resource_policy_resources')
            .select('policy_id')
            .where('realm_id', '=', realm)
            .where('resource_hrn', '=', resourceHrn),
        );
      }
      return (await query.orderBy('created_at').orderBy('id').execute()).map(toPolicy);
    },

    async entries(realm, policyId) {
      const rows = await db
        .selectFrom('resource_policy_resources')
        .select(['resource_hrn', 'allowed_actions', 'subresources'])
        .where('realm_id', '=', realm)
        .where('policy_id', '=', policyId)
        .orderBy('created_at')
        .orderBy('resource_hrn')
        .execute();
      return rows.map((row) => ({
        resourceHrn: row.resource_hrn,
        allowedActions: JSON.parse(row.allowed_actions) as string[],
        ...(row.subresources !== null ? { subresources: JSON.parse(row.subresources) as string[] } : {}),
      }));
    },
    async putEntry(realm, policyId, entry, now) {
      const values = {
        allowed_actions: JSON.stringify(entry.allowedActions),
        subresources: entry.subresources !== undefined ? JSON.stringify(entry.subresources) : null,
      };
      await db
        .insertInto('resource_policy_resources')
        .values({ realm_id: realm, policy_id: policyId, resource_hrn: entry.resourceHrn, created_at: now, ...values })
        .onConflict((oc) => oc.columns(['realm_id', 'policy_id', 'resource_hrn']).doUpdateSet(values))
        .execute();
      changed(realm);
    },
    async deleteEntries(realm, policyId, resourceHrns) {
      if (resourceHrns.length === 0) return 0;
      const result = await db
        .deleteFrom('resource_policy_resources')
        .where('realm_id', '=', realm)
        .where('policy_id', '=', policyId)
        .where('resource_hrn', 'in', [...resourceHrns])
        .executeTakeFirst();
      changed(realm);
      return Number(result.numDeletedRows);
    },
    async inAnyPolicy(resourceHrn) {
      const row = await db
        .selectFrom('resource_policy_resources')
        .select('policy_id')
        .where('resource_hrn', '=', resourceHrn)
        .executeTakeFirst();
      return row !== undefined;
    },

    async insertBatch(batch, now) {
      await db
        .insertInto('resource_policy_batches')
        .values({
          id: batch.id,
          realm_id: batch.realm,
          policy_id: batch.policyId,
          status: batch.status,
          items: JSON.stringify(batch.items),
          created_at: now,
        })
        .execute();
    },
    async findBatch(realm, policyId, id) {
      const row = await db
        .selectFrom('resource_policy_batches')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('policy_id', '=', policyId)
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          realm: row.realm_id,
          policyId: row.policy_id,
          status: row.status as ResourcePolicyBatch['status'],
          items: JSON.parse(row.items) as BatchItem[],
        }
      );
    },

    async insertPlan(plan) {
      await db
        .insertInto('resource_plans')
        .values({
          realm_id: plan.realm,
          id: plan.id,
          name: plan.name,
          description: plan.description ?? null,
          policy_ids: JSON.stringify(plan.policyIds),
          created_at: plan.createdAt,
          updated_at: plan.updatedAt,
        })
        .execute();
    },
    async updatePlan(realm, id, changes, now) {
      await db
        .updateTable('resource_plans')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.policyIds !== undefined ? { policy_ids: JSON.stringify(changes.policyIds) } : {}),
          updated_at: now,
        })
        .where('realm_id', '=', realm)
        .where('id', '=', id)
        .execute();
      changed(realm);
    },
    async deletePlan(realm, id) {
      await db
        .deleteFrom('resource_plan_attachments')
        .where('realm_id', '=', realm)
        .where('plan_id', '=', id)
        .execute();
      await db.deleteFrom('resource_plans').where('realm_id', '=', realm).where('id', '=', id).execute();
      changed(realm);
    },
    async findPlan(realm, id) {
      const row = await db
        .selectFrom('resource_plans')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toPlan(row);
    },
    async listPlans(realm) {
      const rows = await db
        .selectFrom('resource_plans')
        .selectAll()
        .where('realm_id', '=', realm)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toPlan);
    },

    async attach(realm, attachment, now) {
      const values = {
        external_id: attachment.externalId ?? null,
        subresources: attachment.subresources !== undefined ? JSON.stringify(attachment.subresources) : null,
        expires_at: attachment.expiresAt ?? null,
      };
      await db
        .insertInto('resource_plan_attachments')
        .values({
          realm_id: realm,
          plan_id: attachment.planId,
          target_kind: attachment.target.kind,
          target_id: attachment.target.id,
          created_at: now,
          ...values,
        })
        .onConflict((oc) => oc.columns(['realm_id', 'plan_id', 'target_kind', 'target_id']).doUpdateSet(values))
        .execute();
      changed(realm);
    },
    async detach(realm, planId, target) {
      const result = await db
        .deleteFrom('resource_plan_attachments')
        .where('realm_id', '=', realm)
        .where('plan_id', '=', planId)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .executeTakeFirst();
      changed(realm);
      return Number(result.numDeletedRows) > 0;
    },
    async attachmentsOf(realm, targets) {
      if (targets.length === 0) return [];
      const rows = await db
        .selectFrom('resource_plan_attachments')
        .selectAll()
        .where('realm_id', '=', realm)
        .where((eb) =>
          eb.or(
            targets.map((target) => eb.and([eb('target_kind', '=', target.kind), eb('target_id', '=', target.id)])),
          ),
        )
        .orderBy('created_at')
        .execute();
      return rows.map(toAttachment);
    },
  };
}
