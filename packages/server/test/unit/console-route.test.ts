import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsole } from '../../src/web/console.js';

/** The console route over a small build of its own: what it serves, how long browsers may keep it. */
describe('the console route', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'gatehouse-console-'));
    await mkdir(path.join(directory, 'assets'));
    await writeFile(path.join(directory, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(directory, 'assets', 'index-abc123.css'), 'body{}');
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  async function serverOver(build: string) {
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    registerConsole(app, build);
    await app.ready();
    return app;
  }

  it('answers index.html with a strict CSP for every page of the app, never cached stale', async () => {
    const app = await serverOver(directory);
    for (const url of [
      '/console',
      '/console/',
      '/console/apps',
      '/console/apps/hrn%3Ahere%3Aaccount%3A%3Ax%3Aapp%2Fy',
    ]) {
      const answer = await app.inject(url);
      expect(answer.statusCode, url).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets for a year, and a missing asset as 404, not as the page', async () => {
    const app = await serverOver(directory);
    const script = await app.inject('/console/assets/index-abc123.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject('/console/assets/index-abc123.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    const missing = await app.inject('/console/assets/index-gone.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).not.toContain('html');
  });

  it('says how to build the console when there is no build', async () => {
    const app = await serverOver(path.join(directory, 'nowhere'));
    const answer = await app.inject('/console/sign-in');
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain('npm run build -w @gatehouse/console');
  });
});
