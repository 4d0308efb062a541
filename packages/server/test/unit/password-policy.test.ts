import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/users/password-policy.js';

const codes = (password: string, context = {}, minLength = 8) =>
  checkPassword(password, minLength, context).map((error) => error.errorCode);

describe('checkPassword', () => {
  it('rejects a password shorter than the minimum with 400206, counting characters, not UTF-16 units', () => {
    expect(checkPassword('Xk9#mQ2', 8)).toEqual([
      { name: 'password', errorCode: 400206, message: 'Password must be at least 8 characters long.' },
    ]);
    expect(checkPassword('short', 12, {}, 'newPassword')).toEqual([
      { name: 'newPassword', errorCode: 400206, message: 'Password must be at least 12 characters long.' },
    ]);
    // Eight emoji are sixteen UTF-16 units but eight characters.
    expect(codes('🦊🐙🦉🐢🦀🐝🦋🐬', {}, 9)).toEqual([400206]);
    expect(codes('Xk9#mQ2v')).toEqual([]);
  });

  it('rejects common passwords with 400205, in any letter case', () => {
    for (const password of ['password', 'Password', 'PASSWORD', 'iloveyou', 'qwerty123', 'trustno1', 'sunshine']) {
      expect(checkPassword(password, 8)).toEqual([
        { name: 'password', errorCode: 400205, message: 'Black listed password.' },
      ]);
    }
  });

  it('rejects a common password with digits or symbols appended', () => {
    for (const password of [
      'password2024!',
      'Password123!',
      'Monkey2023#',
      'letmein2024!!',
      'dragon!!',
      'sunshine_99',
    ]) {
      expect(codes(password)).toEqual([400205]);
    }
  });

  it('rejects short units repeated and common passwords doubled', () => {
    for (const password of ['abcabcabcabc', 'aaaaaaaaaaaa', '12121212121212', 'Ab1!Ab1!Ab1!', 'monkeymonkey']) {
      expect(codes(password)).toEqual([400205]);
    }
  });

  it("rejects passwords built on the account's email name, orgId or names", () => {
    expect(codes('Jane.Doe2024', { email: 'jane.doe@example.com' })).toEqual([400205]);
    expect(codes('JaneDoe!', { email: 'Jane.Doe@example.com' })).toEqual([400205]);
    expect(codes('acme-corp-1', { realm: 'acme-corp' })).toEqual([400205]);
    expect(codes('Lovelace99', { lastname: 'Lovelace' })).toEqual([400205]);
    expect(codes('Ottoline1815', { firstname: 'ottoline' })).toEqual([400205]);
    // Without the context the same passwords are acceptable.
    expect(codes('Jane.Doe2024')).toEqual([]);
    expect(codes('Ottoline1815')).toEqual([]);
  });

  it('accepts strong passwords', () => {
    expect(checkPassword('Xk9#mQ2vLp7!wR4z', 12, { email: 'jane.doe@example.com', realm: 'acme' })).toEqual([]);
    expect(codes('correct horse battery staple')).toEqual([]);
    expect(codes('ünïcødé-Pässwört')).toEqual([]);
    for (let round = 0; round < 20; round++) {
      expect(codes(randomBytes(12).toString('base64url'), { email: 'jane.doe@example.com' }, 12)).toEqual([]);
    }
  });
});
