/**
 * The console's only way to the server: the same public API every client uses, authenticated by the browser
 * session's HttpOnly cookie. Every call repeats the session's CSRF token (the readable gh_csrf cookie) in
 * X-CSRF-Token, which the server requires of any request that rides on the cookie.
 */

/** A HERE error body, as every endpoint answers errors. */
export interface ErrorBody {
  errorCode?: number;
  message?: string;
  action?: string;
  errorFields?: Array<{ name: string; message: string }>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: number | undefined;
  readonly action: string | undefined;
  readonly fields: Array<{ name: string; message: string }>;

  constructor(status: number, body: ErrorBody | undefined) {
    super(body?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.errorCode = body?.errorCode;
    this.action = body?.action;
    this.fields = body?.errorFields ?? [];
  }
}

/** Error codes the console reacts to. */
export const ErrorCodes = {
  invalidCredentials: 401300,
  locked: 401430,
  realmRequired: 400256,
} as const;

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'gh_csrf') return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function hasSession(): boolean {
  return csrfToken() !== undefined;
}

/** Listeners told when the session is gone for good (refresh refused): the app shows the sign-in page. */
const sessionEndListeners = new Set<() => void>();
export function onSessionEnd(listener: () => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

let refreshing: Promise<boolean> | undefined;

/** Rotates the session cookies once for every caller that found the access token expired. */
function refreshSession(): Promise<boolean> {
  refreshing ??= send('POST', '/web/session/refresh')
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Calls the API; an expired session is refreshed once and the call repeated. Throws {@link ApiError}. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  if (response.status === 401 && !path.startsWith('/web/session') && hasSession()) {
    if (await refreshSession()) response = await send(method, path, body);
    else for (const listener of sessionEndListeners) listener();
  }
  const data = await parse(response);
  if (!response.ok) throw new ApiError(response.status, data as ErrorBody | undefined);
  return data as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => call<T>('POST', path, body);

/** Builds a query string from the parameters that have a value. */
export function query(parameters: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** An HRN or id as one path segment. */
export const segment = (value: string) => encodeURIComponent(value);

/** HERE's two page shapes (notes-authz-v11.md): `{data, count, total, pageToken}` and `{items, limit, total, pageToken}`. */
export interface Page<T> {
  items: T[];
  total: number | undefined;
  pageToken: string | undefined;
}

export function page<T>(body: { data?: T[]; items?: T[]; total?: number; pageToken?: string }): Page<T> {
  return { items: body.data ?? body.items ?? [], total: body.total, pageToken: body.pageToken || undefined };
}
