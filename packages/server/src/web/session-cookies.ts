import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, randomToken } from '../crypto/random.js';
import { AppError } from '../errors/app-error.js';

/**
 * Browser sessions of the web console. The console is a client of the public APIs like any other, but a page must
 * not hold tokens: the access token travels in an HttpOnly cookie, the refresh token in an HttpOnly cookie sent
 * only to the session endpoints, and every request that rides on the cookie must repeat the session's CSRF token
 * (a readable cookie) in the `X-CSRF-Token` header (double submit). All three are Secure and SameSite=Strict.
 */
export const SESSION_COOKIE = 'gh_session';
export const REFRESH_COOKIE = 'gh_refresh';
export const CSRF_COOKIE = 'gh_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const REFRESH_PATH = '/web/session';

export interface SessionCookieValues {
  accessToken: string;
  accessTokenTtlSeconds: number;
  refreshToken: string;
  refreshTokenTtlSeconds: number;
}

function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const header = request.headers.cookie;
  return header ? parse(header) : {};
}

/** Sets the three cookies of a new or refreshed session; returns the CSRF token. */
export function setSessionCookies(reply: FastifyReply, values: SessionCookieValues): string {
  const csrf = randomToken(24);
  const common = { secure: true, sameSite: 'strict' as const };
  reply.header('Set-Cookie', [
    serialize(SESSION_COOKIE, values.accessToken, {
      ...common,
      httpOnly: true,
      path: '/',
      maxAge: values.accessTokenTtlSeconds,
    }),
    serialize(REFRESH_COOKIE, values.refreshToken, {
      ...common,
      httpOnly: true,
      path: REFRESH_PATH,
      maxAge: values.refreshTokenTtlSeconds,
    }),
    serialize(CSRF_COOKIE, csrf, { ...common, path: '/', maxAge: values.refreshTokenTtlSeconds }),
  ]);
  return csrf;
}

export function clearSessionCookies(reply: FastifyReply): void {
  const gone = { secure: true, sameSite: 'strict' as const, maxAge: 0 };
  reply.header('Set-Cookie', [
    serialize(SESSION_COOKIE, '', { ...gone, httpOnly: true, path: '/' }),
    serialize(REFRESH_COOKIE, '', { ...gone, httpOnly: true, path: REFRESH_PATH }),
    serialize(CSRF_COOKIE, '', { ...gone, path: '/' }),
  ]);
}

/** The refresh token of the browser session, once the request proved it knows the session's CSRF token. */
export function sessionRefreshToken(request: FastifyRequest): string | undefined {
  const cookies = cookiesOf(request);
  const token = cookies[REFRESH_COOKIE];
  if (!token) return undefined;
  assertCsrf(request, cookies);
  return token;
}

/**
 * The access token of the browser session, if the request carries one. A request that rides on the session cookie
 * without the matching CSRF header is refused (403), whatever its method: the cookie alone never authenticates.
 */
export function sessionAccessToken(request: FastifyRequest): string | undefined {
  const cookies = cookiesOf(request);
  const token = cookies[SESSION_COOKIE];
  if (!token) return undefined;
  assertCsrf(request, cookies);
  return token;
}

function assertCsrf(request: FastifyRequest, cookies: Record<string, string | undefined>): void {
  const expected = cookies[CSRF_COOKIE];
  const presented = request.headers[CSRF_HEADER];
  if (!expected || typeof presented !== 'string' || !constantTimeEqual(expected, presented)) {
    throw new AppError('auth.csrf_failed');
  }
}
