import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import type { AccessFilterStatement } from '../../src/authz/access-filters.js';
import { AuthzVersions } from '../../src/authz/authz-versions.js';
import { AuthorizationEngine, type AuthzSubject } from '../../src/authz/engine.js';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { randomToken, sha256 } from '../../src/crypto/random.js';
import type { DatabaseHandle } from '../../src/storage/database.js';
import { createStorage, type Storage } from '../../src/storage/storage.js';
import {
  addGroupMember,
  addProjectMember,
  insertGroup,
  insertProject,
  insertProjectPolicy,
  insertResource,
  linkResource,
  openServerDatabase,
} from '../support/authz-rows.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The shape of scenarios.yaml (its header documents each field). */
const Alias = z.string().regex(/^[a-z][a-z0-9-]*$/);
const Attach = z.array(z.string()).default([]);
const Scenario = z.object({
  name: z.string(),
  setup: z.object({
    orgs: z.array(Alias).min(1),
    users: z.record(Alias, z.object({ org: Alias, roles: z.array(z.string()).default([]) })).default({}),
    apps: z.record(Alias, z.object({ org: Alias, owner: Alias.optional() })).default({}),
    groups: z.record(Alias, z.object({ org: Alias, members: z.array(Alias).default([]) })).default({}),
    grants: z
      .array(
        z.object({
          to: Alias,
          action: z.string(),
          resource: z.string(),
          effect: z.enum(['allow', 'deny']).default('allow'),
        }),
      )
      .default([]),
    projects: z
      .record(
        Alias,
        z.object({
          org: Alias,
          scopeAccess: z.enum(['thisProjectOnly', 'thisProjectOrNoProject']).default('thisProjectOnly'),
          members: z.record(Alias, z.array(z.string())).default({}),
          customPolicies: z
            .record(
              z.string(),
              z.array(
                z.object({
                  resource: z.string().optional(),
                  resourceType: z.string().optional(),
                  allowedActions: z.array(z.string()),
                }),
              ),
            )
            .default({}),
        }),
      )
      .default({}),
    resources: z.array(z.object({ hrn: z.string(), org: Alias, type: z.string(), home: Alias.optional() })).default([]),
    links: z
      .array(
        z.object({
          project: Alias,
          resource: z.string(),
          actions: z.array(z.string()),
          externalId: z.string().optional(),
          subresources: z.array(z.string()).optional(),
        }),
      )
      .default([]),
    policies: z
      .record(
        Alias,
        z.object({
          org: Alias,
          permissions: z.array(
            z.object({ action: z.string(), resource: z.string(), effect: z.enum(['allow', 'deny']).default('allow') }),
          ),
          attach: Attach,
        }),
      )
      .default({}),
    plans: z.record(Alias, z.object({ org: Alias, policies: z.array(Alias), attach: Attach })).default({}),
    resourcePolicies: z
      .record(
        Alias,
        z.object({
          org: Alias,
          resources: z.array(
            z.object({
              resource: z.string(),
              actions: z.array(z.string()),
              subresources: z.array(z.string()).optional(),
            }),
          ),
        }),
      )
      .default({}),
    resourcePlans: z
      .record(
        Alias,
        z.object({
          org: Alias,
          policies: z.array(Alias),
          attach: Attach,
          expired: z.boolean().default(false),
          subresources: z.record(Alias, z.array(z.string())).optional(),
        }),
      )
      .default({}),
    filters: z
      .record(Alias, z.object({ org: Alias, statements: z.array(z.record(z.string(), z.unknown())), attach: Attach }))
      .default({}),
    deleteUsers: z.array(Alias).default([]),
  }),
  expect: z
    .array(
      z.object({
        who: Alias,
        scope: Alias.optional(),
        action: z.string(),
        resource: z.string(),
        subresource: z.string().optional(),
        decision: z.enum(['allow', 'deny']),
        reason: z.string(),
        subresources: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});
type Scenario = z.infer<typeof Scenario>;

const scenarios = z
  .array(Scenario)
  .parse(parse(readFileSync(new URL('./scenarios.yaml', import.meta.url), 'utf8')) as unknown);

const PASSWORD = `Scenario-${randomToken(12)}`;
const NOW = Date.now();

/** One scenario, set up in the database of a running server. */
class World {
  readonly realms = new Map<string, string>();
  readonly ids = new Map<string, string>();
  readonly kinds = new Map<string, 'user' | 'app' | 'group'>();
  readonly emails = new Map<string, string>();
  readonly apiKeys = new Map<string, string>();

  constructor(
    readonly scenario: Scenario,
    readonly storage: Storage,
    readonly handle: DatabaseHandle,
    readonly passwordHash: string,
  ) {}

  realm(alias: string): string {
    const realm = this.realms.get(alias);
    if (realm === undefined) throw new Error(`${this.scenario.name}: unknown organization ${alias}`);
    return realm;
  }

  id(alias: string): string {
    const id = this.ids.get(alias);
    if (id === undefined) throw new Error(`${this.scenario.name}: unknown identity ${alias}`);
    return id;
  }

  /** `{a}` → the id of organization a, `{app:x}` → the id of app x. */
  text(value: string): string {
    return value.replace(/\{(?:app:)?([a-z][a-z0-9-]*)\}/g, (whole, alias: string) =>
      whole.startsWith('{app:') ? this.id(alias) : this.realm(alias),
    );
  }

  projectHrn(org: string, project: string): string {
    return `hrn:here:authorization::${this.realm(org)}:project/${project}`;
  }

  async build(): Promise<void> {
    const { setup } = this.scenario;
    const db = this.handle.db;
    for (const org of setup.orgs) {
      const id = `${org}-${randomUUID().slice(0, 8)}`;
      await this.storage.organizations.insert({ id, name: id, createdAt: NOW, updatedAt: NOW });
      this.realms.set(org, id);
    }
    for (const [alias, user] of Object.entries(setup.users)) {
      const realm = this.realm(user.org);
      const id = `HERE-${randomUUID()}`;
      const email = `${alias}-${randomUUID().slice(0, 8)}@example.com`;
      await this.storage.transaction((repositories) =>
        repositories.users.insert({
          id,
          realm,
          email,
          firstname: alias,
          lastname: 'Scenario',
          marketingEnabled: false,
          emailVerified: true,
          state: 'enabled',
          passwordHash: this.passwordHash,
          passwordChangedAt: NOW,
          createdAt: NOW,
          updatedAt: NOW,
        }),
      );
      for (const name of user.roles) {
        const role = await this.storage.roles.ensure(realm, name, `hrn:here:account::${realm}:realm/${realm}`, NOW);
        await this.storage.roles.assign(role.id, id, NOW);
      }
      this.remember(alias, id, 'user');
      this.emails.set(alias, email);
    }
    const scopedApps = new Map(
      this.scenario.expect.flatMap((e) => (e.scope !== undefined ? [[e.who, e.scope] as const] : [])),
    );
    for (const [alias, app] of Object.entries(setup.apps)) {
      const realm = this.realm(app.org);
      const id = randomToken(15)
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 20);
      const owner = app.owner === undefined ? undefined : this.id(app.owner);
      const scope = scopedApps.get(alias);
      await this.storage.transaction(async (repositories) => {
        await repositories.apps.insert({
          id,
          realm,
          name: alias,
          status: 'active',
          applicationType: 'application',
          tokenDuration: 3600,
          appCreationEnabled: false,
          redirectUris: [],
          allowedScopes: [],
          responseTypes: [],
          referrers: [],
          tokenEndpointAuthMethod: 'client_secret_basic',
          ...(scope !== undefined
            ? {
                defaultScope: {
                  scope: this.projectHrn(app.org, scope),
                  isRestricted: true,
                  alwaysProjectScope: true,
                },
              }
            : {}),
          ...(owner !== undefined ? { creatorId: owner } : {}),
          createdAt: NOW,
          updatedAt: NOW,
        });
        for (const action of owner === undefined ? [] : ['read', 'write', 'manage', 'share']) {
          await repositories.permissions.grant({
            realm,
            identityId: owner as string,
            action,
            resourceHrn: `hrn:here:account::${realm}:app/${id}`,
            effect: 'allow',
            createdAt: NOW,
          });
        }
      });
      const apiKey = randomToken(32);
      await this.storage.apiKeys.insert({
        id: randomToken(16),
        keyHash: sha256(apiKey),
        appId: id,
        name: 'scenario',
        enabled: true,
        createdAt: NOW,
      });
      this.remember(alias, id, 'app');
      this.apiKeys.set(alias, apiKey);
    }
    for (const [alias, group] of Object.entries(setup.groups)) {
      const id = await insertGroup(db, this.realm(group.org));
      for (const member of group.members) await addGroupMember(db, id, this.id(member));
      this.remember(alias, id, 'group');
    }
    for (const grant of setup.grants) {
      const identityId = this.id(grant.to);
      const realm = (await this.storage.permissions.findIdentity(identityId))?.realm ?? '';
      await this.storage.permissions.grant({
        realm,
        identityId,
        action: grant.action,
        resourceHrn: this.text(grant.resource),
        effect: grant.effect,
        createdAt: NOW,
      });
    }
    for (const [alias, project] of Object.entries(setup.projects)) {
      const realm = this.realm(project.org);
      await insertProject(db, realm, alias, project.scopeAccess);
      for (const [id, permissions] of Object.entries(project.customPolicies)) {
        await insertProjectPolicy(
          db,
          realm,
          alias,
          id,
          permissions.map((permission) => ({
            ...permission,
            ...(permission.resource !== undefined ? { resource: this.text(permission.resource) } : {}),
          })),
        );
      }
      for (const [member, policies] of Object.entries(project.members)) {
        const hrns = policies.map((policy) =>
          policy.startsWith('managed:')
            ? `hrn:here:authorization::HERE:platform:policy/${policy.slice('managed:'.length)}`
            : `${this.projectHrn(project.org, alias)}:policy/${policy.slice('custom:'.length)}`,
        );
        await addProjectMember(db, realm, alias, this.id(member), hrns);
      }
    }
    for (const resource of setup.resources) {
      await insertResource(db, this.realm(resource.org), this.text(resource.hrn), resource.type, resource.home);
    }
    for (const link of setup.links) {
      const project = setup.projects[link.project];
      if (!project) throw new Error(`${this.scenario.name}: unknown project ${link.project}`);
      await linkResource(db, this.realm(project.org), link.project, this.text(link.resource), link.actions, {
        ...(link.externalId !== undefined ? { externalId: link.externalId } : {}),
        ...(link.subresources !== undefined ? { subresources: link.subresources } : {}),
      });
    }
    const policyIds = new Map<string, string>();
    for (const [alias, policy] of Object.entries(setup.policies)) {
      const id = `POLICY-${randomUUID()}`;
      await this.storage.policies.insertPolicy({
        id,
        realm: this.realm(policy.org),
        name: alias,
        permissions: policy.permissions.map((p) => ({ ...p, resource: this.text(p.resource) })),
        createdAt: NOW,
        updatedAt: NOW,
      });
      policyIds.set(alias, id);
      await this.#attachPolicy(policy.org, { kind: 'policy', id }, policy.attach);
    }
    for (const [alias, plan] of Object.entries(setup.plans)) {
      const id = `PLAN-${randomUUID()}`;
      await this.storage.policies.insertPlan({
        id,
        realm: this.realm(plan.org),
        name: alias,
        policyIds: plan.policies.map((policy) => policyIds.get(policy) ?? policy),
        createdAt: NOW,
        updatedAt: NOW,
      });
      await this.#attachPolicy(plan.org, { kind: 'plan', id }, plan.attach);
    }
    for (const [alias, policy] of Object.entries(setup.resourcePolicies)) {
      const realm = this.realm(policy.org);
      await this.storage.resourcePolicies.insertPolicy({
        realm,
        id: alias,
        name: alias,
        createdAt: NOW,
        updatedAt: NOW,
      });
      for (const entry of policy.resources) {
        await this.storage.resourcePolicies.putEntry(
          realm,
          alias,
          {
            resourceHrn: this.text(entry.resource),
            allowedActions: entry.actions,
            ...(entry.subresources ? { subresources: entry.subresources } : {}),
          },
          NOW,
        );
      }
    }
    for (const [alias, plan] of Object.entries(setup.resourcePlans)) {
      const realm = this.realm(plan.org);
      await this.storage.resourcePolicies.insertPlan({
        realm,
        id: alias,
        name: alias,
        policyIds: plan.policies,
        createdAt: NOW,
        updatedAt: NOW,
      });
      for (const target of plan.attach) {
        await this.storage.resourcePolicies.attach(
          realm,
          {
            planId: alias,
            target: target === 'org' ? { kind: 'realm', id: realm } : { kind: 'identity', id: this.id(target) },
            ...(plan.expired ? { expiresAt: NOW - 1000 } : {}),
            ...(plan.subresources ? { subresources: plan.subresources } : {}),
          },
          NOW,
        );
      }
    }
    for (const [alias, filter] of Object.entries(setup.filters)) {
      const id = `FILTER-${randomUUID()}`;
      const realm = this.realm(filter.org);
      const statements = filter.statements.map((statement) =>
        JSON.parse(this.text(JSON.stringify(statement))),
      ) as AccessFilterStatement[];
      await this.storage.accessFilters.insert({ id, realm, name: alias, statements, createdAt: NOW, updatedAt: NOW });
      for (const target of filter.attach) {
        await this.storage.accessFilters.attach({
          filterId: id,
          realm,
          targetKind: target === 'org' ? 'realm' : 'identity',
          targetId: target === 'org' ? realm : this.id(target),
          createdAt: NOW,
        });
      }
    }
    for (const alias of setup.deleteUsers) await this.storage.users.delete(this.id(alias));
  }

  async #attachPolicy(org: string, source: { kind: 'policy' | 'plan'; id: string }, targets: string[]) {
    const realm = this.realm(org);
    for (const target of targets) {
      await this.storage.policies.attach(
        realm,
        source,
        target === 'org' ? { kind: 'realm', id: realm } : { kind: 'identity', id: this.id(target) },
        NOW,
      );
    }
  }

  remember(alias: string, id: string, kind: 'user' | 'app' | 'group') {
    if (this.ids.has(alias)) throw new Error(`${this.scenario.name}: alias ${alias} is used twice`);
    this.ids.set(alias, id);
    this.kinds.set(alias, kind);
  }
}

describe('authorization scenarios (scenarios.yaml)', () => {
  let server: TestServer;
  let handle: DatabaseHandle;
  let storage: Storage;
  let engine: AuthorizationEngine;
  let passwordHash: string;

  beforeAll(async () => {
    server = await startTestServer({ mail: false });
    handle = openServerDatabase(server);
    const versions = new AuthzVersions();
    storage = createStorage(handle, versions);
    engine = new AuthorizationEngine({ store: storage.authz, versions, partition: 'here', clock: Date.now });
    passwordHash = await new PasswordHasher({ memoryKiB: 256, iterations: 1, parallelism: 1 }).hash(PASSWORD);
  });
  afterAll(async () => {
    await handle.close();
    await server.close();
  });

  /** Decides over HTTP with the identity's own credentials: a password token, or the app's API key. */
  async function decideOverHttp(world: World, who: string, question: { action: string; resource: string }) {
    const body = { actions: [question], diagnostics: true };
    let response: Awaited<ReturnType<typeof server.api.post>>;
    if (world.kinds.get(who) === 'app') {
      response = await server.api.post(`/decision/authorize?apiKey=${world.apiKeys.get(who)}`, body);
    } else {
      const signedIn = await server.api.post('/oauth2/token', {
        grantType: 'password',
        email: world.emails.get(who),
        password: PASSWORD,
        realm: world.realm(world.scenario.setup.users[who]?.org ?? ''),
      });
      expect(signedIn.status, signedIn.text).toBe(200);
      response = await server.api.post('/decision/authorize', body, { token: signedIn.body.accessToken });
    }
    expect(response.status, response.text).toBe(200);
    const [answer] = response.body.diagnostics[0].permissions as {
      decision: string;
      reason: string;
      subresources?: string[];
    }[];
    return answer;
  }

  it('names scenarios uniquely, and scopes only apps (a scoped user token comes from the token endpoint)', () => {
    expect(new Set(scenarios.map((scenario) => scenario.name)).size).toBe(scenarios.length);
    for (const scenario of scenarios) {
      for (const expectation of scenario.expect) {
        if (expectation.scope !== undefined) expect(scenario.setup.apps, scenario.name).toHaveProperty(expectation.who);
      }
    }
  });

  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const world = new World(scenario, storage, handle, passwordHash);
      await world.build();
      for (const expectation of scenario.expect) {
        const resource = world.text(expectation.resource);
        const whoAlias = expectation.who;
        const what = `${whoAlias}${expectation.scope ? ` (scoped to ${expectation.scope})` : ''} ${expectation.action} ${resource}${expectation.subresource ? ` (${expectation.subresource})` : ''}`;
        const kind = world.kinds.get(whoAlias);
        const org = kind === 'app' ? scenario.setup.apps[whoAlias]?.org : scenario.setup.users[whoAlias]?.org;
        if (org === undefined) throw new Error(`${scenario.name}: ${whoAlias} is neither a user nor an app`);
        const subject: AuthzSubject = {
          identityId: world.id(whoAlias),
          realm: world.realm(org),
          ...(expectation.scope !== undefined ? { projectId: expectation.scope } : {}),
        };
        const { subresource, subresources } = expectation;
        const inProcess = await engine.decide(subject, expectation.action, resource, subresource);
        expect(
          { allowed: inProcess.allowed, reason: inProcess.reason, subresources: inProcess.subresources },
          `in process: ${what}`,
        ).toEqual({ allowed: expectation.decision === 'allow', reason: expectation.reason, subresources });
        const question = {
          action: expectation.action,
          resource,
          ...(subresource !== undefined ? { subresource } : {}),
        };
        const overHttp = await decideOverHttp(world, whoAlias, question);
        expect(
          { decision: overHttp?.decision, reason: overHttp?.reason, subresources: overHttp?.subresources },
          `over HTTP: ${what}`,
        ).toEqual({ decision: expectation.decision, reason: expectation.reason, subresources });
      }
    });
  }
});
