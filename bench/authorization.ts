/**
 * Authorization decisions: Gatehouse's engine in process, casbin side by side, and the decision API over HTTP, on
 * PostgreSQL holding 10 million grants (`npm run bench:authz`).
 *
 * Data (bench/lib/authz-dataset.ts): schema `gh_bench_authz` of database `test` at 127.0.0.1:5432, created by
 * Gatehouse's migrations and bulk-loaded once with COPY; later runs reuse it (`--reload` loads it again). The
 * measured identities are three apps holding 10, 1,000 and 100,000 grants (their own and their two groups'), plus
 * the GroupAdmin role of one group.
 *
 * Questions: per identity a fixed list of `--questions` (action, HRN) pairs derived from its grants: about 60% ask
 * what a grant says (exact HRNs, HRNs under a wildcard grant, denied ones), the rest ask another action, an HRN
 * nobody was granted, or what its role allows; so answers are a mix of allow and deny.
 *
 * 1. In process: `AuthorizationEngine.decide` on a store over the schema, as the server builds it.
 *    - warm: compiled identity and resources cached; every decision timed one by one (the timer's cost is included,
 *      so rates are slightly understated);
 *    - check alone: the same questions asked of a `PermissionIndex` compiled from the identity's statements, without
 *      the engine around it (caches, organization and project rules), to show how the index alone scales;
 *    - cold identity: the caches cleared before one decision, which loads and compiles the identity from
 *      PostgreSQL;
 *    - cold resource: warm identity, HRNs never asked before, so each decision looks its resource up in PostgreSQL.
 * 2. casbin, in the same rounds: an RBAC-with-domains model holding the same grants, groups and role as the
 *    measured identity (see {@link buildCasbin}); answers compared with Gatehouse's on a sample before timing.
 * 3. Over HTTP: Gatehouse as `npm start` runs it, in a child process on the same schema; autocannon against
 *    `POST /decision/authorize` with each identity's bearer token and its questions, one per request; the server's
 *    RSS sampled from /proc during the load.
 *
 * Measurements run in `--rounds` rounds, alternating their order; the table reports medians across rounds. Flags:
 * --quick (small data set in schema gh_bench_authz_quick, fewer and shorter rounds, for development) --reload
 * --rounds --decisions (per size and round, warm) --casbin-seconds --duration --warmup --connections
 * --no-http --profile (a V8 CPU profile of the measured server in bench/results/profiles) --keep-work
 * --out bench/results/authorization.json.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { type Enforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { createAuthzStore } from '../packages/server/src/authz/authz-store.js';
import { AuthzVersions } from '../packages/server/src/authz/authz-versions.js';
import { AuthorizationEngine, type AuthzSubject } from '../packages/server/src/authz/engine.js';
import { PermissionIndex, type PermissionStatement } from '../packages/server/src/authz/permission-index.js';
import { memberBaseline, roleBundles } from '../packages/server/src/authz/role-bundles.js';
import { openDatabase } from '../packages/server/src/storage/database.js';
import { ACTIONS, ensureDataset, grantOf, type Manifest, type MeasuredIdentity } from './lib/authz-dataset.js';
import {
  freePort,
  json,
  load,
  log,
  median,
  megabytes,
  packageVersion,
  ROOT,
  round1,
  round2,
  type Server,
  sleep,
  startServer,
} from './lib/harness.js';
import { monitorProcess, residentSetBytes } from './lib/process-monitor.js';

/** What the issue asks of authorization. */
const GOALS = {
  minInProcessPerSecond: 200_000,
  /** Largest over smallest warm p99 across identity sizes. */
  maxP99Spread: 2,
  minRatioToCasbin: 5,
  minHttpPerSecond: 10_000,
  maxHttpP99Ms: 10,
  maxRssMb: 500,
};
const SIZES = [10, 1_000, 100_000] as const;
/** The size the casbin goal is measured at. */
const CASBIN_GOAL_SIZE = 100_000;
const PARTITION = 'here';
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reload: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    decisions: { type: 'string' },
    questions: { type: 'string', default: '5000' },
    'casbin-seconds': { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '20' },
    'no-http': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'keep-work': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/authorization.json') },
  },
});
const quick = flags.quick;
const settings = {
  schema: quick ? 'gh_bench_authz_quick' : 'gh_bench_authz',
  totalGrants: quick ? 500_000 : 10_000_000,
  rounds: positive('rounds', quick ? 2 : 5),
  decisionsPerRound: positive('decisions', quick ? 50_000 : 200_000),
  questionsPerIdentity: positive('questions', 5_000),
  coldRepetitions: quick ? 2 : 5,
  resourceMissDecisions: quick ? 500 : 2_000,
  casbinSeconds: positive('casbin-seconds', quick ? 1 : 5),
  casbinSample: quick ? 100 : 300,
  /** casbin answers a question on 100,000 rules in about a second here: the check stops after this long. */
  casbinSampleSeconds: quick ? 10 : 30,
  httpDurationSeconds: positive('duration', quick ? 3 : 10),
  httpWarmupSeconds: positive('warmup', quick ? 2 : 5),
  connections: positive('connections', 20),
  http: !flags['no-http'],
};

