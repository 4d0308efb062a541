import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** Helpers shared by the benchmarks: child-process servers, load runs, statistics and logging. */

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A server running as a child process (`node --import tsx <script>`), so its RSS and CPU time are its own. */
export interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  pid: number;
  /** Largest RSS sampled over the whole benchmark (warm-up included), in bytes. */
  maxRssBytes: number;
  stop(): Promise<void>;
}

/** Spawns a server script with `env` and waits until `url` + `readyPath` answers; its output goes to `<work>/<name>.log`. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  url: string,
  readyPath: string,
  work: string,
  nodeFlags: string[] = [],
): Promise<Server> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GATEHOUSE_')));
  const logFile = path.join(work, `${name}.log`);
  const output = createWriteStream(logFile);
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: Server = {
    name,
    url,
    process: child,
    pid,
    maxRssBytes: 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${readFileSync(logFile, 'utf8')}`);
    try {
      await fetch(`${url}${readyPath}`);
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not become ready:\n${readFileSync(logFile, 'utf8')}`);
    }
    await sleep(200);
  }
  log(`${name} listening on ${url} (pid ${pid})`);
  return server;
}

/** One autocannon run. */
export function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error: unknown, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function json<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function packageVersion(folder: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, folder, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;
export const megabytes = (bytes: number) => round1(bytes / 2 ** 20);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
