import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.js';

const box = new SecretBox(randomBytes(32));

/** Flips one bit of a base64url part of a sealed value. */
function flipBit(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  it('opens what it sealed, for empty, long and non-ASCII secrets', () => {
    for (const secret of ['', 'access-key-secret', 'ünïcødé 🔑', 'x'.repeat(10_000)]) {
      const sealed = box.seal(secret, 'signing-key:kid-1');
      expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
      if (secret !== '') expect(sealed).not.toContain(secret);
      expect(box.open(sealed, 'signing-key:kid-1')).toBe(secret);
    }
  });

  it('seals the same secret differently each time', () => {
    const first = box.seal('secret', 'context');
    const second = box.seal('secret', 'context');
    expect(first).not.toBe(second);
    expect(box.open(first, 'context')).toBe('secret');
    expect(box.open(second, 'context')).toBe('secret');
  });

  it('refuses to open under another context', () => {
    const sealed = box.seal('secret', 'access-key:AK-1');
    expect(() => box.open(sealed, 'access-key:AK-2')).toThrow();
    expect(() => box.open(sealed, '')).toThrow();
  });

  it('refuses to open under another key', () => {
    const sealed = box.seal('secret', 'context');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'context')).toThrow();
  });

  it('refuses altered values: iv, ciphertext or tag changed, tag truncated, parts missing', () => {
    const sealed = box.seal('a secret worth protecting', 'context');
    expect(() => box.open(flipBit(sealed, 1), 'context')).toThrow();
    expect(() => box.open(flipBit(sealed, 2), 'context')).toThrow();
    expect(() => box.open(flipBit(sealed, 3), 'context')).toThrow();
    const [version, iv, ciphertext, tag = ''] = sealed.split('.');
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => box.open([version, iv, ciphertext, shortTag].join('.'), 'context')).toThrow();
    expect(() => box.open([version, iv, ciphertext].join('.'), 'context')).toThrow('Not a sealed value.');
    expect(() => box.open(['v2', iv, ciphertext, tag].join('.'), 'context')).toThrow('Not a sealed value.');
    expect(() => box.open('plain text', 'context')).toThrow('Not a sealed value.');
    expect(box.open(sealed, 'context')).toBe('a secret worth protecting');
  });

  it('needs a 32-byte master key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('The master key must be 32 bytes.');
    expect(() => new SecretBox(Buffer.alloc(0))).toThrow('The master key must be 32 bytes.');
  });
});
