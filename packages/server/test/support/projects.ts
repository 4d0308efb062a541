import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import type { Database } from '../../src/storage/tables.js';
import { AUTHZ } from './apps.js';
import { postgresUrl } from './backend.js';
import type { ApiClient, ApiResponse } from './http-client.js';
import type { TestServer } from './test-server.js';

/** Helpers for tests of projects, their members, policies and resources. */

export const projectHrn = (realm: string, id: string) => `hrn:here:authorization::${realm}:project/${id}`;
export const userHrn = (realm: string, id: string) => `hrn:here:account::${realm}:user/${id}`;
export const appHrnOf = (realm: string, id: string) => `hrn:here:account::${realm}:app/${id}`;
export const groupHrn = (realm: string, id: string) => `hrn:here:authorization::${realm}:group/${id}`;
export const managedPolicy = (id: string) => `hrn:here:authorization::HERE:platform:policy/${id}`;

/** `/authorization/v1.1/projects/{project}` with the id or HRN fully percent-encoded, plus a sub-path. */
export const projectPath = (reference: string, suffix = '') =>
  `${AUTHZ}/projects/${encodeURIComponent(reference)}${suffix}`;

export const uniqueProjectId = (prefix = 'p') => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function createProject(
  api: ApiClient,
  token: string,
  body: { id?: string; name?: string; description?: string } = {},
): Promise<{ id: string; hrn: string; name: string; description?: string }> {
  const response = await api.post(`${AUTHZ}/projects`, { id: uniqueProjectId(), name: 'Project', ...body }, { token });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

export async function addMember(api: ApiClient, token: string, project: string, member: string): Promise<ApiResponse> {
  const response = await api.post(projectPath(project, `/members/${encodeURIComponent(member)}`), undefined, {
    token,
  });
  expect(response.status, response.text).toBeLessThan(300);
  return response;
}

/**
 * Runs `work` on the server's own database through a second connection (the SQLite file, or the test's PostgreSQL
 * schema), to insert rows no API of this branch writes (groups) or to reach limits quickly. Such writes bypass the
 * authorization versions: call {@link touchOrganization} afterwards.
 */
export async function withServerDatabase<T>(server: TestServer, work: (db: Kysely<Database>) => Promise<T>) {
  const url = server.gatehouse.config.databaseUrl;
  const handle = url.startsWith('sqlite:')
    ? openDatabase({ url })
    : openDatabase({ url: postgresUrl(), ...(server.databaseSchema ? { schema: server.databaseSchema } : {}) });
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** Makes the server forget its compiled authorization data for an organization after direct database writes. */
export async function touchOrganization(server: TestServer, realm: string, projectId: string): Promise<void> {
  const storage = server.gatehouse.storage;
  const project = await storage.projects.findById(realm, projectId);
  if (!project) throw new Error(`no project ${projectId}`);
  await storage.projects.update(realm, projectId, { scopeAccess: project.scopeAccess }, Date.now());
}

/** Inserts a group of the organization with these members; returns its id. */
export async function insertGroup(server: TestServer, realm: string, memberIds: readonly string[]): Promise<string> {
  const id = `GROUP-${randomUUID()}`;
  const now = Date.now();
  await withServerDatabase(server, async (db) => {
    await db.insertInto('identities').values({ id, realm_id: realm, kind: 'group', created_at: now }).execute();
    await db
      .insertInto('groups')
      .values({
        id,
        realm_id: realm,
        name: `Group ${id.slice(6, 12)}`,
        description: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const member of memberIds) {
      await db.insertInto('group_members').values({ group_id: id, member_id: member, created_at: now }).execute();
    }
  });
  return id;
}

/** Inserts bare identities (no user or app record): enough to count as project members. */
export async function insertIdentities(
  server: TestServer,
  realm: string,
  kind: 'user' | 'app' | 'group',
  count: number,
): Promise<string[]> {
  const prefix = kind === 'group' ? 'GROUP-' : kind === 'user' ? 'HERE-' : 'APP';
  const ids = Array.from({ length: count }, () => `${prefix}${randomBytes(8).toString('hex')}`);
  const now = Date.now();
  await withServerDatabase(server, async (db) => {
    for (let start = 0; start < ids.length; start += 100) {
      await db
        .insertInto('identities')
        .values(ids.slice(start, start + 100).map((id) => ({ id, realm_id: realm, kind, created_at: now })))
        .execute();
    }
  });
  return ids;
}

/** Makes identities direct members of a project, straight in the database. */
export async function insertMembers(
  server: TestServer,
  realm: string,
  projectId: string,
  memberIds: readonly string[],
): Promise<void> {
  const now = Date.now();
  await withServerDatabase(server, async (db) => {
    for (let start = 0; start < memberIds.length; start += 100) {
      await db
        .insertInto('project_members')
        .values(
          memberIds
            .slice(start, start + 100)
            .map((member) => ({ realm_id: realm, project_id: projectId, member_id: member, created_at: now })),
        )
        .execute();
    }
  });
}

/** Inserts projects of an organization straight in the database, each with `memberId` as a member. */
export async function insertProjectsWithMember(
  server: TestServer,
  realm: string,
  memberId: string,
  count: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uniqueProjectId('bulk'));
  const now = Date.now();
  await withServerDatabase(server, async (db) => {
    for (const id of ids) {
      await db
        .insertInto('projects')
        .values({
          realm_id: realm,
          id,
          name: id,
          description: null,
          scope_access: 'thisProjectOnly',
          default_member_policies: '[]',
          creator_id: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('project_members')
        .values({ realm_id: realm, project_id: id, member_id: memberId, created_at: now })
        .execute();
    }
  });
  return ids;
}

/**
 * A resource plan with one new resource policy that allows `allowedActions` (limited to `subresources` when given)
 * on one resource; created with `token`, attached to nobody.
 */
export async function resourcePlanFor(
  api: ApiClient,
  token: string,
  options: { policyId: string; resource: string; allowedActions: string[]; subresources?: string[] },
): Promise<{ policy: { id: string; hrn: string }; plan: { id: string; hrn: string } }> {
  const policy = await api.post(
    `${AUTHZ}/resourcePolicies`,
    { id: options.policyId, name: options.policyId },
    { token },
  );
  expect(policy.status, policy.text).toBe(201);
  const entry = await api.put(
    `${AUTHZ}/resourcePolicies/${options.policyId}/resources/${encodeURIComponent(options.resource)}`,
    {
      allowedActions: options.allowedActions,
      ...(options.subresources !== undefined ? { subresources: options.subresources } : {}),
    },
    { token },
  );
  expect(entry.status, entry.text).toBe(200);
  const plan = await api.post(
    `${AUTHZ}/resourcePlans`,
    { name: 'Gold', resourcePolicies: [policy.body.hrn] },
    { token },
  );
  expect(plan.status, plan.text).toBe(201);
  return { policy: policy.body, plan: plan.body };
}
