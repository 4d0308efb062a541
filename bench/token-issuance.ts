/**
 * Token issuance over HTTP: Gatehouse against node-oidc-provider, side by side in one run (`npm run bench`).
 *
 * Each server runs in its own child process (`node --import tsx …`), so its RSS (VmRSS sampled from /proc) and CPU
 * time are its own; autocannon runs in this process. Targets:
 *
 * - `oidc-provider`: client_credentials, client_secret_basic, ES256 JWT access tokens, in-memory adapter.
 * - `gatehouse-basic`: the same request to Gatehouse (`POST /oauth2/token`, client_secret_basic, form body).
 * - `gatehouse-oauth1`: what HERE's clients send: an OAuth 1.0 HMAC-SHA256 signature with a fresh nonce and
 *   timestamp on every request. The headers are signed before each measured run into a pool (so signing does not
 *   load the generator during the run) and handed out one per request by autocannon's `setupRequest` hook.
 * - `gatehouse-verify`: `POST /verify/accessToken` with a valid app token, as HERE's SDKs call it (bearer + JSON).
 * - `node-http-es256`: the ceiling, not a contender: bare node:http that checks the Basic header and signs one ES256
 *   JWT (bench/servers/node-http-es256.ts). No real token server can be faster on the same machine.
 *
 * After one warm-up run per target, every target is measured once per round; rounds alternate the order, and the
 * table reports medians across rounds. Flags: --rounds 3 --duration 10 --warmup 5 --connections 50
 * --targets a,b --profile (writes a V8 CPU profile of the Gatehouse process to bench/results/profiles)
 * --gatehouse-node-flags=--max-semi-space-size=32 (extra Node flags for the Gatehouse process, for experiments)
 * --gatehouse-main=<path>/packages/server/src/main.ts (another checkout's server, for before/after figures)
 * --keep-work (keeps the temporary directory with the servers' logs) --out bench/results/token-issuance.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
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
import { oauth1Header } from './lib/oauth1.js';
import { monitorProcess, type ProcessSample, residentSetBytes } from './lib/process-monitor.js';

const TARGET_NAMES = [
  'node-http-es256',
  'oidc-provider',
  'gatehouse-basic',
  'gatehouse-oauth1',
  'gatehouse-verify',
] as const;
type TargetName = (typeof TARGET_NAMES)[number];

/** What the issue asks of Gatehouse's token endpoint, against the peer measured in the same run. */
const GOALS = { minRatio: 4, maxP99Ms: 25, maxRssMb: 250 };
/** Targets whose requests/s are compared with oidc-provider's, and those the goals apply to. */
const COMPARED: readonly TargetName[] = ['node-http-es256', 'gatehouse-basic', 'gatehouse-oauth1'];
const GOAL_TARGETS: readonly TargetName[] = ['gatehouse-basic', 'gatehouse-oauth1'];

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    pause: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    targets: { type: 'string', default: TARGET_NAMES.join(',') },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/token-issuance.json') },
    profile: { type: 'boolean', default: false },
    'gatehouse-node-flags': { type: 'string', default: '' },
    'gatehouse-main': { type: 'string', default: path.join(ROOT, 'packages/server/src/main.ts') },
    'keep-work': { type: 'boolean', default: false },
  },
});
const settings = {
  rounds: positive('rounds'),
  durationSeconds: positive('duration'),
  warmupSeconds: Number(flags.warmup),
  pauseSeconds: Number(flags.pause),
  connections: positive('connections'),
};
const selected = flags.targets.split(',').map((name) => {
  if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown target ${name}`);
  return name as TargetName;
});

function positive(name: 'rounds' | 'duration' | 'connections'): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface Target {
  name: TargetName;
  description: string;
  server: Server;
  /** A fresh autocannon configuration for one run of `durationSeconds`. */
  prepare(durationSeconds: number, expectedRps: number): autocannon.Options;
  /** Requests signed on the fly because the pre-signed pool ran dry (OAuth 1.0 only). */
  signedOnTheFly?: () => number;
}

interface RunResult {
  round: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  requests2xx: number;
  non2xx: number;
  errors: number;
  serverMaxRssMb: number;
  serverCpuCores: number;
  loadGeneratorCpuCores: number;
  /** Busy CPU of everything else on the machine during the run: other work skews the figures when it is high. */
  otherCpuCores: number;
  signedOnTheFly?: number;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bench-'));
  const servers: Server[] = [];
  try {
    log(`Work directory ${work}`);
    const gatehouse = await startGatehouse(work, flags.profile ? path.join(ROOT, 'bench/results/profiles') : undefined);
    servers.push(gatehouse);
    const credentials = await setUpGatehouse(gatehouse.url);
    const peerClient = { id: 'bench-client', secret: 'bench-secret-0123456789abcdefghijklmnopqrstuv' };
    const peer = await startPeer(
      'oidc-provider',
      'bench/servers/oidc-provider.ts',
      '/.well-known/openid-configuration',
      work,
      peerClient,
    );
    servers.push(peer);
    const reference = await startPeer('node-http-es256', 'bench/servers/node-http-es256.ts', '/', work, peerClient);
    servers.push(reference);

    const targets = createTargets(gatehouse, peer, reference, credentials, peerClient).filter((target) =>
      selected.includes(target.name),
    );
    const samples = await sanityCheck(targets);
    const sampler = setInterval(() => {
      for (const server of servers)
        server.maxRssBytes = Math.max(server.maxRssBytes, residentSetBytes(server.pid) ?? 0);
    }, 100);

    const warmupRps = new Map<TargetName, number>();
    if (settings.warmupSeconds > 0) {
      for (const target of targets) {
        const result = await load(target.prepare(settings.warmupSeconds, 20_000));
        warmupRps.set(target.name, result['2xx'] / result.duration);
        log(`warm-up ${target.name}: ${Math.round(result['2xx'] / result.duration)} req/s`);
        await pause();
      }
    }

    const runs = new Map<TargetName, RunResult[]>(targets.map((target) => [target.name, []]));
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const target of order) {
        const run = await measure(target, round, warmupRps.get(target.name) ?? 20_000);
        runs.get(target.name)?.push(run);
        log(
          `round ${round} ${target.name}: ${Math.round(run.requestsPerSecond)} req/s, p50 ${run.latencyP50Ms} ms, ` +
            `p99 ${run.latencyP99Ms} ms, RSS ${run.serverMaxRssMb} MB, server CPU ${run.serverCpuCores}, ` +
            `load generator CPU ${run.loadGeneratorCpuCores}, other CPU ${run.otherCpuCores}, ` +
            `non-2xx ${run.non2xx}, errors ${run.errors}`,
        );
        await pause();
      }
    }
    clearInterval(sampler);

    const report = buildReport(targets, runs, samples, servers);
    await mkdir(path.dirname(flags.out), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${markdown(report)}\n\nResults written to ${path.relative(process.cwd(), flags.out)}\n`);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    if (flags['keep-work']) log(`Kept ${work} (server logs and data)`);
    else await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

/** Gatehouse as `npm start` runs it, on SQLite in the work directory, with limits out of the way of the load. */
async function startGatehouse(work: string, profileDir: string | undefined): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    GATEHOUSE_PORT: String(port),
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_PUBLIC_URL: url,
    GATEHOUSE_DATA_DIR: path.join(work, 'gatehouse'),
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_BOOTSTRAP_ORG: 'bench-org',
    GATEHOUSE_BOOTSTRAP_EMAIL: BENCH_ADMIN.email,
    GATEHOUSE_BOOTSTRAP_PASSWORD: BENCH_ADMIN.password,
    // Set-up only signs one user in: cheap hashing keeps start-up short and does not touch the measured paths.
    GATEHOUSE_PASSWORD_HASH_MEMORY_KI_B: '256',
    GATEHOUSE_PASSWORD_HASH_ITERATIONS: '1',
    GATEHOUSE_APP_RATE_LIMIT_PER15_MINUTES: '100000000',
    GATEHOUSE_RATE_LIMIT_IP_PER_MINUTE: '1000000',
    GATEHOUSE_RATE_LIMIT_IDENTITY_PER_MINUTE: '1000000',
  };
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const nodeFlags = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...flags['gatehouse-node-flags'].split(' ').filter((flag) => flag !== ''),
  ];
  return startServer('gatehouse', path.resolve(flags['gatehouse-main']), env, url, '/healthz', work, nodeFlags);
}

