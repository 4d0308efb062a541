import type { Kysely } from 'kysely';
import type { AuthzChange } from '../authz/authz-versions.js';
import { decodePageToken, encodePageToken } from '../storage/pagination.js';
import type { Database, ResourceRow } from '../storage/tables.js';

/** A resource registered by a HERE service: outside projects, or homed in one. */
export interface ResourceRecord {
  hrn: string;
  realm: string;
  type: string;
  homeProjectId?: string;
  referenceable: boolean;
  creatorId?: string;
  createdAt: number;
}

/** A resource linked into a project (relation `reference`). */
export interface ResourceLinkRecord {
  realm: string;
  projectId: string;
  resourceHrn: string;
  /** Empty when the link has no external id. */
  externalId: string;
  allowedActions: string[];
  /** The parts of the resource the link is limited to; absent for the whole resource. */
  subresources?: string[];
  createdAt: number;
}

export interface ResourceListFilter {
  type?: string;
  referenceable?: boolean;
  /** Only resources homed in or linked into these projects, plus (when `outside`) resources outside projects. */
  projectIds?: readonly string[];
  outside?: boolean;
  /** Only these resources (besides the project ones). */
  hrns?: readonly string[];
  /** And only resources linkable to one of these project or realm HRNs. */
  linkableTo?: readonly string[];
}

/** Registered resources and their links into projects. */
export interface ResourceRepository {
  insert(resource: ResourceRecord): Promise<boolean>;
  findByHrn(hrn: string): Promise<ResourceRecord | undefined>;
  /** Resources of an organization by HRN, keyset-paged. */
  list(
    realm: string,
    filter: ResourceListFilter,
    page: { limit: number; pageToken?: string },
  ): Promise<{ items: ResourceRecord[]; nextPageToken?: string }>;
  /** Sets or clears the home project of a resource. */
  setHome(realm: string, hrn: string, projectId: string | null): Promise<void>;
  /** Resources homed in a project. */
  homedIn(realm: string, projectId: string): Promise<ResourceRecord[]>;
  insertLink(link: ResourceLinkRecord): Promise<boolean>;
  /** Links into one project, optionally of one resource. */
  linksIn(realm: string, projectId: string, resourceHrn?: string): Promise<ResourceLinkRecord[]>;
  /** Every link of a resource, into any project. */
  linksOf(resourceHrn: string): Promise<ResourceLinkRecord[]>;
  /** Removes the links of a resource into a project (one external id, or all); how many went. */
  deleteLinks(realm: string, projectId: string, resourceHrn: string, externalId?: string): Promise<number>;
  /** Resources homed in the project plus distinct resources linked into it. */
  countInProject(realm: string, projectId: string): Promise<number>;
}

