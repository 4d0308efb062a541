import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';

/** What a route requires of the caller: nothing, a user token, or a user or app token. */
export type AuthMode = 'none' | 'user' | 'identity';

export type BodyFormat = 'json' | 'form';

type Responses = Record<number, z.ZodType>;

/** The answer of a handler: one of the statuses the route declares, with a body of that status' schema. */
export type RouteResult<R extends Responses> = {
  [S in keyof R & number]: { status: S; body: z.input<R[S]>; headers?: Record<string, string> };
}[keyof R & number];

export interface RouteContext<P, Q, B, A extends AuthMode> {
  params: P;
  query: Q;
  body: B;
  /** Present for authenticated routes. */
  principal: A extends 'none' ? undefined : Principal;
  /** How the body arrived: JSON or form (the token endpoint answers in the matching casing). */
  bodyFormat: BodyFormat | undefined;
  ip: string;
  correlationId: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Per-minute rate limits of a route, checked after the input is validated and before the handler does any work
 * (in particular before any password is hashed). Defaults come from the configuration.
 */
export interface RateLimitRule<B> {
  /** Name of the bucket; routes sharing a bucket share the counters. */
  bucket: string;
  /** Requests per minute per client IP; `true` for the configured default. */
  perIp?: number | true;
  /** The target identity (usually an email address) and its per-minute limit (`true` for the default). */
  perIdentity?: { key: (body: B) => string | undefined; limit: number | true };
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends Responses = Responses,
  A extends AuthMode = AuthMode,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: A;
  /** Rejects project-scoped tokens, as HERE does for most management APIs. */
  unscopedOnly?: boolean;
  /** Rejects tokens without a project scope (HERE's project-scoped-only APIs such as `/realm/resources`). */
  scopedOnly?: boolean;
  /** Accepts the token of a user who deactivated their own account: deleting it is the next step (FAQ). */
  allowSelfDeactivated?: boolean;
  /** Accepts `?apiKey=` (and the deprecated `?app_id=&app_code=`) where HERE does. */
  acceptApiKey?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Body encodings accepted; JSON by default. */
  bodyFormats?: readonly BodyFormat[];
  /** Maps the raw body before validation, e.g. snake_case form fields onto the JSON names. */
  normalizeBody?: (body: unknown, format: BodyFormat | undefined) => unknown;
  rateLimit?: RateLimitRule<z.output<B>>;
  /** Adds `error`/`error_description` (RFC 6749 §5.2) to error answers. */
  oauthErrors?: boolean;
  responses: R;
  handler: (
    context: RouteContext<z.output<P>, z.output<Q>, z.output<B>, A>,
  ) => Promise<RouteResult<R>> | RouteResult<R>;
}

/** Identity function that keeps the route's types; routes are plain data until registered. */
export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends Responses = Responses,
  A extends AuthMode = AuthMode,
>(definition: RouteDefinition<P, Q, B, R, A>): RouteDefinition<P, Q, B, R, A> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a route table holds routes of every shape; each was checked by defineRoute.
export type AnyRoute = RouteDefinition<any, any, any, any, any>;

/** Answers with literal statuses, so handlers need no `as const`. */
export const ok = <T>(body: T, headers?: Record<string, string>) => ({
  status: 200 as const,
  body,
  ...(headers ? { headers } : {}),
});
export const created = <T>(body: T) => ({ status: 201 as const, body });
export const accepted = () => ({ status: 202 as const, body: undefined });
export const noContent = () => ({ status: 204 as const, body: undefined });
