import type { Kysely } from 'kysely';
import type { Database } from '../storage/tables.js';

/** One resource reached through a resource plan held by an identity: what the plan's policy allows on it. */
export interface ResourcePlanGrant {
  resourceHrn: string;
  actions: string[];
  /** The subresources the grant is limited to; absent for the whole resource. */
  subresources?: string[];
  /** Epoch milliseconds after which the plan attachment no longer counts. */
  expiresAt?: number;
}

/**
 * The resources an identity reaches through the resource plans attached to it, its groups or its organization:
 * each plan's resource policies, each policy's resources with their actions, subresources narrowed by the
 * attachment's subresources for that policy. Expired attachments are left out; unexpired ones keep their expiry so
 * that a cached compilation stops counting them in time.
 */
export async function loadResourcePlanGrants(
  db: Kysely<Database>,
  realm: string,
  holderIds: readonly string[],
  now: number,
): Promise<ResourcePlanGrant[]> {
  const attachments = await db
    .selectFrom('resource_plan_attachments')
    .innerJoin('resource_plans', (join) =>
      join
        .onRef('resource_plans.realm_id', '=', 'resource_plan_attachments.realm_id')
        .onRef('resource_plans.id', '=', 'resource_plan_attachments.plan_id'),
    )
    .select([
      'resource_plans.policy_ids',
      'resource_plan_attachments.subresources',
      'resource_plan_attachments.expires_at',
    ])
    .where('resource_plan_attachments.realm_id', '=', realm)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('resource_plan_attachments.target_kind', '=', 'realm'),
          eb('resource_plan_attachments.target_id', '=', realm),
        ]),
        eb.and([
          eb('resource_plan_attachments.target_kind', '=', 'identity'),
          eb('resource_plan_attachments.target_id', 'in', [...holderIds]),
        ]),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('resource_plan_attachments.expires_at', 'is', null),
        eb('resource_plan_attachments.expires_at', '>', now),
      ]),
    )
    .execute();
  if (attachments.length === 0) return [];
  const policyIds = [...new Set(attachments.flatMap((row) => JSON.parse(row.policy_ids) as string[]))];
  if (policyIds.length === 0) return [];
  const entries = await db
    .selectFrom('resource_policy_resources')
    .select(['policy_id', 'resource_hrn', 'allowed_actions', 'subresources'])
    .where('realm_id', '=', realm)
    .where('policy_id', 'in', policyIds)
    .execute();
  const grants: ResourcePlanGrant[] = [];
  for (const attachment of attachments) {
    const planPolicies = new Set(JSON.parse(attachment.policy_ids) as string[]);
    const narrowing =
      attachment.subresources === null
        ? {}
        : (JSON.parse(attachment.subresources) as Record<string, string[] | undefined>);
    for (const entry of entries) {
      if (!planPolicies.has(entry.policy_id)) continue;
      const subresources = intersect(
        entry.subresources === null ? undefined : (JSON.parse(entry.subresources) as string[]),
        narrowing[entry.policy_id],
      );
      grants.push({
        resourceHrn: entry.resource_hrn,
        actions: JSON.parse(entry.allowed_actions) as string[],
        ...(subresources !== undefined ? { subresources } : {}),
        ...(attachment.expires_at !== null ? { expiresAt: Number(attachment.expires_at) } : {}),
      });
    }
  }
  return grants;
}

/** Undefined stands for "all subresources". */
function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const wanted = new Set(b);
  return a.filter((subresource) => wanted.has(subresource));
}

/** Resource plan grants compiled for lookups by resource HRN. */
export class ResourcePlanIndex {
  readonly #byResource = new Map<string, ResourcePlanGrant[]>();

  constructor(grants: readonly ResourcePlanGrant[]) {
    for (const grant of grants) {
      const list = this.#byResource.get(grant.resourceHrn) ?? [];
      list.push(grant);
      this.#byResource.set(grant.resourceHrn, list);
    }
  }

  get size(): number {
    return this.#byResource.size;
  }

  /**
   * What the unexpired grants allow of the action on the resource: undefined for nothing, `{}` for the whole
   * resource, else the union of the subresources they are limited to.
   */
  access(action: string, resourceHrn: string, now: number): { subresources?: string[] } | undefined {
    const grants = this.#byResource.get(resourceHrn);
    if (!grants) return undefined;
    let subresources: Set<string> | undefined;
    for (const grant of grants) {
      if (grant.expiresAt !== undefined && grant.expiresAt <= now) continue;
      if (!grant.actions.includes(action) && !grant.actions.includes('*')) continue;
      if (grant.subresources === undefined) return {};
      subresources ??= new Set();
      for (const subresource of grant.subresources) subresources.add(subresource);
    }
    return subresources && { subresources: [...subresources] };
  }
}