const BENCH_ADMIN = { email: 'bench-admin@example.com', password: 'Correct-Horse-Battery-Staple-42' };

/** A server of bench/servers/, configured with one client_secret_basic client. */
async function startPeer(
  name: string,
  script: string,
  readyPath: string,
  work: string,
  client: { id: string; secret: string },
): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { BENCH_PORT: String(port), BENCH_CLIENT_ID: client.id, BENCH_CLIENT_SECRET: client.secret };
  return startServer(name, path.join(ROOT, script), env, url, readyPath, work);
}

interface GatehouseCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  clientId: string;
  /** An app token (client_secret_basic) for the verify target. */
  appToken: string;
}

/** Through the HTTP API: sign the bootstrapped OrgAdmin in, create an app and an access key of it. */
async function setUpGatehouse(url: string): Promise<GatehouseCredentials> {
  const signIn = await json<{ accessToken: string }>(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grantType: 'password', email: BENCH_ADMIN.email, password: BENCH_ADMIN.password }),
  });
  const authorization = `Bearer ${signIn.accessToken}`;
  const app = await json<{ clientId: string }>(`${url}/authentication/v1.1/apps`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Benchmark client', tokenDuration: 3600 }),
  });
  const key = await json<{ accessKeyId: string; accessKeySecret: string }>(
    `${url}/authentication/v1.1/apps/${app.clientId}/accessKeys`,
    { method: 'POST', headers: { authorization } },
  );
  const token = await json<{ access_token: string }>(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key.accessKeyId}:${key.accessKeySecret}`).toString('base64')}`,
      'content-type': FORM,
    },
    body: GRANT_BODY,
  });
  return { ...key, clientId: app.clientId, appToken: token.access_token };
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

