import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '@gatehouse/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error answers of this route carry RFC 6749 `error`/`error_description`. */
    oauthErrors?: boolean;
    /** The route accepts the token of a user who deactivated their own account (to delete it). */
    allowSelfDeactivated?: boolean;
    /** The route accepts `?apiKey=` (and deprecated APP CODEs) in place of a bearer token. */
    acceptApiKey?: boolean;
  }
}

/**
 * HERE's error body (spec §1.7, §5): the Account v1 fields every HERE client reads, the v1.1 fields
 * (`title`, `status`, `code`, `cause`, `action`, `correlationId`) and, on OAuth endpoints, RFC 6749's.
 */
export function renderError(error: AppError, correlationId: string, oauth: boolean): ErrorBody {
  const { definition } = error;
  const body: ErrorBody = {
    errorId: `ERROR-${randomUUID()}`,
    httpStatus: definition.status,
    errorCode: definition.errorCode,
    message: error.message,
    ...(error.fields.length > 0 ? { errorFields: [...error.fields] } : {}),
    title: error.message,
    status: definition.status,
    code: `E${definition.errorCode}`,
    cause: error.detail ?? error.message,
    ...(definition.action ? { action: definition.action } : {}),
    correlationId,
  };
  if (oauth) {
    body.error = error.oauthError ?? (definition.status === 401 ? 'invalid_client' : 'invalid_request');
    body.error_description = `errorCode: '${definition.errorCode}'. ${error.message}`;
  }
  return body;
}

/** Fastify's own request errors, as HERE errors. */
function fromFastifyError(error: FastifyError, request: FastifyRequest): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        request.headers['content-type'] === undefined
          ? 'request.content_type_missing'
          : 'request.content_type_unsupported',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.invalid_json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_BAD_URL':
      return new AppError('request.invalid_data', { detail: error.message });
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('request.invalid_json');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('request.invalid_data', { detail: error.message });
  }
  return undefined;
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const oauth = request.routeOptions.config?.oauthErrors === true;
  const body = renderError(error, String(request.id), oauth);
  if (error.status === 401) reply.header('WWW-Authenticate', bearerChallenge(error));
  return reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8').send(body);
}

function bearerChallenge(error: AppError): string {
  const description = error.message.replace(/["\\]/g, '');
  return error.code === 'auth.header_missing'
    ? 'Bearer realm="gatehouse"'
    : `Bearer realm="gatehouse", error="invalid_token", error_description="${description}"`;
}

/** The single place where thrown errors become answers. Internal detail is logged, never sent. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(function handleError(error: FastifyError, request, reply) {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return sendError(request, reply, error);
    }
    const mapped = fromFastifyError(error, request);
    if (mapped) return sendError(request, reply, mapped);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, new AppError('server.internal_error'));
  });

  app.setNotFoundHandler(function handleNotFound(request, reply) {
    return sendError(request, reply, new AppError('request.not_found'));
  });
}
