import { Email, Password, RealmId, UserId } from '@gatehouse/contracts';
import { z } from 'zod';
import type { SignInService } from '../../authentication/sign-in-service.js';
import { AppError } from '../../errors/app-error.js';
import { clearSessionCookies, sessionRefreshToken, setSessionCookies } from '../../web/session-cookies.js';
import { defineRoute, noContent, ok } from '../route.js';

const WebSignIn = z.object({ email: Email, password: Password, realm: RealmId.optional() });
const WebSession = z.object({ userId: UserId, realm: z.string(), expiresIn: z.number().int() });
const common = { tags: ['Web sessions'] };

/**
 * Browser sessions for the web console (see web/session-cookies.ts): the same sign-in, lockout and refresh rotation
 * as `/oauth2/token`, with the tokens in HttpOnly cookies instead of the answer.
 */
export function createWebSessionRoutes({
  signIn,
  refreshTokenTtlSeconds,
}: {
  signIn: SignInService;
  refreshTokenTtlSeconds: number;
}) {
  return [
    defineRoute({
      ...common,
      method: 'POST',
      url: '/web/session',
      operationId: 'startWebSession',
      summary: 'Sign in a browser',
      description:
        'Like the password grant (same lockout and errors), but the tokens are set as HttpOnly cookies and the ' +
        'answer carries none. Later requests send the gh_csrf cookie value in X-CSRF-Token.',
      auth: 'none',
      body: WebSignIn,
      rateLimit: { bucket: 'token', perIp: true, perIdentity: { key: (body) => body.email, limit: true } },
      responses: { 200: WebSession },
      async handler({ body, reply }) {
        const tokens = await signIn.signInWithPassword(body);
        setSessionCookies(reply, {
          accessToken: tokens.accessToken,
          accessTokenTtlSeconds: tokens.expiresIn,
          refreshToken: tokens.refreshToken,
          refreshTokenTtlSeconds,
        });
        return ok({ userId: tokens.userId, realm: tokens.realm, expiresIn: tokens.expiresIn });
      },
    }),
    defineRoute({
      ...common,
      method: 'POST',
      url: '/web/session/refresh',
      operationId: 'refreshWebSession',
      summary: 'Extend a browser session',
      description: 'Rotates the session cookies; needs X-CSRF-Token.',
      auth: 'none',
      rateLimit: { bucket: 'web-refresh', perIp: true },
      responses: { 200: WebSession },
      async handler({ request, reply }) {
        const refreshToken = sessionRefreshToken(request);
        if (!refreshToken) throw new AppError('session.refresh_token_invalid');
        const tokens = await signIn.refresh({ refreshToken });
        setSessionCookies(reply, {
          accessToken: tokens.accessToken,
          accessTokenTtlSeconds: tokens.expiresIn,
          refreshToken: tokens.refreshToken,
          refreshTokenTtlSeconds,
        });
        return ok({ userId: tokens.userId, realm: tokens.realm, expiresIn: tokens.expiresIn });
      },
    }),
    defineRoute({
      ...common,
      method: 'DELETE',
      url: '/web/session',
      operationId: 'endWebSession',
      summary: 'Sign a browser out',
      description: 'Ends the session (its tokens stop working) and clears the cookies.',
      auth: 'user',
      responses: { 204: z.undefined() },
      async handler({ principal, reply }) {
        await signIn.signOut(principal);
        clearSessionCookies(reply);
        return noContent();
      },
    }),
  ];
}
