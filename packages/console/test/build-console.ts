import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');

function newestSource(): number {
  const sources = ['index.html', 'vite.config.ts', 'package.json'].map((file) => path.join(root, file));
  for (const entry of readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) sources.push(path.join(entry.parentPath, entry.name));
  }
  return Math.max(...sources.map((file) => statSync(file).mtimeMs));
}

/**
 * Vitest global set-up: the server serves packages/console/dist, so a fresh clone (or changed console sources) gets
 * a build before any test starts a server. An up-to-date build is left alone.
 */
export default async function buildConsoleIfStale(): Promise<void> {
  const index = path.join(root, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
