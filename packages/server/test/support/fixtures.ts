import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiClient } from './http-client.js';

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
/** A password that passes the rules: long and random. */
export const strongPassword = () => `Gh-${randomBytes(12).toString('base64url')}`;
export const uniqueRealm = (prefix = 'org') => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface Account {
  email: string;
  password: string;
  userId: string;
  realm: string;
}

export interface SignedIn extends Account {
  accessToken: string;
  refreshToken: string;
}

/** Signs up a new organization; its first user is OrgAdmin. */
export async function signUpOrganization(
  api: ApiClient,
  overrides: { email?: string; password?: string; realm?: string; firstname?: string; lastname?: string } = {},
): Promise<Account> {
  const email = overrides.email ?? uniqueEmail('admin');
  const password = overrides.password ?? strongPassword();
  const response = await api.post('/user', {
    email,
    password,
    firstname: overrides.firstname ?? 'Ada',
    lastname: overrides.lastname ?? 'Lovelace',
    realm: overrides.realm ?? uniqueRealm(),
  });
  expect(response.status, response.text).toBe(201);
  return { email, password, userId: response.body.userId, realm: response.body.realm };
}

export async function signIn(api: ApiClient, account: { email: string; password: string; realm?: string }) {
  const response = await api.post('/oauth2/token', {
    grantType: 'password',
    email: account.email,
    password: account.password,
    ...(account.realm ? { realm: account.realm } : {}),
  });
  expect(response.status, response.text).toBe(200);
  return response.body as { accessToken: string; refreshToken: string; expiresIn: number; userId: string };
}

export async function signUpAndSignIn(api: ApiClient, overrides?: Parameters<typeof signUpOrganization>[1]) {
  const account = await signUpOrganization(api, overrides);
  const tokens = await signIn(api, account);
  return { ...account, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } satisfies SignedIn;
}

/** HERE's error body, asserted field by field. */
export function expectError(
  response: { status: number; body: unknown; text: string },
  status: number,
  errorCode: number,
) {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toMatchObject({ httpStatus: status, errorCode, message: expect.any(String) });
  expect((response.body as { errorId: string }).errorId).toMatch(/^ERROR-[0-9a-f-]{36}$/);
  expect(response.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/); // never a stack trace
}
