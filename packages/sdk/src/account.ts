import { SetupResponse, TokenResponse } from '@gatehouse/contracts';
import { GatehouseError } from './errors.js';
import { HttpTransport, type TransportOptions } from './transport.js';

/**
 * Calls that need no token: completing a new server's set-up and signing a user in with a password.
 */

/** `POST /setup`: the first organization and its OrgAdmin, with the token of the one-time set-up link. */
export async function completeSetup(
  baseUrl: string,
  request: {
    token: string;
    realm: string;
    organizationName: string;
    email: string;
    password: string;
    firstname: string;
    lastname: string;
  },
  options: TransportOptions = {},
) {
  const response = await new HttpTransport(options).send({ method: 'POST', url: `${baseUrl}/setup`, json: request });
  return parseAnswer(SetupResponse, response, '/setup');
}

/** The password grant of `POST /oauth2/token`: a user's access and refresh tokens. */
export async function signInWithPassword(
  baseUrl: string,
  account: { email: string; password: string; realm?: string },
  options: TransportOptions = {},
) {
  const response = await new HttpTransport(options).send({
    method: 'POST',
    url: `${baseUrl}/oauth2/token`,
    json: { grantType: 'password', ...account },
  });
  return parseAnswer(TokenResponse, response, '/oauth2/token');
}

function parseAnswer<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  response: { status: number; body: unknown },
  path: string,
): T {
  const parsed = schema.safeParse(response.body);
  if (!parsed.success)
    throw new GatehouseError({ httpStatus: response.status, message: `${path} answered outside its contract.` });
  return parsed.data;
}
