import { z } from 'zod';
import { Email, RealmId, UserId } from './common.js';
import { Password } from './users.js';

/** Requested token lifetime in seconds; 0 means the default, larger than the maximum is capped (spec §1.4). */
export const ExpiresIn = z.coerce.number().int().min(0).max(2_147_483_647);

/**
 * `POST /oauth2/token` request, in its JSON (camelCase) form. Form requests (snake_case) are mapped onto these names
 * before validation; the answer uses the casing of the request.
 */
export const PasswordGrantRequest = z.object({
  grantType: z.literal('password'),
  email: Email,
  password: Password,
  realm: RealmId.optional(),
  expiresIn: ExpiresIn.optional(),
  /** One project HRN: the user's access token is scoped to it (the user must be a member). */
  scope: z.string().max(2048).optional(),
});

export const RefreshTokenGrantRequest = z.object({
  grantType: z.literal('refresh_token'),
  refreshToken: z.string().min(1).max(512),
  /** The C++ SDK sends the previous access token too; when present it must be one of ours for the same user. */
  accessToken: z.string().min(1).max(8192).optional(),
  expiresIn: ExpiresIn.optional(),
  /** Another project HRN for the session's tokens; absent keeps the session's scope. */
  scope: z.string().max(2048).optional(),
});

export const ClientCredentialsGrantRequest = z.object({
  grantType: z.literal('client_credentials'),
  expiresIn: ExpiresIn.optional(),
  scope: z.string().max(2048).optional(),
  clientId: z.string().max(256).optional(),
  clientSecret: z.string().max(512).optional(),
});

export const GrantType = z.enum(['password', 'refresh_token', 'client_credentials']);

/** JSON answer (spec §1.5); form requests get the same fields in snake_case. */
export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('bearer'),
  expiresIn: z.number().int(),
  refreshToken: z.string().optional(),
  userId: UserId.optional(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const TokenResponseForm = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string().optional(),
  user_id: UserId.optional(),
  scope: z.string().optional(),
});

/** `GET /timestamp` (spec §1.8). */
export const TimestampResponse = z.object({ timestamp: z.number().int() });
