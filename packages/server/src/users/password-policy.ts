import type { FieldError } from '@gatehouse/contracts';
import { dictionary } from '@zxcvbn-ts/language-common';
import { fieldError } from '../errors/app-error.js';

/** About 49,000 of the most common passwords (zxcvbn-ts common list), lower-cased. */
const commonPasswords: ReadonlySet<string> = new Set(
  (dictionary['passwords-common'] as readonly string[]).map((word) => word.toLowerCase()),
);

export interface PasswordContext {
  email?: string;
  realm?: string;
  firstname?: string;
  lastname?: string;
}

/**
 * Checks a new password: at least `minLength` characters and not blacklisted (HERE 400205). Blacklisted means a
 * common password, a common password with a short run of digits or symbols appended (`password2024!`), a short unit
 * repeated (`abcabcabcabc`), or a password built on the account's own email name, orgId or names.
 *
 * @returns the field errors for `fieldName`, empty when the password is acceptable.
 */
export function checkPassword(
  password: string,
  minLength: number,
  context: PasswordContext = {},
  fieldName = 'password',
): FieldError[] {
  if ([...password].length < minLength) return [fieldError(fieldName, 'passwordTooShort', { minimum: minLength })];
  return isBlacklisted(password, context) ? [fieldError(fieldName, 'blacklistedPassword')] : [];
}

function isBlacklisted(password: string, context: PasswordContext): boolean {
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) return true;

  const stem = lowered.replace(/[\d\W_]{1,6}$/u, '');
  if (stem !== lowered && stem.length >= 4 && commonPasswords.has(stem)) return true;

  if (/^(.{1,4})\1+$/su.test(lowered)) return true;
  const half = lowered.slice(0, lowered.length / 2);
  if (lowered.length % 2 === 0 && half.repeat(2) === lowered && commonPasswords.has(half)) return true;

  const personal = [context.email?.split('@')[0], context.realm, context.firstname, context.lastname]
    .map((word) => word?.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((word): word is string => word !== undefined && word.length >= 4);
  const compact = lowered.replace(/[^\p{L}\p{N}]/gu, '');
  return personal.some((word) => compact === word || compact.replace(/\d+$/u, '') === word);
}
