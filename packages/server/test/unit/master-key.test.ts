import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMasterKey } from '../../src/crypto/master-key.js';

describe('loadMasterKey', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-master-key-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('generates a 32-byte key in a new 0600 file on first use, and reuses it', () => {
    const dataDir = path.join(directory, 'data', 'nested');
    const file = path.join(dataDir, 'master.key');
    const first = loadMasterKey(undefined, dataDir);
    expect(first.generatedAt).toBe(file);
    expect(first.key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64url'));

    const second = loadMasterKey(undefined, dataDir);
    expect(second.generatedAt).toBeUndefined();
    expect(second.key.equals(first.key)).toBe(true);

    const elsewhere = loadMasterKey(undefined, path.join(directory, 'other'));
    expect(elsewhere.key.equals(first.key)).toBe(false);
  });

  it('refuses a key file that the group or others can read', () => {
    loadMasterKey(undefined, directory);
    const file = path.join(directory, 'master.key');
    chmodSync(file, 0o640);
    expect(() => loadMasterKey(undefined, directory)).toThrow(/readable by other users/);
    chmodSync(file, 0o604);
    expect(() => loadMasterKey(undefined, directory)).toThrow(/readable by other users/);
    chmodSync(file, 0o400);
    expect(loadMasterKey(undefined, directory).key).toHaveLength(32);
  });

  it('refuses a key file that does not hold a 32-byte base64url key', () => {
    const file = path.join(directory, 'master.key');
    writeFileSync(file, 'too-short\n', { mode: 0o600 });
    expect(() => loadMasterKey(undefined, directory)).toThrow(/does not hold a 32-byte base64url key/);
  });

  it('uses a configured key without touching the data directory', () => {
    const configured = randomBytes(32);
    const dataDir = path.join(directory, 'unused');
    const loaded = loadMasterKey(configured.toString('base64url'), dataDir);
    expect(loaded.key.equals(configured)).toBe(true);
    expect(loaded.generatedAt).toBeUndefined();
    expect(() => statSync(dataDir)).toThrow();
  });
});
