import { ErrorBody } from '@gatehouse/contracts';

/**
 * An answer the server refused, with HERE's error fields. Clients switch on `errorCode` (Account v1 and legacy
 * codes, e.g. 401204) or `code` (v1.1 `E…` codes), never on `message`.
 */
export class GatehouseError extends Error {
  override name = 'GatehouseError';
  readonly httpStatus: number;
  readonly errorCode: number | undefined;
  readonly errorId: string | undefined;
  /** v1.1 string code such as `E202101`, when the body has one. */
  readonly code: string | undefined;
  /** What the caller can do about it, when the server says. */
  readonly action: string | undefined;
  readonly errorFields: ReadonlyArray<{ name: string; errorCode: number; message: string }>;
  readonly correlationId: string | undefined;
  /** Seconds the server asked to wait (`Retry-After`), on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    httpStatus: number;
    message: string;
    errorCode?: number | undefined;
    errorId?: string | undefined;
    code?: string | undefined;
    action?: string | undefined;
    errorFields?: ReadonlyArray<{ name: string; errorCode: number; message: string }> | undefined;
    correlationId?: string | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.message);
    this.httpStatus = init.httpStatus;
    this.errorCode = init.errorCode;
    this.errorId = init.errorId;
    this.code = init.code;
    this.action = init.action;
    this.errorFields = init.errorFields ?? [];
    this.correlationId = init.correlationId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /**
   * Reads HERE's error bodies: Account v1 (`errorId`, `httpStatus`, `errorCode`, `message`), v1.1 (`title`,
   * `status`, `code`, `cause`, `action`) and the gateway shape (`error`, `error_description`).
   */
  static fromResponse(status: number, body: unknown, headers?: Headers): GatehouseError {
    const retryAfter = headers ? parseRetryAfter(headers.get('retry-after')) : undefined;
    const correlationId = headers?.get('x-correlation-id') ?? undefined;
    const parsed = ErrorBody.partial().safeParse(body);
    const fields = parsed.success ? parsed.data : {};
    const message =
      fields.message ??
      fields.title ??
      fields.error_description ??
      fields.cause ??
      `HTTP ${status} without an error body`;
    return new GatehouseError({
      httpStatus: fields.httpStatus ?? fields.status ?? status,
      message,
      errorCode: fields.errorCode,
      errorId: fields.errorId,
      code: fields.code,
      action: fields.action,
      errorFields: fields.errorFields,
      correlationId: fields.correlationId ?? correlationId,
      retryAfterSeconds: retryAfter === undefined ? undefined : Math.ceil(retryAfter / 1000),
    });
  }
}

/** The server could not be reached (connection refused, reset, DNS, timeout) after every retry. */
export class GatehouseNetworkError extends Error {
  override name = 'GatehouseNetworkError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(`Cannot reach ${url}: ${describeCause(cause)}`, { cause });
    this.url = url;
  }
}

/** Credentials are missing or unusable; the message says which key and where it was looked for. */
export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? cause.cause : undefined;
    const code = inner && 'code' in inner ? String(inner.code) : undefined;
    return code ? `${cause.message} (${code})` : (inner?.message ?? cause.message);
  }
  return String(cause);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
