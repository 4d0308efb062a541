import {
  CreatePlanRequest,
  CreatePolicyRequest,
  PermissionPageWithToken,
  Plan,
  PlanList,
  Policy,
  PolicyList,
  PolicyPageQuery,
  UpdatePlanRequest,
  UpdatePolicyRequest,
} from '@gatehouse/contracts';
import { z } from 'zod';
import type { PolicyService } from '../../policies/policy-service.js';
import { created, defineRoute, noContent, ok } from '../route.js';

const AUTHZ = '/authorization/v1.1';
const Reference = z.string().min(1).max(512);
const RealmParams = z.object({ realm: z.string().min(1).max(64) });
const MemberParams = RealmParams.extend({ member: Reference });
const GroupParams = z.object({ groupId: Reference });
const common = { tags: ['Policies and plans'], auth: 'identity' as const, unscopedOnly: true };

/**
 * Organization policies and plans (spec §6.3 Realms, §7.2): HERE's read-only API, and Gatehouse's management
 * extension for OrgAdmins (create, update, delete, attach to users and apps).
 */
export function createPolicyRoutes({ policies }: { policies: PolicyService }) {
  return [
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/policies`,
      operationId: 'listRealmPolicies',
      summary: 'Policies of the organization',
      params: RealmParams,
      query: PolicyPageQuery,
      responses: { 200: PolicyList },
      handler: async ({ principal, params, query }) => ok(await policies.listPolicies(principal, params.realm, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/policies/:policy/permissions`,
      operationId: 'listRealmPolicyPermissions',
      summary: 'Permissions of a policy',
      params: RealmParams.extend({ policy: Reference }),
      query: PolicyPageQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await policies.policyPermissions(principal, params.realm, params.policy, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/plans`,
      operationId: 'listRealmPlans',
      summary: 'Plans of the organization',
      params: RealmParams,
      query: PolicyPageQuery,
      responses: { 200: PlanList },
      handler: async ({ principal, params, query }) => ok(await policies.listPlans(principal, params.realm, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/plans/:plan/policies`,
      operationId: 'listRealmPlanPolicies',
      summary: 'Policies of a plan',
      params: RealmParams.extend({ plan: Reference }),
      query: PolicyPageQuery,
      responses: { 200: PolicyList },
      handler: async ({ principal, params, query }) =>
        ok(await policies.planPolicies(principal, params.realm, params.plan, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/plans/:plan/policies/:policy/permissions`,
      operationId: 'listRealmPlanPolicyPermissions',
      summary: 'Permissions of a policy of a plan',
      params: RealmParams.extend({ plan: Reference, policy: Reference }),
      query: PolicyPageQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await policies.planPolicyPermissions(principal, params.realm, params.plan, params.policy, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/policies`,
      operationId: 'listMemberPolicies',
      summary: 'Policies attached to a member',
      params: MemberParams,
      query: PolicyPageQuery,
      responses: { 200: PolicyList },
      handler: async ({ principal, params, query }) =>
        ok(await policies.memberPolicies(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/policies/:policy/permissions`,
      operationId: 'listMemberPolicyPermissions',
      summary: 'Permissions of a policy attached to a member',
      params: MemberParams.extend({ policy: Reference }),
      query: PolicyPageQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await policies.memberPolicyPermissions(principal, params.realm, params.member, params.policy, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/realms/:realm/members/:member/plans`,
      operationId: 'listMemberPlans',
      summary: 'Plans attached to a member',
      params: MemberParams,
      query: PolicyPageQuery,
      responses: { 200: PlanList },
      handler: async ({ principal, params, query }) =>
        ok(await policies.memberPlans(principal, params.realm, params.member, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/groups/:groupId/policies`,
      operationId: 'listGroupPolicies',
      summary: 'Policies attached to a group',
      description: 'Needs `readPolicies` or `readPermissions` on the group: its GroupAdmins and OrgAdmins.',
      params: GroupParams,
      query: PolicyPageQuery,
      responses: { 200: PolicyList },
      handler: async ({ principal, params, query }) =>
        ok(await policies.groupPolicies(principal, params.groupId, query)),
    }),
    defineRoute({
      ...common,
      method: 'GET',
      url: `${AUTHZ}/groups/:groupId/policies/:policy/permissions`,
      operationId: 'listGroupPolicyPermissions',
      summary: 'Permissions of a policy attached to a group',
      params: GroupParams.extend({ policy: Reference }),
      query: PolicyPageQuery,
      responses: { 200: PermissionPageWithToken },
      handler: async ({ principal, params, query }) =>
        ok(await policies.groupPolicyPermissions(principal, params.groupId, params.policy, query)),
    }),
    ...(['PUT', 'DELETE'] as const).flatMap((method) => {
      const verb = method === 'PUT' ? 'Attach' : 'Detach';
      const description = 'Gatehouse extension. Needs `managePolicies` (`managePlans` for plans) on the organization.';
      return [
        defineRoute({
          ...common,
          method,
          url: `${AUTHZ}/realms/:realm/members/:member/policies/:policy`,
          operationId: `${verb.toLowerCase()}MemberPolicy`,
          summary: `${verb} a policy ${method === 'PUT' ? 'to' : 'from'} a member`,
          description: `${description} Idempotent.`,
          params: MemberParams.extend({ policy: Reference }),
          responses: { 204: z.undefined() },
          async handler({ principal, params }) {
            await policies.setAttachment(
              principal,
              params.realm,
              params.member,
              'policy',
              params.policy,
              method === 'PUT',
            );
            return noContent();
          },
        }),
        defineRoute({
          ...common,
          method,
          url: `${AUTHZ}/realms/:realm/members/:member/plans/:plan`,
          operationId: `${verb.toLowerCase()}MemberPlan`,
          summary: `${verb} a plan ${method === 'PUT' ? 'to' : 'from'} a member`,
          description: `${description} Idempotent.`,
          params: MemberParams.extend({ plan: Reference }),
          responses: { 204: z.undefined() },
          async handler({ principal, params }) {
            await policies.setAttachment(principal, params.realm, params.member, 'plan', params.plan, method === 'PUT');
            return noContent();
          },
        }),
      ];
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHZ}/policies`,
      operationId: 'createPolicy',
      summary: 'Create a policy',
      description: 'Gatehouse extension. Needs `managePolicies` on the organization.',
      body: CreatePolicyRequest,
      responses: { 201: Policy },
      handler: async ({ principal, body }) => created(await policies.createPolicy(principal, body)),
    }),
    defineRoute({
      ...common,
      method: 'PATCH',
      url: `${AUTHZ}/policies/:policy`,
      operationId: 'updatePolicy',
      summary: 'Change a policy',
      description: 'Gatehouse extension. Needs `managePolicies` on the organization.',
      params: z.object({ policy: Reference }),
      body: UpdatePolicyRequest,
      responses: { 200: Policy },
      handler: async ({ principal, params, body }) => ok(await policies.updatePolicy(principal, params.policy, body)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHZ}/policies/:policy`,
      operationId: 'deletePolicy',
      summary: 'Delete a policy',
      description: 'Gatehouse extension. Detaches it everywhere and removes it from plans.',
      params: z.object({ policy: Reference }),
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await policies.deletePolicy(principal, params.policy);
        return noContent();
      },
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: `${AUTHZ}/plans`,
      operationId: 'createPlan',
      summary: 'Create a plan',
      description: 'Gatehouse extension. Needs `managePlans` on the organization.',
      body: CreatePlanRequest,
      responses: { 201: Plan },
      handler: async ({ principal, body }) => created(await policies.createPlan(principal, body)),
    }),
    defineRoute({
      ...common,
      method: 'PATCH',
      url: `${AUTHZ}/plans/:plan`,
      operationId: 'updatePlan',
      summary: 'Change a plan',
      description: 'Gatehouse extension. Needs `managePlans` on the organization.',
      params: z.object({ plan: Reference }),
      body: UpdatePlanRequest,
      responses: { 200: Plan },
      handler: async ({ principal, params, body }) => ok(await policies.updatePlan(principal, params.plan, body)),
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: `${AUTHZ}/plans/:plan`,
      operationId: 'deletePlan',
      summary: 'Delete a plan',
      description: 'Gatehouse extension. Detaches it everywhere.',
      params: z.object({ plan: Reference }),
      responses: { 204: z.undefined() },
      async handler({ principal, params }) {
        await policies.deletePlan(principal, params.plan);
        return noContent();
      },
    }),
  ];
}
