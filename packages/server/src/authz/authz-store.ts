import type { Kysely } from 'kysely';
import type { Database } from '../storage/tables.js';
import type { AccessFilterStatement } from './access-filters.js';
import type { Effect, PermissionStatement } from './permission-index.js';
import type { ProjectPolicyPermission } from './project-policies.js';
import { loadResourcePlanGrants, type ResourcePlanGrant } from './resource-plan-grants.js';

/** Everything about one identity that its unscoped decisions depend on, as stored. */
export interface IdentityFacts {
  id: string;
  kind: 'user' | 'app' | 'group';
  realm: string;
  /** Groups the identity is a direct member of. */
  groupIds: string[];
  roles: { id: string; name: string; resourceHrn: string }[];
  /** Permissions granted to the identity and to its groups. */
  permissions: PermissionStatement[];
  /** Permissions of the policies and plans attached to the organization, the identity and its groups. */
  policyPermissions: PermissionStatement[];
  /** Projects the identity is a member of, directly or through a group. */
  projectIds: string[];
  /** Statements of the access filters attached to the identity, its organization and its roles. */
  filterStatements: AccessFilterStatement[];
  /** Resources reached through the resource plans attached to the identity, its groups or its organization. */
  resourcePlanGrants: ResourcePlanGrant[];
}

export interface ProjectFacts {
  scopeAccess: 'thisProjectOnly' | 'thisProjectOrNoProject';
  /** HRNs of the policies that apply to the identity: its own, its groups', and the project-level ones. */
  policyHrns: string[];
  /** Custom policies of the project by id. */
  customPolicies: Map<string, ProjectPolicyPermission[]>;
  filterStatements: AccessFilterStatement[];
}

export interface ResourceFacts {
  hrn: string;
  realm: string;
  type: string;
  homeProjectId?: string;
  /** Projects the resource is linked into, with what their links allow. */
  links: Map<string, LinkFacts>;
}

/** What the links of a resource into one project allow, together. */
export interface LinkFacts {
  /** The union of the links' actions. */
  actions: Set<string>;
  /** The union of the subresources the links are limited to; absent when one of them reaches the whole resource. */
  subresources?: Set<string>;
}

/** What the authorization engine reads. Implementations answer from the database as it is now (no caching). */
export interface AuthzStore {
  identity(identityId: string, now: number): Promise<IdentityFacts | undefined>;
  project(
    realm: string,
    projectId: string,
    memberIds: readonly string[],
    now: number,
  ): Promise<ProjectFacts | undefined>;
  resource(hrn: string): Promise<ResourceFacts | undefined>;
}

const parse = <T>(text: string): T => JSON.parse(text) as T;

