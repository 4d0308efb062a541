import {
  AttachedPolicies,
  AttachedPolicy,
  MyProjectsQuery,
  PageToken,
  PatchProject,
  PatchProjectSettings,
  PermissionWithSubresourcesPageWithToken,
  ProjectList,
  ProjectListQuery,
  ProjectMember,
  ProjectMemberList,
  ProjectMemberParams,
  ProjectMemberPolicyParams,
  ProjectMembersQuery,
  ProjectParams,
  ProjectPolicyList,
  ProjectPolicyListQuery,
  ProjectPolicyParams,
  ProjectPolicyRequest,
  ProjectPolicyResponse,
  ProjectPolicyUpdate,
  ProjectRequest,
  ProjectResponse,
  ProjectSettings,
  RealmId,
  ResourceType,
  ScopedPermissionList,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { ProjectService } from '../../projects/project-service.js';
import { accepted, created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const TAGS = ['Projects'];
const PROJECT = `${AUTHZ}/projects/:project`;
const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(100),
  pageToken: PageToken.optional(),
});

/**
 * Projects (spec §6.3 "Projects", "Project members", "Project policies"). `{project}` is the project id or HRN,
 * `{member}` the HRN of a user, app or group, `{policy}` a policy HRN or id; HRNs percent-encoded or with raw colons.
 * Writes need a token without a project scope; reads accept a token scoped to the same project.
 */