function positive(
  name: 'rounds' | 'decisions' | 'questions' | 'casbin-seconds' | 'duration' | 'warmup' | 'connections',
  fallback: number,
): number {
  const text = flags[name];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface Question {
  action: string;
  resource: string;
}

interface LatencyRun {
  round: number;
  decisionsPerSecond: number;
  /**
   * Decisions per second of CPU time this process used: what one core of this machine does when it is not shared.
   * On a loaded machine the wall-clock rate measures the share of a core the scheduler gave us as much as the code.
   */
  decisionsPerCpuSecond: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-authz-'));
  const loadAtStart = uptime();
  let server: Server | undefined;
  try {
    log(`Work directory ${work}; machine load ${loadAtStart}`);
    const manifest = await ensureDataset({
      url: DATABASE_URL,
      schema: settings.schema,
      totalGrants: settings.totalGrants,
      sizes: SIZES,
      reload: flags.reload,
      createApps: (names) => createApps(work, names),
    });
    const questions = new Map(
      manifest.measured.map((identity) => [
        identity.label,
        questionsFor(manifest.realm, identity, settings.questionsPerIdentity),
      ]),
    );

    const inProcess = await measureInProcess(manifest, questions);

    let http: HttpResults | undefined;
    if (settings.http) {
      server = await startGatehouse(
        work,
        flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/results/profiles')}`] : [],
      );
      http = await measureHttp(server, manifest, questions, inProcess.expected);
    }

    const report = buildReport(manifest, inProcess, http, loadAtStart);
    await mkdir(path.dirname(flags.out), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    const markdownFile = flags.out.replace(/\.json$/, '.md');
    await writeFile(markdownFile, `${markdown(report)}\n`);
    process.stdout.write(
      `\n${markdown(report)}\n\nResults written to ${path.relative(process.cwd(), flags.out)} and ` +
        `${path.relative(process.cwd(), markdownFile)}\n`,
    );
  } finally {
    await server?.stop();
    if (flags['keep-work']) log(`Kept ${work} (server logs)`);
    else await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Questions

/** `count` questions for an identity, derived from its grants (see the file comment); the same on every run. */
function questionsFor(realm: string, identity: MeasuredIdentity, count: number): Question[] {
  const holders = [{ tag: identity.tag, grants: identity.directGrants }, ...identity.groups];
  const groupHrn = (index: number) =>
    `hrn:${PARTITION}:authorization::${realm}:group/${identity.groups[index]?.id ?? ''}`;
  const questions: Question[] = [];
  for (let q = 0; q < count; q++) {
    const holder = holders[q % holders.length] ?? holders[0];
    if (!holder || holder.grants === 0) continue;
    const index = (q * 7_919) % holder.grants;
    const grant = grantOf(realm, holder.tag, index);
    const resource = grant.resource.endsWith('*') ? `${grant.resource.slice(0, -1)}x${q}` : grant.resource;
    const kind = q % 20;
    if (kind < 12) questions.push({ action: grant.action, resource });
    else if (kind < 15) {
      const other = ACTIONS[(ACTIONS.indexOf(grant.action as (typeof ACTIONS)[number]) + 1) % ACTIONS.length];
      questions.push({ action: other ?? 'write', resource });
    } else if (kind === 15) questions.push({ action: 'readMembers', resource: groupHrn(0) });
    else if (kind === 16) questions.push({ action: 'readMembers', resource: groupHrn(1) });
    else questions.push({ action: 'read', resource: `hrn:${PARTITION}:data::${realm}:${holder.tag}-missing-${q}` });
  }
  return questions;
}

// ---------------------------------------------------------------------------------------------------------------
// In process: Gatehouse's engine and casbin

interface SizeResults {
  label: string;
  grants: number;
  /** Statements the engine compiles for the identity: grants, role bundle, member baseline. */
  statements: number;
  allowedShare: number;
  warm: LatencyRun[];
  checkAlone: LatencyRun[];
  coldIdentityMs: number[];
  resourceMiss: LatencyRun[];
  casbin?: {
    rules: number;
    loadMs: number;
    sampleChecked: number;
    runs: LatencyRun[];
  };
}

interface InProcessResults {
  sizes: SizeResults[];
  /** Gatehouse's in-process answers, to check the HTTP answers against. */
  expected: Map<string, boolean[]>;
}

async function measureInProcess(manifest: Manifest, questions: Map<string, Question[]>): Promise<InProcessResults> {
  const database = openDatabase({ url: DATABASE_URL, schema: settings.schema });
  try {
    const engine = new AuthorizationEngine({
      store: createAuthzStore(database.db),
      versions: new AuthzVersions(),
      partition: PARTITION,
      clock: Date.now,
    });
    const results: SizeResults[] = [];
    const expected = new Map<string, boolean[]>();
    const enforcers = new Map<string, Enforcer>();
    const indexes = new Map<string, PermissionIndex>();

    for (const identity of manifest.measured) {
      const list = questions.get(identity.label) ?? [];
      const subject: AuthzSubject = { identityId: identity.appId, realm: manifest.realm };
      const answers: boolean[] = [];
      for (const question of list)
        answers.push((await engine.decide(subject, question.action, question.resource)).allowed);
      expected.set(identity.label, answers);
      const compiled = (await engine.unscopedStatements(identity.appId)) ?? [];
      const statements = compiled.length;
      indexes.set(identity.label, new PermissionIndex(compiled));
      const result: SizeResults = {
        label: identity.label,
        grants: identity.grants,
        statements,
        allowedShare: round2(answers.filter(Boolean).length / Math.max(1, answers.length)),
        warm: [],
        checkAlone: [],
        coldIdentityMs: [],
        resourceMiss: [],
      };
      results.push(result);

      const casbinStarted = performance.now();
      const { enforcer, rules } = await buildCasbin(database, manifest, identity);
      const loadMs = round1(performance.now() - casbinStarted);
      // Evenly spaced (a step coprime with the 20 kinds of question, so every kind comes early); at least 40.
      const sample = list.filter((_, index) => index % Math.ceil(list.length / settings.casbinSample) === 0);
      const sampleDeadline = performance.now() + settings.casbinSampleSeconds * 1000;
      let sampleChecked = 0;
      for (const question of sample) {
        if (sampleChecked >= 40 && performance.now() > sampleDeadline) break;
        sampleChecked++;
        const gatehouse = (await engine.decide(subject, question.action, question.resource)).allowed;
        const casbin = enforceCasbin(enforcer, identity.appId, question);
        if (gatehouse !== casbin) {
          throw new Error(
            `casbin and Gatehouse disagree for ${identity.label} on ${question.action} ${question.resource}: ` +
              `Gatehouse ${gatehouse}, casbin ${casbin}`,
          );
        }
      }
      enforcers.set(identity.label, enforcer);
      result.casbin = { rules, loadMs, sampleChecked, runs: [] };
      log(
        `${identity.label}: ${statements} statements, ${Math.round(result.allowedShare * 100)}% allowed; casbin ` +
          `${rules} rules loaded in ${loadMs} ms, agrees on ${sampleChecked} questions`,
      );
    }

    const subjectOf = (identity: MeasuredIdentity): AuthzSubject => ({
      identityId: identity.appId,
      realm: manifest.realm,
    });
    const warmUp = async () => {
      for (const identity of manifest.measured) {
        for (const question of questions.get(identity.label) ?? []) {
          await engine.decide(subjectOf(identity), question.action, question.resource);
        }
      }
    };
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? manifest.measured : [...manifest.measured].reverse();
      // Warm caches, each size side by side with casbin (alternating which goes first).
      for (const identity of order) {
        const result = results.find((entry) => entry.label === identity.label);
        const list = questions.get(identity.label) ?? [];
        const enforcer = enforcers.get(identity.label);
        if (!result || !enforcer) continue;
        const casbinFirst = round % 2 === 0;
        const runCasbin = () => result.casbin?.runs.push(timeCasbin(enforcer, identity.appId, list, round));
        if (casbinFirst) runCasbin();
        const subject = subjectOf(identity);
        result.warm.push(
          await timeDecisions(round, settings.decisionsPerRound, (k) => {
            const question = list[k % list.length] as Question;
            return engine.decide(subject, question.action, question.resource);
          }),
        );
        if (!casbinFirst) runCasbin();
        const index = indexes.get(identity.label);
        if (index) result.checkAlone.push(timeChecks(round, settings.decisionsPerRound, index, list));
      }
      // Resources never asked before: each decision looks its resource up in PostgreSQL.
      for (const identity of order) {
        const result = results.find((entry) => entry.label === identity.label);
        const subject = subjectOf(identity);
        const prefix = `hrn:${PARTITION}:data::${manifest.realm}:${identity.tag}-unseen-${round}-`;
        result?.resourceMiss.push(
          await timeDecisions(round, settings.resourceMissDecisions, (k) =>
            engine.decide(subject, 'read', `${prefix}${k}`),
          ),
        );
      }
      // Identities not cached: every cache is cleared before the decision.
      for (const identity of order) {
        const result = results.find((entry) => entry.label === identity.label);
        const list = questions.get(identity.label) ?? [];
        for (let repetition = 0; repetition < settings.coldRepetitions; repetition++) {
          engine.clear();
          const question = list[repetition] as Question;
          const started = performance.now();
          await engine.decide(subjectOf(identity), question.action, question.resource);
          result?.coldIdentityMs.push(round1(performance.now() - started));
        }
      }
      await warmUp();
      for (const identity of order) {
        const result = results.find((entry) => entry.label === identity.label);
        const warm = result?.warm.at(-1);
        const miss = result?.resourceMiss.at(-1);
        const casbin = result?.casbin?.runs.at(-1);
        if (!result || !warm || !miss) continue;
        log(
          `round ${round} ${identity.label}: warm ${Math.round(warm.decisionsPerSecond)}/s ` +
            `(${Math.round(warm.decisionsPerCpuSecond)} per CPU second) p99 ${warm.p99Us} µs; resource miss ` +
            `${Math.round(miss.decisionsPerSecond)}/s p99 ${miss.p99Us} µs; cold identity ` +
            `${result.coldIdentityMs.slice(-settings.coldRepetitions).join('/')} ms; casbin ` +
            `${casbin ? round1(casbin.decisionsPerSecond) : '-'}/s (${casbin ? round1(casbin.decisionsPerCpuSecond) : '-'} per CPU second)`,
        );
      }
    }
    return { sizes: results, expected };
  } finally {
    await database.close();
  }
}

/** Runs `count` decisions one after the other, timing each. */
async function timeDecisions(
  round: number,
  count: number,
  decide: (k: number) => Promise<unknown>,
): Promise<LatencyRun> {
  const latencies = new Float64Array(count);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < count; k++) {
    const before = performance.now();
    await decide(k);
    latencies[k] = performance.now() - before;
  }
  return latencyRun(round, latencies, performance.now() - started, process.cpuUsage(cpu));
}

/** Runs `count` checks of an index, one after the other, timing each. */
function timeChecks(round: number, count: number, index: PermissionIndex, list: Question[]): LatencyRun {
  const latencies = new Float64Array(count);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let allowed = 0;
  for (let k = 0; k < count; k++) {
    const question = list[k % list.length] as Question;
    const before = performance.now();
    allowed += index.check(question.action, question.resource) & 1;
    latencies[k] = performance.now() - before;
  }
  if (allowed === 0 && list.length > 0) throw new Error('The index allowed none of the questions');
  return latencyRun(round, latencies, performance.now() - started, process.cpuUsage(cpu));
}

function latencyRun(round: number, latencies: Float64Array, totalMs: number, cpu: NodeJS.CpuUsage): LatencyRun {
  latencies.sort();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const at = (share: number) =>
    round2((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0) * 1000);
  return {
    round,
    decisionsPerSecond: round1((latencies.length / totalMs) * 1000),
    decisionsPerCpuSecond: round1(latencies.length / cpuSeconds),
    p50Us: at(0.5),
    p99Us: at(0.99),
    maxUs: round2((latencies[latencies.length - 1] ?? 0) * 1000),
  };
}

/**
 * casbin's RBAC with domains, given what Gatehouse knows about the identity, in casbin's terms:
 *
 * - `p, <holder>, <organization>, <resource pattern>, <action>, <allow|deny>`: the identity's grants, its groups'
 *   grants, its role's bundle and the member baseline, each under its own holder (the app, a group, the role, the
 *   baseline), in the organization of the HRN;
 * - `g, <app>, <group|role|baseline>, <organization>`: its memberships;
 * - the matcher mirrors Gatehouse's rules: same organization, `*` action matches every action, a trailing `*`
 *   pattern matches every HRN that starts with its prefix (casbin's `keyMatch`; every pattern of the data set has a
 *   single trailing `*`, checked below); a deny wins over any allow (the policy effect).
 *
 * Fairness: casbin holds only the measured identity's rules (Gatehouse's store holds 10 million grants), is asked
 * through `enforceSync` (no promise per decision), and its matcher tests the cheap equalities before the pattern
 * and the role lookup. Both answer the same questions and must give the same answers on a sample first.
 */
async function buildCasbin(
  database: ReturnType<typeof openDatabase>,
  manifest: Manifest,
  identity: MeasuredIdentity,
): Promise<{ enforcer: Enforcer; rules: number }> {
  const model = newModelFromString(`
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.dom == p.dom && (r.act == p.act || p.act == "*") && keyMatch(r.obj, p.obj) && g(r.sub, p.sub, r.dom)
`);
  const lines: string[] = [];
  const policy = (holder: string, statement: PermissionStatement) => {
    const star = statement.resource.indexOf('*');
    if (star !== -1 && star !== statement.resource.length - 1) {
      throw new Error(`casbin's keyMatch cannot express ${statement.resource}`);
    }
    lines.push(
      `p, ${holder}, ${organizationOf(statement.resource)}, ${statement.resource}, ${statement.action}, ${statement.effect}`,
    );
  };
  const domains = new Set<string>();
  const holders = [identity.appId, ...identity.groups.map((group) => group.id)];
  const grants = await database.db
    .selectFrom('permissions')
    .select(['identity_id', 'action', 'resource_hrn', 'effect'])
    .where('identity_id', 'in', holders)
    .execute();
  for (const grant of grants) {
    policy(grant.identity_id, { action: grant.action, resource: grant.resource_hrn, effect: grant.effect });
    domains.add(organizationOf(grant.resource_hrn));
  }
  const roles = await database.db
    .selectFrom('role_assignments')
    .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
    .select(['roles.id', 'roles.name', 'roles.resource_hrn'])
    .where('role_assignments.identity_id', '=', identity.appId)
    .execute();
  const roleHolders: string[] = [];
  for (const role of roles) {
    const bundle = roleBundles[role.name]?.({
      partition: PARTITION,
      realm: manifest.realm,
      scopeHrn: role.resource_hrn,
      roleHrn: `hrn:${PARTITION}:authorization::${manifest.realm}:role/${role.id}`,
    });
    for (const statement of bundle ?? []) {
      policy(role.id, statement);
      domains.add(organizationOf(statement.resource));
    }
    roleHolders.push(role.id);
  }
  for (const statement of memberBaseline(PARTITION, manifest.realm, 'app')) {
    policy('baseline:app', statement);
    domains.add(organizationOf(statement.resource));
  }
  for (const domain of domains) {
    for (const holder of [...holders, ...roleHolders, 'baseline:app']) {
      if (holder !== identity.appId) lines.push(`g, ${identity.appId}, ${holder}, ${domain}`);
    }
  }
  const enforcer = await newEnforcer(model, new StringAdapter(lines.join('\n')));
  return { enforcer, rules: lines.length };
}

/** The organization (account) of an HRN: `hrn:<partition>:<service>:<region>:<account>:<resource>`. */
function organizationOf(hrn: string): string {
  const account = hrn.split(':')[4] ?? '';
  if (account.includes('*')) throw new Error(`No single organization in ${hrn}`);
  return account;
}

function enforceCasbin(enforcer: Enforcer, appId: string, question: Question): boolean {
  return enforcer.enforceSync(appId, organizationOf(question.resource), question.resource, question.action);
}

/** casbin decisions for `casbinSeconds`, each timed. */
function timeCasbin(enforcer: Enforcer, appId: string, questions: Question[], round: number): LatencyRun {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + settings.casbinSeconds * 1000;
  for (let k = 0; performance.now() < deadline; k++) {
    const question = questions[(k * 13) % questions.length] as Question;
    const before = performance.now();
    enforceCasbin(enforcer, appId, question);
    latencies.push(performance.now() - before);
  }
  return latencyRun(round, Float64Array.from(latencies), performance.now() - started, process.cpuUsage(cpu));
}

// ---------------------------------------------------------------------------------------------------------------
// Over HTTP

/** Guards nothing but the benchmark's throw-away schema: a fixed key lets later runs reuse its signing keys. */
const BENCH_MASTER_KEY = createHash('sha256').update('gatehouse authorization benchmark').digest('base64url');
const BENCH_ADMIN = { email: 'bench-admin@example.com', password: 'Correct-Horse-Battery-Staple-42' };

/** Gatehouse as `npm start` runs it, on the benchmark's schema, with limits out of the way of the load. */
async function startGatehouse(work: string, nodeFlags: string[] = []): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    GATEHOUSE_PORT: String(port),
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_PUBLIC_URL: url,
    GATEHOUSE_DATA_DIR: path.join(work, 'gatehouse'),
    GATEHOUSE_DATABASE_URL: `${DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${settings.schema}`)}`,
    GATEHOUSE_MASTER_KEY: BENCH_MASTER_KEY,
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_BOOTSTRAP_ORG: 'bench-authz',
    GATEHOUSE_BOOTSTRAP_EMAIL: BENCH_ADMIN.email,
    GATEHOUSE_BOOTSTRAP_PASSWORD: BENCH_ADMIN.password,
    // Set-up only signs one user in: cheap hashing keeps start-up short and does not touch the measured paths.
    GATEHOUSE_PASSWORD_HASH_MEMORY_KI_B: '256',
    GATEHOUSE_PASSWORD_HASH_ITERATIONS: '1',
    GATEHOUSE_APP_RATE_LIMIT_PER15_MINUTES: '100000000',
    GATEHOUSE_RATE_LIMIT_IP_PER_MINUTE: '1000000',
    GATEHOUSE_RATE_LIMIT_IDENTITY_PER_MINUTE: '1000000',
  };
  return startServer(
    'gatehouse',
    path.join(ROOT, 'packages/server/src/main.ts'),
    env,
    url,
    '/healthz',
    work,
    nodeFlags,
  );
}

async function adminToken(url: string): Promise<string> {
  const signIn = await json<{ accessToken: string }>(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grantType: 'password', email: BENCH_ADMIN.email, password: BENCH_ADMIN.password }),
  });
  return `Bearer ${signIn.accessToken}`;
}

/** While loading the data set: the measured apps, created through the API of a Gatehouse started for that. */
async function createApps(work: string, names: string[]): Promise<string[]> {
  const gatehouse = await startGatehouse(work);
  try {
    const authorization = await adminToken(gatehouse.url);
    const ids: string[] = [];
    for (const name of names) {
      const app = await json<{ clientId: string }>(`${gatehouse.url}/authentication/v1.1/apps`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name, tokenDuration: 86_400 }),
      });
      ids.push(app.clientId);
    }
    return ids;
  } finally {
    await gatehouse.stop();
  }
}

interface HttpRun {
  round: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  serverMaxRssMb: number;
  serverCpuCores: number;
}

interface HttpResults {
  checkedAnswers: number;
  rssMbAfterStart: number;
  maxRssMbWholeRun: number;
  sizes: { label: string; runs: HttpRun[] }[];
}

/** An access token per measured app from a fresh access key, which is deleted again once the run is over. */
async function appTokens(
  url: string,
  manifest: Manifest,
): Promise<{ tokens: Map<string, string>; cleanUp: () => Promise<void> }> {
  const authorization = await adminToken(url);
  const tokens = new Map<string, string>();
  const keys: { appId: string; accessKeyId: string }[] = [];
  for (const identity of manifest.measured) {
    const key = await json<{ accessKeyId: string; accessKeySecret: string }>(
      `${url}/authentication/v1.1/apps/${identity.appId}/accessKeys`,
      { method: 'POST', headers: { authorization } },
    );
    keys.push({ appId: identity.appId, accessKeyId: key.accessKeyId });
    const token = await json<{ access_token: string }>(`${url}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${key.accessKeyId}:${key.accessKeySecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    tokens.set(identity.label, `Bearer ${token.access_token}`);
  }
  return {
    tokens,
    async cleanUp() {
      for (const key of keys) {
        await fetch(`${url}/authentication/v1.1/apps/${key.appId}/accessKeys/${key.accessKeyId}`, {
          method: 'DELETE',
          headers: { authorization },
        });
      }
    },
  };
}

