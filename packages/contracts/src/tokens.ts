import { z } from 'zod';

/** `POST /verify/accessToken` (spec §1.9): the token in the body, or the bearer token when absent. */
export const VerifyAccessTokenRequest = z.object({ token: z.string().min(1).max(8192).optional() });

export const VerifyAccessTokenResponse = z.object({
  active: z.literal(true),
  tokenType: z.enum(['user', 'app']),
  sub: z.string(),
  realm: z.string(),
  userId: z.string().optional(),
  clientId: z.string().optional(),
  scope: z.string().optional(),
  /** Epoch seconds. */
  expiresAt: z.number().int(),
});

/** RFC 7662 §2.1 (form or JSON). */
export const IntrospectionRequest = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.enum(['access_token', 'refresh_token']).optional(),
});

/** RFC 7662 §2.2; `active: false` says nothing else. */
export const IntrospectionResponse = z.object({
  active: z.boolean(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  token_type: z.string().optional(),
  exp: z.number().int().optional(),
  iat: z.number().int().optional(),
  sub: z.string().optional(),
  aud: z.string().optional(),
  iss: z.string().optional(),
  jti: z.string().optional(),
  realm: z.string().optional(),
});

/** RFC 7009 §2.1. */
export const RevocationRequest = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.enum(['access_token', 'refresh_token']).optional(),
});