export function createProjectRoutes({ projects }: { projects: ProjectService }) {
  return [
    defineRoute({
      method: 'POST',
      url: `${AUTHZ}/projects`,
      operationId: 'createProject',
      summary: 'Create a project',
      description:
        'The creator becomes a member and ProjectAdmin. New members get the HERE policies ' +
        'all-access-all-project-resources and resource-creation-access-all-project-resources unless the settings ' +
        'say otherwise.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      body: ProjectRequest,
      responses: { 201: ProjectResponse },
      handler: async ({ principal, body }) => created(await projects.create(principal, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/projects`,
      operationId: 'listAllProjects',
      summary: 'Every project of the organization',
      description: 'OrgAdmins and ResourceManagers (`listAllProjects`). `q` searches id, name and description.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      query: ProjectListQuery,
      responses: { 200: ProjectList },
      handler: async ({ principal, query }) => ok(await projects.listAll(principal, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/projects/me`,
      operationId: 'listMyProjects',
      summary: 'My projects',
      description:
        'Projects the caller is a member of, directly or through a group (`isMember`, default true); ' +
        '`isMember=false` adds those it administers; `canManage=true` keeps those it may manage.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      query: MyProjectsQuery,
      responses: { 200: ProjectList },
      handler: async ({ principal, query }) =>
        ok(
          await projects.listMine(principal, {
            canManage: query.canManage,
            isMember: query.isMember,
            limit: query.limit,
            ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/projects`,
      operationId: 'listMemberProjects',
      summary: 'Projects of a user, app or group',
      description: 'For the member itself, or whoever may manage it.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: z.object({ realm: RealmId, member: ProjectMemberParams.shape.member }),
      query: PageQuery,
      responses: { 200: ProjectList },
      handler: async ({ principal, params, query }) =>
        ok(
          await projects.listOfMember(principal, params.realm, params.member, {
            limit: query.limit,
            ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
          }),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: PROJECT,
      operationId: 'getProject',
      summary: 'A project',
      description: 'Also HEAD: 200 when the project exists and the caller may see it, 404 when it does not exist.',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      responses: { 200: ProjectResponse },
      handler: async ({ principal, params }) => ok(await projects.get(principal, params.project)),
    }),
    defineRoute({
      method: 'PATCH',
      url: PROJECT,
      operationId: 'updateProject',
      summary: 'Rename or describe a project',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      body: PatchProject,
      responses: { 200: ProjectResponse },
      handler: async ({ principal, params, body }) => ok(await projects.update(principal, params.project, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: PROJECT,
      operationId: 'deleteProject',
      summary: 'Delete a project',
      description: 'Removes its members, policies and links; resources homed there then live outside projects.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      responses: { 202: z.undefined() },
      async handler({ principal, params }) {
        await projects.delete(principal, params.project);
        return accepted();
      },
    }),

    // --- Members ------------------------------------------------------------------------------------------------
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members`,
      operationId: 'listProjectMembers',
      summary: 'Members of a project',
      description:
        'Direct members (users, apps, groups). With `onlyIncludeIdentities=true`: the users and apps that are ' +
        'members directly or through a group, ProjectAdmins and ResourceManagers, without a total.',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      query: ProjectMembersQuery,
      responses: { 200: ProjectMemberList },
      handler: async ({ principal, params, query }) => ok(await projects.listMembers(principal, params.project, query)),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${PROJECT}/members/me`,
      operationId: 'leaveProject',
      summary: 'Leave a project',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.leave(principal, params.project);
        return noContent();
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/members/:member`,
      operationId: 'addProjectMember',
      summary: 'Add a user, app or group to a project',
      description: '201 when added, 200 when it was a member already ("Project Member already exists").',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectMemberParams,
      responses: { 201: ProjectMember, 200: ProjectMember },
      async handler({ principal, params }) {
        const { created: added, member } = await projects.addMember(principal, params.project, params.member);
        return added ? created(member) : ok(member);
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members/:member`,
      operationId: 'getProjectMember',
      summary: 'A member of a project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectMemberParams,
      responses: { 200: ProjectMember },
      handler: async ({ principal, params }) => ok(await projects.getMember(principal, params.project, params.member)),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${PROJECT}/members/:member`,
      operationId: 'removeProjectMember',
      summary: 'Remove a member from a project',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectMemberParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.removeMember(principal, params.project, params.member);
        return noContent();
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members/:member/permissions`,
      operationId: 'getProjectMemberPermissions',
      summary: "A member's permissions in a project",
      description: 'The permissions of the project policies that apply to the member, as the engine compiles them.',
      tags: TAGS,
      auth: 'identity',
      params: ProjectMemberParams,
      query: PageQuery,
      responses: { 200: ScopedPermissionList },
      handler: async ({ principal, params, query }) =>
        ok(await projects.memberPermissions(principal, params.project, params.member, query)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members/:member/linkable/permissions`,
      operationId: 'getProjectMemberLinkablePermissions',
      summary: "A member's permissions on the resources linked into a project",
      description:
        'Each action a link allows that a decision with a token scoped to the project allows the member, with the ' +
        'subresources it reaches. `resourceType` keeps resources of one type. readMembers on the project, or the ' +
        'member itself.',
      tags: TAGS,
      auth: 'identity',
      params: ProjectMemberParams,
      query: PageQuery.extend({ resourceType: ResourceType.optional() }),
      responses: { 200: PermissionWithSubresourcesPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await projects.memberLinkablePermissions(principal, params.project, params.member, query)),
    }),

    // --- Policies -----------------------------------------------------------------------------------------------
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/policies`,
      operationId: 'createProjectPolicy',
      summary: 'Create a custom project policy',
      description: 'At most 5 custom policies per project, 100 permissions per policy (422000).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      body: ProjectPolicyRequest,
      responses: { 201: ProjectPolicyResponse },
      handler: async ({ principal, params, body }) =>
        created(await projects.createPolicy(principal, params.project, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/policies`,
      operationId: 'listProjectPolicies',
      summary: 'Policies available in a project',
      description: 'HERE-provided (`here-platform`, read-only) and custom ones; `type` filters.',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      query: ProjectPolicyListQuery,
      responses: { 200: ProjectPolicyList },
      handler: async ({ principal, params, query }) =>
        ok(await projects.listPolicies(principal, params.project, query.type ?? query.projectPolicyType)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/policies/:policy`,
      operationId: 'getProjectPolicy',
      summary: 'A project policy',
      tags: TAGS,
      auth: 'identity',
      params: ProjectPolicyParams,
      responses: { 200: ProjectPolicyResponse },
      handler: async ({ principal, params }) => ok(await projects.getPolicy(principal, params.project, params.policy)),
    }),
    defineRoute({
      method: 'PUT',
      url: `${PROJECT}/policies/:policy`,
      operationId: 'updateProjectPolicy',
      summary: 'Replace a custom project policy',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectPolicyParams,
      body: ProjectPolicyUpdate,
      responses: { 200: ProjectPolicyResponse },
      handler: async ({ principal, params, body }) =>
        ok(await projects.updatePolicy(principal, params.project, params.policy, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: `${PROJECT}/policies/:policy`,
      operationId: 'deleteProjectPolicy',
      summary: 'Delete a custom project policy',
      description: 'Its attachments go with it. A default policy for new members cannot be deleted (409).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectPolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.deletePolicy(principal, params.project, params.policy);
        return noContent();
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/policies/:policy/members`,
      operationId: 'listProjectPolicyMembers',
      summary: 'Members holding a project policy',
      tags: TAGS,
      auth: 'identity',
      params: ProjectPolicyParams,
      responses: { 200: ProjectMemberList },
      handler: async ({ principal, params }) =>
        ok(await projects.policyMembers(principal, params.project, params.policy)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/attachedPolicies`,
      operationId: 'listProjectAttachedPolicies',
      summary: 'Policies attached to the whole project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      responses: { 200: AttachedPolicies },
      handler: async ({ principal, params }) => ok(await projects.attachedPolicies(principal, params.project)),
    }),
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/attachedPolicies`,
      operationId: 'setProjectAttachedPolicies',
      summary: 'Replace the policies attached to the whole project',
      description: 'At most 5 (MaxProjectPolicies).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      body: AttachedPolicies,
      responses: { 200: AttachedPolicies },
      handler: async ({ principal, params, body }) =>
        ok(await projects.setAttachedPolicies(principal, params.project, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/attachedPolicies/:policy`,
      operationId: 'getProjectAttachedPolicy',
      summary: 'Whether a policy is attached to the whole project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectPolicyParams,
      responses: { 200: AttachedPolicy },
      handler: async ({ principal, params }) =>
        ok(await projects.getAttachedPolicy(principal, params.project, params.policy)),
    }),
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/attachedPolicies/:policy`,
      operationId: 'attachProjectPolicy',
      summary: 'Attach a policy to the whole project',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectPolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.attachPolicy(principal, params.project, params.policy);
        return noContent();
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${PROJECT}/attachedPolicies/:policy`,
      operationId: 'detachProjectPolicy',
      summary: 'Detach a policy from the whole project',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectPolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.detachPolicy(principal, params.project, params.policy);
        return noContent();
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members/:member/policies`,
      operationId: 'listProjectMemberPolicies',
      summary: "A member's own project policies",
      tags: TAGS,
      auth: 'identity',
      params: ProjectMemberParams,
      responses: { 200: AttachedPolicies },
      handler: async ({ principal, params }) =>
        ok(await projects.memberPolicies(principal, params.project, params.member)),
    }),
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/members/:member/policies`,
      operationId: 'setProjectMemberPolicies',
      summary: "Replace a member's project policies",
      description: 'At most 5 (MaxMemberProjectPolicies).',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectMemberParams,
      body: AttachedPolicies,
      responses: { 200: AttachedPolicies },
      handler: async ({ principal, params, body }) =>
        ok(await projects.setMemberPolicies(principal, params.project, params.member, body)),
    }),
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/members/:member/policies/:policy`,
      operationId: 'getProjectMemberPolicy',
      summary: 'Whether a member holds a project policy',
      tags: TAGS,
      auth: 'identity',
      params: ProjectMemberPolicyParams,
      responses: { 200: AttachedPolicy },
      handler: async ({ principal, params }) =>
        ok(await projects.getMemberPolicy(principal, params.project, params.member, params.policy)),
    }),
    defineRoute({
      method: 'POST',
      url: `${PROJECT}/members/:member/policies/:policy`,
      operationId: 'attachProjectMemberPolicy',
      summary: 'Give a member a project policy',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectMemberPolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.attachMemberPolicy(principal, params.project, params.member, params.policy);
        return noContent();
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${PROJECT}/members/:member/policies/:policy`,
      operationId: 'detachProjectMemberPolicy',
      summary: 'Take a project policy from a member',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectMemberPolicyParams,
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await projects.detachMemberPolicy(principal, params.project, params.member, params.policy);
        return noContent();
      },
    }),

    // --- Settings -----------------------------------------------------------------------------------------------
    defineRoute({
      method: 'GET',
      url: `${PROJECT}/settings`,
      operationId: 'getProjectSettings',
      summary: 'Settings of a project',
      tags: TAGS,
      auth: 'identity',
      params: ProjectParams,
      responses: { 200: ProjectSettings },
      handler: async ({ principal, params }) => ok(await projects.settings(principal, params.project)),
    }),
    defineRoute({
      method: 'PATCH',
      url: `${PROJECT}/settings`,
      operationId: 'updateProjectSettings',
      summary: 'Change the settings of a project',
      description:
        '`scopeAccess=thisProjectOrNoProject` lets tokens scoped to the project also reach resources outside ' +
        'projects; `defaultNewMemberProjectPolicies` (1 to 5) are given to new members.',
      tags: TAGS,
      auth: 'identity',
      unscopedOnly: true,
      params: ProjectParams,
      body: PatchProjectSettings,
      responses: { 200: ProjectSettings },
      handler: async ({ principal, params, body }) =>
        ok(await projects.updateSettings(principal, params.project, body)),
    }),
  ];
}