const decisionBody = (question: Question) =>
  JSON.stringify({ actions: [{ action: question.action, resource: question.resource }] });

async function measureHttp(
  server: Server,
  manifest: Manifest,
  questions: Map<string, Question[]>,
  expected: Map<string, boolean[]>,
): Promise<HttpResults> {
  const rssMbAfterStart = megabytes(residentSetBytes(server.pid) ?? 0);
  const { tokens, cleanUp } = await appTokens(server.url, manifest);
  const sampler = setInterval(() => {
    server.maxRssBytes = Math.max(server.maxRssBytes, residentSetBytes(server.pid) ?? 0);
  }, 100);
  try {
    // The server's answers must be the engine's: a sample of every identity's questions, before any load.
    let checkedAnswers = 0;
    for (const identity of manifest.measured) {
      const list = questions.get(identity.label) ?? [];
      const answers = expected.get(identity.label) ?? [];
      for (let index = 0; index < list.length; index += Math.ceil(list.length / 100)) {
        const question = list[index] as Question;
        const body = await json<{ decision: string }>(`${server.url}/decision/authorize`, {
          method: 'POST',
          headers: { authorization: tokens.get(identity.label) ?? '', 'content-type': 'application/json' },
          body: decisionBody(question),
        });
        if ((body.decision === 'allow') !== answers[index]) {
          throw new Error(`The server answered ${body.decision} for ${identity.label} on ${JSON.stringify(question)}`);
        }
        checkedAnswers++;
      }
    }

    const prepare = (label: string, duration: number): autocannon.Options => {
      const bodies = (questions.get(label) ?? []).map(decisionBody);
      let next = 0;
      return {
        url: `${server.url}/decision/authorize`,
        connections: settings.connections,
        duration,
        requests: [
          {
            method: 'POST',
            headers: { authorization: tokens.get(label) ?? '', 'content-type': 'application/json' },
            setupRequest(request) {
              const body = bodies[next++ % bodies.length];
              return { ...request, body };
            },
          },
        ],
      };
    };

    for (const identity of manifest.measured) {
      const result = await load(prepare(identity.label, settings.httpWarmupSeconds));
      log(`HTTP warm-up ${identity.label}: ${Math.round(result['2xx'] / result.duration)} decisions/s`);
      await sleep(1_000);
    }
    const sizes = manifest.measured.map((identity) => ({ label: identity.label, runs: [] as HttpRun[] }));
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? sizes : [...sizes].reverse();
      for (const size of order) {
        const monitor = monitorProcess(server.pid);
        const result = await load(prepare(size.label, settings.httpDurationSeconds));
        const sample = monitor.stop();
        server.maxRssBytes = Math.max(server.maxRssBytes, sample.maxRssBytes);
        const run: HttpRun = {
          round,
          requestsPerSecond: round1(result['2xx'] / result.duration),
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          latencyMaxMs: result.latency.max,
          non2xx: result.non2xx,
          errors: result.errors,
          serverMaxRssMb: megabytes(sample.maxRssBytes),
          serverCpuCores: round2(sample.cpuCores),
        };
        size.runs.push(run);
        log(
          `HTTP round ${round} ${size.label}: ${Math.round(run.requestsPerSecond)} decisions/s, p50 ` +
            `${run.latencyP50Ms} ms, p99 ${run.latencyP99Ms} ms, RSS ${run.serverMaxRssMb} MB, server CPU ` +
            `${run.serverCpuCores}, non-2xx ${run.non2xx}, errors ${run.errors}`,
        );
        await sleep(1_000);
      }
    }
    return { checkedAnswers, rssMbAfterStart, maxRssMbWholeRun: megabytes(server.maxRssBytes), sizes };
  } finally {
    clearInterval(sampler);
    await cleanUp();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function summarize(runs: LatencyRun[]) {
  return {
    medianDecisionsPerSecond: round1(median(runs.map((run) => run.decisionsPerSecond))),
    medianDecisionsPerCpuSecond: round1(median(runs.map((run) => run.decisionsPerCpuSecond))),
    medianP50Us: round2(median(runs.map((run) => run.p50Us))),
    medianP99Us: round2(median(runs.map((run) => run.p99Us))),
    worstP99Us: Math.max(...runs.map((run) => run.p99Us)),
  };
}

function buildReport(
  manifest: Manifest,
  inProcess: InProcessResults,
  http: HttpResults | undefined,
  loadAtStart: string,
) {
  const sizes = inProcess.sizes.map((size) => {
    const warm = summarize(size.warm);
    const casbin = size.casbin && summarize(size.casbin.runs);
    const roundRatios = size.warm.map((run) =>
      round2(
        run.decisionsPerSecond /
          (size.casbin?.runs.find((peer) => peer.round === run.round)?.decisionsPerSecond ?? Number.NaN),
      ),
    );
    const httpRuns = http?.sizes.find((entry) => entry.label === size.label)?.runs;
    return {
      label: size.label,
      grants: size.grants,
      statements: size.statements,
      allowedShare: size.allowedShare,
      warm,
      checkAlone: summarize(size.checkAlone),
      coldIdentityMedianMs: round1(median(size.coldIdentityMs)),
      resourceMiss: summarize(size.resourceMiss),
      ...(casbin && size.casbin
        ? {
            casbin: {
              rules: size.casbin.rules,
              loadMs: size.casbin.loadMs,
              sampleChecked: size.casbin.sampleChecked,
              ...casbin,
              ratio: round2(warm.medianDecisionsPerSecond / casbin.medianDecisionsPerSecond),
              roundRatios,
            },
          }
        : {}),
      ...(httpRuns
        ? {
            http: {
              medianRequestsPerSecond: round1(median(httpRuns.map((run) => run.requestsPerSecond))),
              medianLatencyP50Ms: median(httpRuns.map((run) => run.latencyP50Ms)),
              medianLatencyP99Ms: median(httpRuns.map((run) => run.latencyP99Ms)),
              worstLatencyP99Ms: Math.max(...httpRuns.map((run) => run.latencyP99Ms)),
              maxRssMb: Math.max(...httpRuns.map((run) => run.serverMaxRssMb)),
              medianServerCpuCores: median(httpRuns.map((run) => run.serverCpuCores)),
              failedRequests: httpRuns.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
            },
          }
        : {}),
      runs: {
        warm: size.warm,
        checkAlone: size.checkAlone,
        resourceMiss: size.resourceMiss,
        coldIdentityMs: size.coldIdentityMs,
        casbin: size.casbin?.runs,
        http: httpRuns,
      },
    };
  });
  const p99s = sizes.map((size) => size.warm.medianP99Us);
  const p99Spread = round2(Math.max(...p99s) / Math.min(...p99s));
  const casbinGoal = sizes.find((size) => size.grants === CASBIN_GOAL_SIZE)?.casbin;
  const httpSizes = sizes.flatMap((size) => (size.http ? [size.http] : []));
  return {
    benchmark: 'authorization',
    generatedAt: new Date().toISOString(),
    command: `npm run bench:authz${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round1(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAtStart,
      loadAtEnd: uptime(),
    },
    versions: {
      gatehouse: packageVersion('packages/server'),
      casbin: packageVersion('node_modules/casbin'),
      autocannon: packageVersion('node_modules/autocannon'),
    },
    dataset: {
      schema: manifest.schema,
      totalGrants: manifest.totalGrants,
      loadedAt: manifest.loadedAt,
      loadSeconds: manifest.loadSeconds,
      measured: manifest.measured.map((identity) => ({
        label: identity.label,
        directGrants: identity.directGrants,
        groupGrants: identity.groups.map((group) => group.grants),
        role: 'GroupAdmin',
      })),
    },
    settings: {
      ...settings,
      inProcess: 'one decision at a time (awaited), each timed with performance.now()',
      httpServer: 'Gatehouse main.ts in a child process (NODE_ENV=production, logLevel warn, rate limits raised)',
    },
    goals: {
      ...GOALS,
      p99Spread,
      met: {
        /** Judged per CPU second: what one core does; the wall-clock rate depends on how busy the machine is. */
        inProcessRate: sizes.every((size) => size.warm.medianDecisionsPerCpuSecond >= GOALS.minInProcessPerSecond),
        inProcessRateWallClock: sizes.every(
          (size) => size.warm.medianDecisionsPerSecond >= GOALS.minInProcessPerSecond,
        ),
        p99Flat: p99Spread <= GOALS.maxP99Spread,
        casbinRatio: casbinGoal !== undefined && casbinGoal.ratio >= GOALS.minRatioToCasbin,
        ...(http
          ? {
              httpRate: httpSizes.every((entry) => entry.medianRequestsPerSecond >= GOALS.minHttpPerSecond),
              httpP99: httpSizes.every((entry) => entry.medianLatencyP99Ms <= GOALS.maxHttpP99Ms),
              rss: http.maxRssMbWholeRun <= GOALS.maxRssMb,
            }
          : {}),
      },
    },
    http: http && {
      checkedAnswers: http.checkedAnswers,
      rssMbAfterStart: http.rssMbAfterStart,
      maxRssMbWholeRun: http.maxRssMbWholeRun,
    },
    sizes,
  };
}

function markdown(report: ReturnType<typeof buildReport>): string {
  const { settings: s, dataset, machine } = report;
  const lines = [
    `Authorization decisions on PostgreSQL holding ${dataset.totalGrants.toLocaleString('en')} grants ` +
      `(medians of ${s.rounds} rounds; ${machine.cpus} cores, Node ${machine.node}, casbin ${report.versions.casbin}; ` +
      `load average at start ${machine.loadAtStart}, at end ${machine.loadAtEnd})`,
    '',
    '| Grants of the identity (statements) | in process decisions/s (per CPU second) | p50 µs | p99 µs | ' +
      'check alone p50 / p99 µs | cold identity ms | ' +
      'resource miss decisions/s (p99 µs) | casbin decisions/s (p99 µs) | vs casbin |' +
      (report.http ? ' HTTP decisions/s | HTTP p99 ms (worst) | server RSS MB |' : ''),
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${report.http ? ' ---: | ---: | ---: |' : ''}`,
  ];
  for (const size of report.sizes) {
    const casbin = size.casbin;
    lines.push(
      `| ${Number(size.grants).toLocaleString('en')} (${size.statements}) | ` +
        `${Math.round(size.warm.medianDecisionsPerSecond)} (${Math.round(size.warm.medianDecisionsPerCpuSecond)}) | ` +
        `${size.warm.medianP50Us} | ${size.warm.medianP99Us} | ` +
        `${size.checkAlone.medianP50Us} / ${size.checkAlone.medianP99Us} | ${size.coldIdentityMedianMs} | ${Math.round(size.resourceMiss.medianDecisionsPerSecond)} ` +
        `(${size.resourceMiss.medianP99Us}) | ` +
        (casbin
          ? `${round1(casbin.medianDecisionsPerSecond)} (${casbin.medianP99Us}) | ${casbin.ratio}x (${casbin.roundRatios.join(', ')}) |`
          : '| |') +
        (size.http
          ? ` ${Math.round(size.http.medianRequestsPerSecond)} | ${size.http.medianLatencyP99Ms} ` +
            `(${size.http.worstLatencyP99Ms}) | ${size.http.maxRssMb} |`
          : report.http
            ? ' | | |'
            : ''),
    );
  }
  const met = report.goals.met;
  const word = (value: boolean | undefined) => (value ? 'met' : 'NOT met');
  lines.push(
    '',
    `Goals: >= ${GOALS.minInProcessPerSecond} decisions/s in process: per CPU second ${word(met.inProcessRate)}, ` +
      `wall clock ${word(met.inProcessRateWallClock)}; p99 flat within ` +
      `${GOALS.maxP99Spread}x from 10 to 100,000 grants (spread ${report.goals.p99Spread}x): ${word(met.p99Flat)}; ` +
      `>= ${GOALS.minRatioToCasbin}x casbin at ${CASBIN_GOAL_SIZE.toLocaleString('en')} grants: ${word(met.casbinRatio)}` +
      (report.http
        ? `; HTTP >= ${GOALS.minHttpPerSecond} decisions/s: ${word(met.httpRate)}; HTTP p99 <= ${GOALS.maxHttpP99Ms} ms: ` +
          `${word(met.httpP99)}; server RSS <= ${GOALS.maxRssMb} MB (whole run ${report.http.maxRssMbWholeRun} MB, ` +
          `${report.http.rssMbAfterStart} MB after start): ${word(met.rss)}.`
        : '; HTTP not measured (--no-http).'),
  );
  return lines.join('\n');
}

/** The machine's load averages (1, 5, 15 minutes), as `uptime` prints them. */
function uptime(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

await main();
