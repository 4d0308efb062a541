import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The master key from the configuration, or from `<dataDir>/master.key`, generated (mode 0600) on first start.
 * Refuses a key file that others can read.
 */
export function loadMasterKey(configured: string | undefined, dataDir: string): { key: Buffer; generatedAt?: string } {
  if (configured !== undefined) return { key: Buffer.from(configured, 'base64url') };
  const file = path.resolve(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return { key: readKeyFile(file), generatedAt: file };
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users; run chmod 600 ${file}.`);
  }
  return { key: readKeyFile(file) };
}

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) throw new Error(`${file} does not hold a 32-byte base64url key.`);
  return Buffer.from(text, 'base64url');
}
