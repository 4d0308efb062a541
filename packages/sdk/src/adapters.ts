import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { GatehouseClient } from './client.js';
import { GatehouseError } from './errors.js';
import { bearerToken, type TokenClaims, TokenVerificationError, type TokenVerifier } from './verifier.js';
import type { DecisionAction } from './wire.js';

/**
 * Request guards for resource servers: the bearer token is verified locally (JWKS), then, when the route names
 * actions, the decision API is asked with the caller's own token. Refusals follow HERE's data-plane shape
 * (spec §3): `401 {"error":"Unauthorized","error_description":…}` with a Bearer challenge, or `403 Forbidden`.
 */
export interface GuardOptions<Request> {
  verifier: TokenVerifier;
  /** Actions the caller must be allowed for this request; none (undefined) means a valid token is enough. */
  require?: (request: Request) => DecisionAction[] | undefined;
  /** Client whose server answers `POST /decision/authorize` (needs only a base URL). */
  decisions?: GatehouseClient;
  serviceId?: string;
}

/** Why a request was refused, ready to be sent. */
export class AccessRefused extends Error {
  override name = 'AccessRefused';
  readonly status: 401 | 403 | 502;
  readonly headers: Record<string, string>;
  readonly body: { error: string; error_description: string };

  constructor(status: 401 | 403 | 502, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.status = status;
    this.headers = headers;
    const error = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Gateway';
    this.body = { error, error_description: description };
  }
}

/** Checks one request: its claims, or an {@link AccessRefused} to send. */
export async function checkRequest<Request>(
  headers: IncomingHttpHeaders,
  request: Request,
  options: GuardOptions<Request>,
): Promise<TokenClaims> {
  const token = bearerToken(headers.authorization);
  if (token === undefined) {
    throw new AccessRefused(401, 'A bearer token is required.', { 'WWW-Authenticate': 'Bearer' });
  }
  let claims: TokenClaims;
  try {
    claims = await options.verifier.verify(token);
  } catch (error) {
    if (!(error instanceof TokenVerificationError)) throw error;
    const description = error.reason === 'expired' ? 'The token has expired.' : 'The token is not valid.';
    throw new AccessRefused(401, description, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
    });
  }
  const actions = options.require?.(request);
  if (actions === undefined || actions.length === 0) return claims;
  if (!options.decisions) throw new TypeError('Route requires actions but the guard has no `decisions` client.');
  try {
    const answer = await options.decisions.authorize(
      { actions, ...(options.serviceId !== undefined ? { serviceId: options.serviceId } : {}) },
      token,
    );
    if (answer.decision === 'allow') return claims;
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    if (error.httpStatus === 401) throw new AccessRefused(401, error.message, { 'WWW-Authenticate': 'Bearer' });
    if (error.httpStatus !== 403) throw new AccessRefused(502, 'The authorization server could not decide.');
  }
  throw new AccessRefused(403, 'These credentials do not authorize access.');
}

function sendRefusal(response: ServerResponse, refusal: AccessRefused): void {
  response.writeHead(refusal.status, { 'Content-Type': 'application/json', ...refusal.headers });
  response.end(JSON.stringify(refusal.body));
}

/** `IncomingMessage` with the verified claims. */
export type AuthenticatedRequest = IncomingMessage & { auth?: TokenClaims };

/**
 * Plain node:http: wraps a handler so that it runs only for accepted requests, with the claims.
 *
 * @example
 * createServer(withGatehouse({ verifier }, (req, res, claims) => res.end(claims.sub)));
 */
export function withGatehouse(
  options: GuardOptions<IncomingMessage>,
  handler: (request: IncomingMessage, response: ServerResponse, claims: TokenClaims) => void | Promise<void>,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async function gatehouseGuard(request, response) {
    let claims: TokenClaims;
    try {
      claims = await checkRequest(request.headers, request, options);
    } catch (error) {
      if (!(error instanceof AccessRefused)) throw error;
      return sendRefusal(response, error);
    }
    await handler(request, response, claims);
  };
}

/**
 * Express-style middleware `(req, res, next)`, typed against node:http so it needs no Express: on success the
 * claims are `req.auth` and `next()` runs; refusals are answered here; other failures go to `next(error)`.
 */
export function gatehouseMiddleware(options: GuardOptions<AuthenticatedRequest>) {
  return function gatehouseMiddleware(
    request: AuthenticatedRequest,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): void {
    checkRequest(request.headers, request, options).then(
      (claims) => {
        request.auth = claims;
        next();
      },
      (error: unknown) => (error instanceof AccessRefused ? sendRefusal(response, error) : next(error)),
    );
  };
}

/** What the fastify adapter uses of fastify's request and reply (no dependency on fastify itself). */
export interface FastifyLikeRequest {
  headers: IncomingHttpHeaders;
  auth?: TokenClaims | null;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload?: unknown): unknown;
}

/** A fastify `onRequest`/`preHandler` hook: sets `request.auth`, or answers the refusal. */
export function gatehouseFastifyHook<Request extends FastifyLikeRequest, Reply extends FastifyLikeReply>(
  options: GuardOptions<Request>,
) {
  return async function gatehouseHook(request: Request, reply: Reply): Promise<Reply | undefined> {
    try {
      request.auth = await checkRequest(request.headers, request, options);
      return undefined;
    } catch (error) {
      if (!(error instanceof AccessRefused)) throw error;
      reply.code(error.status).headers(error.headers).send(error.body);
      return reply;
    }
  };
}

interface FastifyLikeInstance {
  decorateRequest(name: string, value: unknown): unknown;
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>): unknown;
}

/**
 * A fastify plugin guarding every route of the instance it is registered on (like fastify-plugin, it does not
 * create its own encapsulation context).
 *
 * @example
 * await app.register(gatehouseFastifyPlugin({ verifier }));
 */
export function gatehouseFastifyPlugin(options: GuardOptions<FastifyLikeRequest>) {
  const hook = gatehouseFastifyHook<FastifyLikeRequest, FastifyLikeReply>(options);
  const plugin = async function gatehouse(instance: FastifyLikeInstance): Promise<void> {
    instance.decorateRequest('auth', null);
    instance.addHook('onRequest', hook);
  };
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'gatehouse',
  });
}