export function createAuthzStore(db: Kysely<Database>): AuthzStore {
  async function filterStatements(
    realm: string,
    targets: readonly { kind: 'identity' | 'realm' | 'role' | 'project'; ids: readonly string[] }[],
    now: number,
  ): Promise<AccessFilterStatement[]> {
    const wanted = targets.filter((target) => target.ids.length > 0);
    if (wanted.length === 0) return [];
    const rows = await db
      .selectFrom('access_filter_attachments')
      .innerJoin('access_filters', 'access_filters.id', 'access_filter_attachments.filter_id')
      .select(['access_filters.statements'])
      .where('access_filter_attachments.realm_id', '=', realm)
      .where((eb) =>
        eb.or(
          wanted.map((target) =>
            eb.and([
              eb('access_filter_attachments.target_kind', '=', target.kind),
              eb('access_filter_attachments.target_id', 'in', [...target.ids]),
            ]),
          ),
        ),
      )
      .where((eb) =>
        eb.or([
          eb('access_filter_attachments.expires_at', 'is', null),
          eb('access_filter_attachments.expires_at', '>', now),
        ]),
      )
      .execute();
    return rows.flatMap((row) => parse<AccessFilterStatement[]>(row.statements));
  }

  return {
    async identity(identityId, now) {
      const identity = await db.selectFrom('identities').selectAll().where('id', '=', identityId).executeTakeFirst();
      if (!identity) return undefined;
      const groupIds = (
        await db.selectFrom('group_members').select('group_id').where('member_id', '=', identityId).execute()
      ).map((row) => row.group_id);
      const holders = [identityId, ...groupIds];
      const roles = (
        await db
          .selectFrom('role_assignments')
          .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
          .select(['roles.id', 'roles.name', 'roles.resource_hrn'])
          .where('role_assignments.identity_id', '=', identityId)
          .execute()
      ).map((row) => ({ id: row.id, name: row.name, resourceHrn: row.resource_hrn }));
      const permissions = (
        await db
          .selectFrom('permissions')
          .select(['action', 'resource_hrn', 'effect'])
          .where('identity_id', 'in', holders)
          .execute()
      ).map((row) => ({ action: row.action, resource: row.resource_hrn, effect: row.effect }));

      const attachments = await db
        .selectFrom('policy_attachments')
        .select(['source_kind', 'source_id'])
        .where('realm_id', '=', identity.realm_id)
        .where((eb) =>
          eb.or([
            eb.and([eb('target_kind', '=', 'realm'), eb('target_id', '=', identity.realm_id)]),
            eb.and([eb('target_kind', '=', 'identity'), eb('target_id', 'in', holders)]),
          ]),
        )
        .execute();
      const policyIds = new Set(attachments.filter((row) => row.source_kind === 'policy').map((row) => row.source_id));
      const planIds = attachments.filter((row) => row.source_kind === 'plan').map((row) => row.source_id);
      if (planIds.length > 0) {
        const plans = await db.selectFrom('plans').select('policy_ids').where('id', 'in', planIds).execute();
        for (const plan of plans) for (const id of parse<string[]>(plan.policy_ids)) policyIds.add(id);
      }
      const policyPermissions =
        policyIds.size === 0
          ? []
          : (
              await db
                .selectFrom('policies')
                .select('permissions')
                .where('id', 'in', [...policyIds])
                .where('realm_id', '=', identity.realm_id)
                .execute()
            )
              .flatMap((row) => parse<{ action: string; resource: string; effect?: Effect }[]>(row.permissions))
              .map((permission) => ({
                action: permission.action,
                resource: permission.resource,
                effect: permission.effect ?? 'allow',
              }));

      const projectIds = [
        ...new Set(
          (
            await db
              .selectFrom('project_members')
              .select('project_id')
              .where('realm_id', '=', identity.realm_id)
              .where('member_id', 'in', holders)
              .execute()
          ).map((row) => row.project_id),
        ),
      ];
      return {
        id: identity.id,
        kind: identity.kind,
        realm: identity.realm_id,
        groupIds,
        roles,
        permissions,
        policyPermissions,
        projectIds,
        filterStatements: await filterStatements(
          identity.realm_id,
          [
            { kind: 'identity', ids: [identityId] },
            { kind: 'realm', ids: [identity.realm_id] },
            { kind: 'role', ids: roles.map((role) => role.id) },
          ],
          now,
        ),
        resourcePlanGrants: await loadResourcePlanGrants(db, identity.realm_id, holders, now),
      };
    },

    async project(realm, projectId, memberIds, now) {
      const project = await db
        .selectFrom('projects')
        .select(['scope_access'])
        .where('realm_id', '=', realm)
        .where('id', '=', projectId)
        .executeTakeFirst();
      if (!project) return undefined;
      const memberPolicies =
        memberIds.length === 0
          ? []
          : await db
              .selectFrom('project_member_policies')
              .select('policy_hrn')
              .where('realm_id', '=', realm)
              .where('project_id', '=', projectId)
              .where('member_id', 'in', [...memberIds])
              .execute();
      const attached = await db
        .selectFrom('project_attached_policies')
        .select('policy_hrn')
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .execute();
      const custom = await db
        .selectFrom('project_policies')
        .select(['id', 'permissions'])
        .where('realm_id', '=', realm)
        .where('project_id', '=', projectId)
        .execute();
      return {
        scopeAccess: project.scope_access,
        policyHrns: [...new Set([...memberPolicies, ...attached].map((row) => row.policy_hrn))],
        customPolicies: new Map(custom.map((row) => [row.id, parse<ProjectPolicyPermission[]>(row.permissions)])),
        filterStatements: await filterStatements(realm, [{ kind: 'project', ids: [projectId] }], now),
      };
    },

    async resource(hrn) {
      const row = await db.selectFrom('resources').selectAll().where('hrn', '=', hrn).executeTakeFirst();
      if (!row) return undefined;
      const links = new Map<string, LinkFacts>();
      const linkRows = await db
        .selectFrom('project_resource_links')
        .select(['project_id', 'allowed_actions', 'subresources'])
        .where('resource_hrn', '=', hrn)
        .execute();
      for (const row of linkRows) {
        let link = links.get(row.project_id);
        if (!link) {
          link = { actions: new Set(), subresources: new Set() };
          links.set(row.project_id, link);
        }
        for (const action of parse<string[]>(row.allowed_actions)) link.actions.add(action);
        // One link to the whole resource gives the project the whole resource.
        if (row.subresources === null) delete link.subresources;
        else for (const subresource of parse<string[]>(row.subresources)) link.subresources?.add(subresource);
      }
      return {
        hrn: row.hrn,
        realm: row.realm_id,
        type: row.type,
        ...(row.home_project_id !== null ? { homeProjectId: row.home_project_id } : {}),
        links,
      };
    },
  };
}
