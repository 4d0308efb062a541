import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Histogram } from 'prom-client';
import { AppError, fieldError } from '../errors/app-error.js';
import { installErrorHandling, sendError } from './error-handler.js';
import { buildOpenApiDocument, plainOperation } from './openapi.js';
import { type RouteServices, registerRoutes } from './register-routes.js';
import type { AnyRoute } from './route.js';

export interface HttpServerOptions {
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  publicUrl: string;
  version: string;
  routes: readonly AnyRoute[];
  routeServices: RouteServices;
  metrics: Registry;
  /** Throws when a dependency (database, Redis) is not usable. */
  checkReadiness(): Promise<void>;
  /** Registers routes that are not part of the JSON API (web pages, JWKS). */
  plugins?: ReadonlyArray<(app: FastifyInstance) => void | Promise<void>>;
  /** OpenAPI paths of the endpoints the plugins serve to programs (JWKS), see {@link plainOperation}. */
  pluginPaths?: Record<string, Record<string, unknown>>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The form body as received: OAuth 1.0 signatures cover its parameters, duplicates included. */
    rawFormBody?: string;
  }
}

/** Probe endpoints polled every few seconds: not worth a log line per request. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Query parameters that carry credentials: never logged. */
const SECRET_QUERY = /([?&](?:apiKey|app_code|token|access_token)=)[^&]*/gi;

function setStandardHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Correlation-ID', request.id);
  reply.header('X-Request-ID', randomUUID());
  reply.header('Cache-Control', 'no-store');
  reply.header('X-Content-Type-Options', 'nosniff');
}

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: 'correlationId',
      disableRequestLogging: (request) => PROBES.has(request.url),
    }),
    // X-Correlation-ID (spec §5.4): taken from the request when well-formed, generated otherwise.
    genReqId(request) {
      const header = request.headers['x-correlation-id'];
      return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // URLs the router cannot take apart (bad percent-encoding, over-long parameters) get HERE's body too.
    frameworkErrors(error, request, reply) {
      setStandardHeaders(request, reply);
      const detail =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : 'The URL is malformed.';
      return sendError(
        request,
        reply,
        new AppError('request.invalid_data', { detail, fields: [fieldError('path', 'invalid')] }),
      );
    },
  });
  app.setChildLoggerFactory((logger, bindings, childOptions) =>
    logger.child(bindings, {
      ...childOptions,
      serializers: {
        req: (request: { method: string; url: string; ip?: string }) => ({
          method: request.method,
          url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
          remoteAddress: request.ip,
        }),
      },
    }),
  );

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    function parseForm(request, body, done) {
      request.rawFormBody = body as string;
      const fields: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(body as string))
        if (!Object.hasOwn(fields, key)) fields[key] = value;
      done(null, fields);
    },
  );

  // Only JSON and forms: a text/plain body is answered with 400004 like any other unsupported type.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => setStandardHeaders(request, reply));

  const duration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [options.metrics],
  });
  app.addHook('onResponse', async function recordDuration(request, reply) {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  installErrorHandling(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.checkReadiness();
      return { status: 'ready' };
    } catch (error) {
      app.log.warn({ err: error }, 'not ready');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(options.metrics.contentType);
    return options.metrics.metrics();
  });
  const status = (value: string) => ({
    type: 'object',
    properties: { status: { type: 'string', const: value } },
    required: ['status'],
  });
  const openApi = buildOpenApiDocument(
    options.routes,
    { version: options.version, serverUrl: options.publicUrl },
    {
      '/healthz': plainOperation({
        operationId: 'getHealth',
        summary: 'Liveness probe',
        responses: { 200: { description: 'The process answers', schema: status('ok') } },
      }),
      '/readyz': plainOperation({
        operationId: 'getReadiness',
        summary: 'Readiness probe: the database and the key-value store are usable',
        responses: {
          200: { description: 'Ready', schema: status('ready') },
          503: { description: 'Not ready', schema: status('unavailable') },
        },
      }),
      '/metrics': plainOperation({
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        responses: {
          200: { description: 'Prometheus text format', schema: { type: 'string' }, contentType: 'text/plain' },
        },
      }),
      '/openapi.json': plainOperation({
        operationId: 'getOpenApi',
        summary: 'This OpenAPI 3.1 document',
        responses: { 200: { description: 'OpenAPI 3.1', schema: { type: 'object' } } },
      }),
      ...options.pluginPaths,
    },
  );
  app.get('/openapi.json', async () => openApi);

  registerRoutes(app, options.routes, options.routeServices);
  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}
