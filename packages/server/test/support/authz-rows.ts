import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.js';
import type { Database } from '../../src/storage/tables.js';
import { postgresUrl } from './backend.js';
import type { TestServer } from './test-server.js';

/**
 * Rows of the authorization domain that other parts of Gatehouse manage (groups, projects, registered resources,
 * links, project policies), written straight into a database so that authorization tests can set up any situation.
 * A test must write them before its first decision about the organization: these writes do not bump its version.
 */

/** A second handle on a running test server's database. */
export function openServerDatabase(server: TestServer): DatabaseHandle {
  const url = server.gatehouse.config.databaseUrl;
  return url.startsWith('sqlite:')
    ? openDatabase({ url })
    : openDatabase({ url: postgresUrl(), ...(server.databaseSchema ? { schema: server.databaseSchema } : {}) });
}

const NOW = 1_700_000_000_000;

export async function insertGroup(db: Kysely<Database>, realm: string, memberIds: readonly string[] = []) {
  const id = `GROUP-${randomUUID()}`;
  await db.insertInto('identities').values({ id, realm_id: realm, kind: 'group', created_at: NOW }).execute();
  await db
    .insertInto('groups')
    .values({ id, realm_id: realm, name: `Group ${id}`, description: null, created_at: NOW, updated_at: NOW })
    .execute();
  for (const memberId of memberIds) await addGroupMember(db, id, memberId);
  return id;
}

export async function addGroupMember(db: Kysely<Database>, groupId: string, memberId: string) {
  await db.insertInto('group_members').values({ group_id: groupId, member_id: memberId, created_at: NOW }).execute();
}

export async function insertProject(
  db: Kysely<Database>,
  realm: string,
  id: string,
  scopeAccess: 'thisProjectOnly' | 'thisProjectOrNoProject' = 'thisProjectOnly',
) {
  await db
    .insertInto('projects')
    .values({
      realm_id: realm,
      id,
      name: id,
      description: null,
      scope_access: scopeAccess,
      default_member_policies: '[]',
      creator_id: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

/** Adds a member to a project with the given project policy HRNs. */
export async function addProjectMember(
  db: Kysely<Database>,
  realm: string,
  projectId: string,
  memberId: string,
  policyHrns: readonly string[],
) {
  await db
    .insertInto('project_members')
    .values({ realm_id: realm, project_id: projectId, member_id: memberId, created_at: NOW })
    .execute();
  for (const policyHrn of policyHrns) {
    await db
      .insertInto('project_member_policies')
      .values({ realm_id: realm, project_id: projectId, member_id: memberId, policy_hrn: policyHrn, created_at: NOW })
      .execute();
  }
}

export async function insertProjectPolicy(
  db: Kysely<Database>,
  realm: string,
  projectId: string,
  id: string,
  permissions: readonly { resource?: string; resourceType?: string; allowedActions: string[] }[],
) {
  await db
    .insertInto('project_policies')
    .values({
      realm_id: realm,
      project_id: projectId,
      id,
      name: id,
      description: null,
      permissions: JSON.stringify(permissions),
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

export async function insertResource(
  db: Kysely<Database>,
  realm: string,
  hrn: string,
  type: string,
  homeProjectId?: string,
) {
  await db
    .insertInto('resources')
    .values({
      hrn,
      realm_id: realm,
      type,
      home_project_id: homeProjectId ?? null,
      referenceable: 1,
      creator_id: null,
      created_at: NOW,
    })
    .execute();
}

export async function linkResource(
  db: Kysely<Database>,
  realm: string,
  projectId: string,
  resourceHrn: string,
  allowedActions: readonly string[],
  options: { externalId?: string; subresources?: readonly string[] } = {},
) {
  await db
    .insertInto('project_resource_links')
    .values({
      realm_id: realm,
      project_id: projectId,
      resource_hrn: resourceHrn,
      external_id: options.externalId ?? '',
      allowed_actions: JSON.stringify(allowedActions),
      subresources: options.subresources ? JSON.stringify(options.subresources) : null,
      created_at: NOW,
    })
    .execute();
}
