import {
  type ErrorCode,
  type ErrorDefinition,
  errorCatalogue,
  type FieldError,
  type FieldErrorKind,
  fieldErrorCatalogue,
  formatMessage,
  type OAuthErrorCode,
} from '@gatehouse/contracts';

export interface AppErrorOptions {
  /** Values for the `{placeholders}` of the catalogue message. */
  params?: Readonly<Record<string, string | number>>;
  /** Field errors, for `request.invalid_data` (400200). */
  fields?: readonly FieldError[];
  /** Replaces the catalogue's `cause`-less explanation with a specific one (v1.1 `cause`). */
  detail?: string;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Readonly<Record<string, string>>;
  /** RFC 6749 `error` when it is more precise than the catalogue's (`invalid_scope` for a bad scope field). */
  oauthError?: OAuthErrorCode;
  cause?: unknown;
}

/**
 * The one error type of Gatehouse. Services throw it with a stable catalogue code; the HTTP layer alone turns it
 * into HERE's error body and status (see http/error-handler.ts).
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition;
  readonly fields: readonly FieldError[];
  readonly detail: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly oauthError: OAuthErrorCode | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const definition: ErrorDefinition = errorCatalogue[code];
    super(formatMessage(definition.message, options.params), { cause: options.cause });
    this.code = code;
    this.definition = definition;
    this.fields = options.fields ?? [];
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.oauthError = options.oauthError ?? definition.oauthError;
  }

  get status(): number {
    return this.definition.status;
  }
}

/** Keeps services linear: `assertThat(user, 'user.not_found')`. */
export function assertThat(condition: unknown, code: ErrorCode, options?: AppErrorOptions): asserts condition {
  if (!condition) throw new AppError(code, options);
}

export function fieldError(
  name: string,
  kind: FieldErrorKind,
  params?: Readonly<Record<string, string | number>>,
): FieldError {
  const entry = fieldErrorCatalogue[kind];
  return { name, errorCode: entry.errorCode, message: formatMessage(entry.message, params) };
}

/** 400200 with the given field errors. */
export function invalidData(...fields: FieldError[]): AppError {
  return new AppError('request.invalid_data', { fields });
}

/** 400200 for a bad `scope` field: RFC 6749 calls it `invalid_scope`. */
export function invalidScope(kind: 'scopeInvalid' | 'scopeInvalidCharacter'): AppError {
  return new AppError('request.invalid_data', { fields: [fieldError('scope', kind)], oauthError: 'invalid_scope' });
}

/** 422000 "<limit> limit reached. Current value: X. Maximum value: Y." */
export function limitReached(limit: string, current: number, maximum: number): AppError {
  return new AppError('limit.reached', { params: { limit, current, maximum } });
}