export function createResourceRepository(db: Kysely<Database>, changed: AuthzChange): ResourceRepository {
  const linkSelect = () => db.selectFrom('project_resource_links').selectAll();
  return {
    async insert(resource) {
      const result = await db
        .insertInto('resources')
        .values({
          hrn: resource.hrn,
          realm_id: resource.realm,
          type: resource.type,
          home_project_id: resource.homeProjectId ?? null,
          referenceable: resource.referenceable ? 1 : 0,
          creator_id: resource.creatorId ?? null,
          created_at: resource.createdAt,
        })
        .onConflict((conflict) => conflict.column('hrn').doNothing())
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(resource.realm);
      return added;
    },

    async findByHrn(hrn) {
      const row = await db.selectFrom('resources').selectAll().where('hrn', '=', hrn).executeTakeFirst();
      return row && toResource(row);
    },

    async list(realm, filter, { limit, pageToken }) {
      const restricted = filter.projectIds !== undefined || filter.outside !== undefined || filter.hrns !== undefined;
      if (restricted && !filter.outside && !filter.projectIds?.length && !filter.hrns?.length) return { items: [] };
      if (filter.linkableTo !== undefined && filter.linkableTo.length === 0) return { items: [] };
      let query = db.selectFrom('resources').selectAll().where('realm_id', '=', realm);
      if (filter.type !== undefined) query = query.where('type', '=', filter.type);
      if (filter.referenceable !== undefined) query = query.where('referenceable', '=', filter.referenceable ? 1 : 0);
      if (filter.linkableTo !== undefined) {
        const targets = [...filter.linkableTo];
        query = query.where('hrn', 'in', (eb) =>
          eb.selectFrom('resource_linkables').select('resource_hrn').where('target', 'in', targets),
        );
      }
      if (restricted) {
        const projectIds = [...(filter.projectIds ?? [])];
        const hrns = [...(filter.hrns ?? [])];
        query = query.where((eb) => {
          const alternatives = [];
          if (projectIds.length > 0) {
            alternatives.push(eb('home_project_id', 'in', projectIds));
            alternatives.push(
              eb(
                'hrn',
                'in',
                eb
                  .selectFrom('project_resource_links')
                  .select('resource_hrn')
                  .where('realm_id', '=', realm)
                  .where('project_id', 'in', projectIds),
              ),
            );
          }
          if (filter.outside) alternatives.push(eb('home_project_id', 'is', null));
          if (hrns.length > 0) alternatives.push(eb('hrn', 'in', hrns));
          return eb.or(alternatives);
        });
      }
      if (pageToken !== undefined) {
        const [after] = decodePageToken(pageToken, ['string']) as [string];
        query = query.where('hrn', '>', after);
      }
      const rows = await query
        .orderBy('hrn')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toResource);
      const last = items.at(-1);
      return { items, ...(rows.length > limit && last ? { nextPageToken: encodePageToken([last.hrn]) } : {}) };
    },

    async setHome(realm, hrn, projectId) {
      await db
        .updateTable('resources')
        .set({ home_project_id: projectId })
        .where('realm_id', '=', realm)
        .where('hrn', '=', hrn)
        .execute();
      changed(realm);
    },

    async homedIn(realm, projectId) {
      const rows = await db
        .selectFrom('resources')
        .selectAll()
        .where('realm_id', '=', realm)
        .where('home_project_id', '=', projectId)
        .orderBy('hrn')
        .execute();
      return rows.map(toResource);
    },

    async insertLink(link) {
      const result = await db
        .insertInto('project_resource_links')
        .values({
          realm_id: link.realm,
          project_id: link.projectId,
          resource_hrn: link.resourceHrn,
          external_id: link.externalId,
          allowed_actions: JSON.stringify(link.allowedActions),
          subresources: link.subresources !== undefined ? JSON.stringify(link.subresources) : null,
          created_at: link.createdAt,
        })
        .onConflict((conflict) =>
          conflict.columns(['realm_id', 'project_id', 'resource_hrn', 'external_id']).doNothing(),
        )
        .executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) changed(link.realm);
      return added;
    },

    async linksIn(realm, projectId, resourceHrn) {
      let query = linkSelect().where('realm_id', '=', realm).where('project_id', '=', projectId);
      if (resourceHrn !== undefined) query = query.where('resource_hrn', '=', resourceHrn);
      const rows = await query.orderBy('resource_hrn').orderBy('external_id').execute();
      return rows.map(toLink);
    },

    async linksOf(resourceHrn) {
      const rows = await linkSelect().where('resource_hrn', '=', resourceHrn).orderBy('project_id').execute();
      return rows.map(toLink);
    },

    async deleteLinks(realm, projectId, resourceHrn, externalId) {
      let query = db
        .deleteFrom('project_resource_links')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .where('resource_hrn', '=', resourceHrn);
      if (externalId !== undefined) query = query.where('external_id', '=', externalId);
      const removed = Number((await query.executeTakeFirst()).numDeletedRows);
      if (removed > 0) changed(realm);
      return removed;
    },

    async countInProject(realm, projectId) {
      const homed = await db
        .selectFrom('resources')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('realm_id', '=', realm)
        .where('home_project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      const linked = await db
        .selectFrom('project_resource_links')
        .select((eb) => eb.fn.count<number>('resource_hrn').distinct().as('count'))
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(homed.count) + Number(linked.count);
    },
  };
}

function toResource(row: ResourceRow): ResourceRecord {
  return {
    hrn: row.hrn,
    realm: row.realm_id,
    type: row.type,
    ...(row.home_project_id !== null ? { homeProjectId: row.home_project_id } : {}),
    referenceable: row.referenceable === 1,
    ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
    createdAt: row.created_at,
  };
}

function toLink(row: Database['project_resource_links']): ResourceLinkRecord {
  return {
    realm: row.realm_id,
    projectId: row.project_id,
    resourceHrn: row.resource_hrn,
    externalId: row.external_id,
    allowedActions: JSON.parse(row.allowed_actions) as string[],
    ...(row.subresources !== null ? { subresources: JSON.parse(row.subresources) as string[] } : {}),
    createdAt: row.created_at,
  };
}