const FORM = 'application/x-www-form-urlencoded';
const GRANT_BODY = 'grant_type=client_credentials';

function createTargets(
  gatehouse: Server,
  peer: Server,
  reference: Server,
  credentials: GatehouseCredentials,
  peerClient: { id: string; secret: string },
): Target[] {
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const tokenUrl = `${gatehouse.url}/oauth2/token`;
  let onTheFly = 0;

  return [
    {
      name: 'node-http-es256',
      description:
        'Ceiling: bare node:http, Basic header compared as a string, one ES256 JWT signed on the thread pool',
      server: reference,
      prepare: (duration) => ({
        url: `${reference.url}/token`,
        method: 'POST',
        headers: { authorization: basic(peerClient.id, peerClient.secret), 'content-type': FORM },
        body: GRANT_BODY,
        connections: settings.connections,
        duration,
      }),
    },
    {
      name: 'oidc-provider',
      description: 'node-oidc-provider POST /token: client_credentials, client_secret_basic, ES256 JWT',
      server: peer,
      prepare: (duration) => ({
        url: `${peer.url}/token`,
        method: 'POST',
        headers: { authorization: basic(peerClient.id, peerClient.secret), 'content-type': FORM },
        body: GRANT_BODY,
        connections: settings.connections,
        duration,
      }),
    },
    {
      name: 'gatehouse-basic',
      description: 'Gatehouse POST /oauth2/token: client_credentials, client_secret_basic, ES256 JWT',
      server: gatehouse,
      prepare: (duration) => ({
        url: tokenUrl,
        method: 'POST',
        headers: {
          authorization: basic(credentials.accessKeyId, credentials.accessKeySecret),
          'content-type': FORM,
        },
        body: GRANT_BODY,
        connections: settings.connections,
        duration,
      }),
    },
    {
      name: 'gatehouse-oauth1',
      description:
        'Gatehouse POST /oauth2/token: client_credentials, OAuth 1.0 HMAC-SHA256 signature (fresh nonce and ' +
        'timestamp per request, form body signed), ES256 JWT',
      server: gatehouse,
      prepare(duration, expectedRps) {
        // Pre-signed so that HMAC work in this process does not compete with the server; 1.5x the expected need.
        const size = Math.ceil(expectedRps * duration * 1.5) + settings.connections * 10;
        const pool: string[] = new Array(size);
        const now = Date.now();
        for (let index = 0; index < size; index++) {
          pool[index] = oauth1Header(credentials, 'POST', tokenUrl, [['grant_type', 'client_credentials']], now);
        }
        let next = 0;
        onTheFly = 0;
        return {
          url: tokenUrl,
          connections: settings.connections,
          duration,
          requests: [
            {
              method: 'POST',
              headers: { 'content-type': FORM },
              body: GRANT_BODY,
              setupRequest(request) {
                let authorization = pool[next++];
                if (authorization === undefined) {
                  onTheFly++;
                  authorization = oauth1Header(credentials, 'POST', tokenUrl, [['grant_type', 'client_credentials']]);
                }
                return { ...request, headers: { ...request.headers, authorization } };
              },
            },
          ],
        };
      },
      signedOnTheFly: () => onTheFly,
    },
    {
      name: 'gatehouse-verify',
      description: 'Gatehouse POST /verify/accessToken: a valid app token as bearer and in the JSON body (HERE SDKs)',
      server: gatehouse,
      prepare: (duration) => ({
        url: `${gatehouse.url}/verify/accessToken`,
        method: 'POST',
        headers: { authorization: `Bearer ${credentials.appToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token: credentials.appToken }),
        connections: settings.connections,
        duration,
      }),
    },
  ];
}

/** One request per target before any load: every target answers 200 with an ES256 JWT or an active verdict. */
async function sanityCheck(targets: Target[]): Promise<Record<string, unknown>> {
  const samples: Record<string, unknown> = {};
  for (const target of targets) {
    if (target.name === 'gatehouse-verify') continue;
    const options = target.prepare(1, 1);
    const request = options.requests?.[0];
    const prepared =
      request?.setupRequest && typeof request.setupRequest === 'function'
        ? request.setupRequest({ ...request }, {})
        : { headers: options.headers, body: options.body, method: options.method };
    const response = await fetch(options.url, {
      method: prepared.method ?? 'POST',
      headers: prepared.headers as Record<string, string>,
      body: prepared.body as string,
    });
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      throw new Error(`${target.name} answered ${response.status}: ${JSON.stringify(body)}`);
    }
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(decode(part)) as unknown);
    if ((header as { alg?: string }).alg !== 'ES256') throw new Error(`${target.name} did not sign with ES256`);
    samples[target.name] = { status: response.status, jwtHeader: header, jwtClaims: payload };
  }
  const verify = targets.find((target) => target.name === 'gatehouse-verify');
  if (verify) {
    const options = verify.prepare(1, 1);
    const response = await fetch(options.url, {
      method: 'POST',
      headers: options.headers as Record<string, string>,
      body: options.body as string,
    });
    const body = (await response.json()) as { active?: boolean };
    if (response.status !== 200 || body.active !== true) {
      throw new Error(`gatehouse-verify answered ${response.status}: ${JSON.stringify(body)}`);
    }
    samples[verify.name] = { status: response.status, body };
  }
  return samples;
}

function decode(part: string | undefined): string {
  return Buffer.from(part ?? '', 'base64url').toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// Load

async function measure(target: Target, round: number, expectedRps: number): Promise<RunResult> {
  const options = target.prepare(settings.durationSeconds, expectedRps);
  const monitor = monitorProcess(target.server.pid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load(options);
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sample: ProcessSample = monitor.stop();
  target.server.maxRssBytes = Math.max(target.server.maxRssBytes, sample.maxRssBytes);
  const signedOnTheFly = target.signedOnTheFly?.();
  const loadGeneratorCpuCores = (cpu.user + cpu.system) / 1e6 / wall;
  return {
    round,
    requestsPerSecond: round1(result['2xx'] / result.duration),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    requests2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    serverMaxRssMb: megabytes(sample.maxRssBytes),
    serverCpuCores: round2(sample.cpuCores),
    loadGeneratorCpuCores: round2(loadGeneratorCpuCores),
    otherCpuCores: round2(Math.max(0, sample.machineCpuCores - sample.cpuCores - loadGeneratorCpuCores)),
    ...(signedOnTheFly !== undefined ? { signedOnTheFly } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

interface TargetSummary {
  name: TargetName;
  description: string;
  medianRequestsPerSecond: number;
  medianLatencyP50Ms: number;
  medianLatencyP99Ms: number;
  worstLatencyP99Ms: number;
  maxRssMb: number;
  medianServerCpuCores: number;
  medianLoadGeneratorCpuCores: number;
  /** Median requests/s over oidc-provider's median requests/s (issuance targets). */
  ratioToOidcProvider?: number;
  /** The ratio of each round, measured back to back with the peer. */
  roundRatiosToOidcProvider?: number[];
  failedRequests: number;
  runs: RunResult[];
}

function buildReport(
  targets: Target[],
  runs: Map<TargetName, RunResult[]>,
  samples: Record<string, unknown>,
  servers: Server[],
) {
  const peerRuns = runs.get('oidc-provider') ?? [];
  const peerMedian = peerRuns.length > 0 ? median(peerRuns.map((run) => run.requestsPerSecond)) : undefined;
  const summaries: TargetSummary[] = targets.map((target) => {
    const list = runs.get(target.name) ?? [];
    const rps = median(list.map((run) => run.requestsPerSecond));
    const issuance = COMPARED.includes(target.name);
    return {
      name: target.name,
      description: target.description,
      medianRequestsPerSecond: round1(rps),
      medianLatencyP50Ms: median(list.map((run) => run.latencyP50Ms)),
      medianLatencyP99Ms: median(list.map((run) => run.latencyP99Ms)),
      worstLatencyP99Ms: Math.max(...list.map((run) => run.latencyP99Ms)),
      maxRssMb: Math.max(...list.map((run) => run.serverMaxRssMb)),
      medianServerCpuCores: median(list.map((run) => run.serverCpuCores)),
      medianLoadGeneratorCpuCores: median(list.map((run) => run.loadGeneratorCpuCores)),
      ...(issuance && peerMedian
        ? {
            ratioToOidcProvider: round2(rps / peerMedian),
            roundRatiosToOidcProvider: list.map((run) =>
              round2(
                run.requestsPerSecond / (peerRuns.find((peer) => peer.round === run.round)?.requestsPerSecond ?? 1),
              ),
            ),
          }
        : {}),
      failedRequests: list.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
      runs: list,
    };
  });
  const issuance = summaries.filter((summary) => GOAL_TARGETS.includes(summary.name));
  const gatehouseServer = servers.find((server) => server.name === 'gatehouse');
  const gatehouseMaxRssMb = gatehouseServer ? megabytes(gatehouseServer.maxRssBytes) : undefined;
  return {
    benchmark: 'token-issuance',
    generatedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round1(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    versions: {
      gatehouse: packageVersion('packages/server'),
      oidcProvider: packageVersion('node_modules/oidc-provider'),
      autocannon: packageVersion('node_modules/autocannon'),
    },
    settings: {
      ...settings,
      oauth1Signing:
        'pre-signed pool per measured run (1.5x the warm-up rate), one header per request via setupRequest; ' +
        'signed on the fly only if the pool runs dry (counted as signedOnTheFly)',
      gatehouse: 'SQLite in a temporary directory, logLevel warn, rate limits raised out of the way',
      gatehouseMain: path.relative(ROOT, path.resolve(flags['gatehouse-main'])),
      oidcProvider: 'in-memory adapter, resource indicators with accessTokenFormat jwt, ES256 key',
    },
    goals: {
      ...GOALS,
      met: {
        ratio: issuance.length > 0 && issuance.every((summary) => (summary.ratioToOidcProvider ?? 0) >= GOALS.minRatio),
        p99: issuance.length > 0 && issuance.every((summary) => summary.worstLatencyP99Ms <= GOALS.maxP99Ms),
        rss: gatehouseMaxRssMb !== undefined && gatehouseMaxRssMb <= GOALS.maxRssMb,
      },
    },
    serverMaxRssMbWholeRun: Object.fromEntries(servers.map((server) => [server.name, megabytes(server.maxRssBytes)])),
    samples,
    targets: summaries,
  };
}

function markdown(report: ReturnType<typeof buildReport>): string {
  const lines = [
    `Token issuance, ${report.settings.connections} connections, ${report.settings.rounds} rounds of ` +
      `${report.settings.durationSeconds} s (medians across rounds; ${report.machine.cpus} cores, Node ` +
      `${report.machine.node}, oidc-provider ${report.versions.oidcProvider})`,
    '',
    '| Target | req/s | vs oidc-provider | p50 ms | p99 ms (worst) | max RSS MB | server CPU cores | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const target of report.targets) {
    const rounds = target.roundRatiosToOidcProvider?.map((ratio) => ratio.toFixed(2)).join(', ');
    const ratio =
      target.ratioToOidcProvider !== undefined
        ? `${target.ratioToOidcProvider.toFixed(2)}x (${rounds})`
        : target.name === 'oidc-provider'
          ? '1.00x'
          : '';
    lines.push(
      `| ${target.name} | ${Math.round(target.medianRequestsPerSecond)} | ${ratio} | ${target.medianLatencyP50Ms} | ` +
        `${target.medianLatencyP99Ms} (${target.worstLatencyP99Ms}) | ${target.maxRssMb} | ` +
        `${target.medianServerCpuCores} | ${target.failedRequests} |`,
    );
  }
  const met = report.goals.met;
  lines.push(
    '',
    `Goals: >= ${GOALS.minRatio}x oidc-provider: ${met.ratio ? 'met' : 'NOT met'}; p99 <= ${GOALS.maxP99Ms} ms: ` +
      `${met.p99 ? 'met' : 'NOT met'}; Gatehouse RSS <= ${GOALS.maxRssMb} MB (whole run: ` +
      `${report.serverMaxRssMbWholeRun.gatehouse} MB): ${met.rss ? 'met' : 'NOT met'}.`,
  );
  return lines.join('\n');
}

const pause = () => sleep(settings.pauseSeconds * 1000);

await main();
