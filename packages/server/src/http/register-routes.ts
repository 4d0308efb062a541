import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { AppError } from '../errors/app-error.js';
import type { AnyRoute, BodyFormat } from './route.js';
import { parseInput } from './validation.js';

export interface RouteServices {
  authenticate(request: FastifyRequest, mode: 'user' | 'identity'): Promise<Principal>;
  rateLimiter: RateLimiter;
  rateLimitIpPerMinute: number;
  rateLimitIdentityPerMinute: number;
  /** HERE's per-app limit on the account APIs, counted for every request an app makes. */
  consumeAppRateLimit(appId: string): Promise<void>;
  /** In tests an answer that does not match its declared schema fails loudly; in production it is a logged 500. */
  strictResponses: boolean;
}

/**
 * Registers declarative routes. For each request: authenticate, validate path, query and body with zod (HERE's
 * 400200 on failure), apply rate limits, run the handler, then re-parse the answer with the declared schema so that
 * undeclared fields (hashes, secrets) never leave the server.
 */
export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[], services: RouteServices): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: {
        oauthErrors: route.oauthErrors === true,
        allowSelfDeactivated: route.allowSelfDeactivated === true,
        acceptApiKey: route.acceptApiKey === true,
      },
      handler: async function handleRoute(request, reply) {
        const format = bodyFormat(request);
        if (format !== undefined && !(route.bodyFormats ?? ['json']).includes(format)) {
          throw new AppError('request.content_type_unsupported');
        }

        let principal: Principal | undefined;
        if (route.auth !== 'none') {
          principal = await services.authenticate(request, route.auth);
          if (principal.kind === 'app') await services.consumeAppRateLimit(principal.appId);
          if (principal.kind === 'app' && principal.legacyAppCode) {
            reply.header('Deprecation', 'true');
            reply.header('Warning', '299 - "APP CODE credentials are deprecated; use API keys or OAuth 2.0 tokens"');
          }
          if (route.unscopedOnly && principal.scope !== undefined) throw new AppError('auth.scoped_token_not_allowed');
          if (route.scopedOnly && principal.scope === undefined) throw new AppError('auth.scoped_token_required');
        }

        // The per-IP limit comes before validation, so that malformed requests are counted too.
        const perIp = route.rateLimit?.perIp;
        if (route.rateLimit && perIp !== undefined) {
          const limit = perIp === true ? services.rateLimitIpPerMinute : perIp;
          await services.rateLimiter.consume(route.rateLimit.bucket, `ip:${request.ip}`, limit);
        }

        const params = route.params ? parseInput(route.params, request.params, 'path') : undefined;
        const query = route.query ? parseInput(route.query, request.query, 'query') : undefined;
        const rawBody = route.normalizeBody ? route.normalizeBody(request.body, format) : request.body;
        const body = route.body ? parseInput(route.body, rawBody, 'body') : undefined;

        const perIdentity = route.rateLimit?.perIdentity;
        const identity = perIdentity?.key(body);
        if (route.rateLimit && perIdentity && identity) {
          const limit = perIdentity.limit === true ? services.rateLimitIdentityPerMinute : perIdentity.limit;
          await services.rateLimiter.consumeForIdentity(route.rateLimit.bucket, identity, limit);
        }

        const result = await route.handler({
          params,
          query,
          body,
          principal,
          bodyFormat: format,
          ip: request.ip,
          correlationId: String(request.id),
          request,
          reply,
        });

        const schema: z.ZodType | undefined = route.responses[result.status];
        if (schema === undefined) return answerMismatch(`status ${result.status} is not declared`);
        const parsed = schema.safeParse(result.body);
        if (!parsed.success) return answerMismatch(z.prettifyError(parsed.error));

        reply.code(result.status);
        if (result.headers) reply.headers(result.headers);
        return parsed.data === undefined ? reply.send() : reply.send(parsed.data);

        function answerMismatch(problem: string): never {
          const message = `${route.method} ${route.url} answered outside its contract: ${problem}`;
          if (services.strictResponses) throw new Error(message);
          request.log.error(message);
          throw new AppError('server.internal_error');
        }
      },
    });
  }
}

function bodyFormat(request: FastifyRequest): BodyFormat | undefined {
  if (request.body === undefined || request.body === null) return undefined;
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'json';
}
