import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build -w @gatehouse/console` writes the console (root `prestart` and the test set-up run it). */
const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));
export const CONSOLE_PATH = '/console';

/**
 * The console is a client of the public API like any other: it loads its own scripts and styles and talks to this
 * server only. Styles set through React's `style` prop use the CSSOM, which `style-src 'self'` allows.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  body: Buffer;
  type: string;
  /** Vite names what it writes under assets/ by content hash: such a file never changes. */
  immutable: boolean;
}

function readBuild(directory: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(directory, absolute).split(path.sep).join('/');
    const type = TYPES[path.extname(entry.name)];
    if (!type) continue;
    files.set(relative, { body: readFileSync(absolute), type, immutable: relative.startsWith('assets/') });
  }
  return files;
}

function sendPage(reply: FastifyReply, html: Buffer | string, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-cache')
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .send(html);
}

/**
 * Serves the built console under `/console/`: its hashed assets with a year-long cache, and `index.html` for every
 * other path so that the single-page app's own routes (`/console/apps`, …) survive a reload. A missing build is
 * answered with a page that says how to build it.
 */
export function registerConsole(app: FastifyInstance, directory = CONSOLE_DIST): void {
  const files = existsSync(path.join(directory, 'index.html')) ? readBuild(directory) : undefined;
  const index = files?.get('index.html');

  async function serve(relativePath: string, reply: FastifyReply) {
    if (!files || !index) {
      return sendPage(
        reply,
        '<!doctype html><title>Console not built</title><p>The console is not built. Run ' +
          '<code>npm run build -w @gatehouse/console</code> (or <code>npm start</code>, which builds it).</p>',
        503,
      );
    }
    const file = files.get(relativePath);
    if (file && relativePath !== 'index.html') {
      return reply
        .type(file.type)
        .header('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .send(file.body);
    }
    // A missing asset is a 404, not the page: a browser must not run HTML as a script.
    if (relativePath.startsWith('assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return sendPage(reply, index.body);
  }

  app.get(CONSOLE_PATH, async (_request, reply) => serve('', reply));
  app.get<{ Params: { '*': string } }>(`${CONSOLE_PATH}/*`, async (request, reply) =>
    serve(request.params['*'], reply),
  );
}
