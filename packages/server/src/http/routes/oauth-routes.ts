import {
  ClientCredentialsGrantRequest,
  ErrorBody,
  GrantType,
  IntrospectionRequest,
  IntrospectionResponse,
  PasswordGrantRequest,
  RefreshTokenGrantRequest,
  RevocationRequest,
  TimestampResponse,
  TokenResponse,
  TokenResponseForm,
  VerifyAccessTokenRequest,
  VerifyAccessTokenResponse,
} from '@gatehouse/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Authenticator, bearerToken } from '../../auth/authenticator.js';
import type { Principal } from '../../auth/principal.js';
import type { SignInService, UserTokens } from '../../authentication/sign-in-service.js';
import { AppError, fieldError, invalidScope } from '../../errors/app-error.js';
import type { AuthenticatedClient, ClientAuthenticator } from '../../oauth/client-authenticator.js';
import type { TokenService } from '../../oauth/token-service.js';
import { type BodyFormat, defineRoute, ok } from '../route.js';

/** Grants the token endpoint serves; the union grows as grant types are added. */
const TokenRequest = z.discriminatedUnion('grantType', [
  ClientCredentialsGrantRequest,
  PasswordGrantRequest,
  RefreshTokenGrantRequest,
]);

/** snake_case fields (Java, Python and RFC 6749 clients) onto the JSON names; the JSON name wins if both are sent. */
const FORM_FIELDS: Record<string, string> = {
  grant_type: 'grantType',
  expires_in: 'expiresIn',
  refresh_token: 'refreshToken',
  access_token: 'accessToken',
  client_id: 'clientId',
  client_secret: 'clientSecret',
};

function normalizeTokenRequest(body: unknown, format: BodyFormat | undefined): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = FORM_FIELDS[key] ?? key;
    if (!(name in fields) || name === key) fields[name] = value;
  }
  if (format === 'form' && typeof fields.expiresIn === 'string' && fields.expiresIn === '') delete fields.expiresIn;
  // HERE's 400909 for a scope with characters outside printable ASCII, before generic input checks see it.
  if (typeof fields.scope === 'string' && !/^[\x20-\x7e\t\n\r]*$/.test(fields.scope)) {
    throw invalidScope('scopeInvalidCharacter');
  }
  const grantType = fields.grantType;
  if (typeof grantType === 'string' && !GrantType.safeParse(grantType).success) {
    throw new AppError('request.invalid_data', {
      fields: [fieldError('grantType', 'illegalGrantType')],
      oauthError: 'unsupported_grant_type',
    });
  }
  return fields;
}

/** JSON requests get camelCase answers, form requests snake_case ones (spec §1.5). */
export function tokenAnswer(format: BodyFormat | undefined, tokens: UserTokens | Omit<TokenResponse, 'tokenType'>) {
  const { accessToken, expiresIn } = tokens;
  const refreshToken = 'refreshToken' in tokens ? tokens.refreshToken : undefined;
  const userId = 'userId' in tokens ? tokens.userId : undefined;
  const scope = 'scope' in tokens ? tokens.scope : undefined;
  const headers = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  if (format === 'form') {
    return {
      status: 200 as const,
      headers,
      body: {
        access_token: accessToken,
        token_type: 'bearer' as const,
        expires_in: expiresIn,
        ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
        ...(userId !== undefined ? { user_id: userId } : {}),
        ...(scope !== undefined ? { scope } : {}),
      },
    };
  }
  return {
    status: 200 as const,
    headers,
    body: {
      accessToken,
      tokenType: 'bearer' as const,
      expiresIn,
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      ...(userId !== undefined ? { userId } : {}),
      ...(scope !== undefined ? { scope } : {}),
    },
  };
}

const ClientAuthenticationFields = z.object({
  client_id: z.string().max(256).optional(),
  client_secret: z.string().max(512).optional(),
});
const IntrospectionBody = IntrospectionRequest.extend(ClientAuthenticationFields.shape);
const RevocationBody = RevocationRequest.extend(ClientAuthenticationFields.shape);

export interface OAuthRouteDependencies {
  signIn: SignInService;
  tokens: TokenService;
  clients: ClientAuthenticator;
  authenticator: Authenticator;
  clock: () => number;
  issuer: string;
}

export function createOAuthRoutes({ signIn, tokens, clients, authenticator, clock, issuer }: OAuthRouteDependencies) {
  /** Resource servers and clients of /oauth2/introspect and /oauth2/revoke: client credentials or a bearer token. */
  async function caller(
    request: FastifyRequest,
    body: { client_id?: string | undefined; client_secret?: string | undefined },
  ): Promise<{ client?: AuthenticatedClient; principal?: Principal }> {
    if (request.headers.authorization && /^\s*Bearer\s/i.test(request.headers.authorization)) {
      return { principal: await authenticator.authenticateHeader(request.headers.authorization) };
    }
    const client = await clients.authenticate(request, { clientId: body.client_id, clientSecret: body.client_secret });
    if (!client) throw new AppError('auth.header_missing');
    return { client };
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/oauth2/token',
      operationId: 'requestToken',
      summary: 'Get an access token',
      description:
        'HERE token endpoint. `client_credentials`: the app authenticates with an access key, either with an ' +
        'OAuth 1.0 HMAC-SHA256 signature as every HERE client sends it, or as client_secret_basic / ' +
        'client_secret_post (access key id and secret); `scope` may name one project. `password` signs a user in ' +
        '(`realm` when the email has accounts in several organizations); `refresh_token` rotates a refresh token. ' +
        'JSON requests get camelCase answers, form requests snake_case ones.',
      tags: ['OAuth 2.0'],
      auth: 'none',
      oauthErrors: true,
      bodyFormats: ['json', 'form'],
      normalizeBody: normalizeTokenRequest,
      body: TokenRequest,
      rateLimit: {
        bucket: 'token',
        perIp: true,
        perIdentity: { key: (body) => (body.grantType === 'password' ? body.email : undefined), limit: true },
      },
      responses: { 200: z.union([TokenResponse, TokenResponseForm]), 400: ErrorBody },
      async handler({ body, bodyFormat, request }) {
        const client = await clients.authenticate(request, {
          clientId: body.grantType === 'client_credentials' ? body.clientId : undefined,
          clientSecret: body.grantType === 'client_credentials' ? body.clientSecret : undefined,
        });
        switch (body.grantType) {
          case 'client_credentials': {
            if (!client) throw new AppError('auth.header_missing');
            return tokenAnswer(bodyFormat, await tokens.clientCredentials(client, body));
          }
          case 'password':
            return tokenAnswer(bodyFormat, await signIn.signInWithPassword({ ...body, clientId: client?.appId }));
          case 'refresh_token':
            return tokenAnswer(bodyFormat, await signIn.refresh(body));
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/oauth2/introspect',
      operationId: 'introspectToken',
      summary: 'Token introspection (RFC 7662)',
      description:
        'For resource servers: authenticate with client credentials (OAuth 1.0 signature, client_secret_basic or ' +
        'client_secret_post) or a bearer token. Answers `{active: false}` for any token that does not work.',
      tags: ['OAuth 2.0'],
      auth: 'none',
      oauthErrors: true,
      bodyFormats: ['form', 'json'],
      body: IntrospectionBody,
      rateLimit: { bucket: 'introspect', perIp: true },
      responses: { 200: IntrospectionResponse },
      async handler({ body, request }) {
        await caller(request, body);
        return ok(await tokens.introspect(body.token), { 'Cache-Control': 'no-store' });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/oauth2/revoke',
      operationId: 'revokeToken',
      summary: 'Token revocation (RFC 7009)',
      description:
        'Revokes an access token (it stops working at once) or the session of a refresh token. Only the client ' +
        'the token was issued to, or its subject, may revoke it. Unknown tokens are not an error.',
      tags: ['OAuth 2.0'],
      auth: 'none',
      oauthErrors: true,
      bodyFormats: ['form', 'json'],
      body: RevocationBody,
      rateLimit: { bucket: 'revoke', perIp: true },
      responses: { 200: z.undefined() },
      async handler({ body, request }) {
        await tokens.revoke(await caller(request, body), body.token);
        return { status: 200 as const, body: undefined };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/verify/accessToken',
      operationId: 'verifyAccessToken',
      summary: 'Verify an access token',
      description:
        'HERE SDKs call it with the token as bearer and in the body (spec §1.9); any 2xx means valid. Tokens of ' +
        'deactivated users or apps, disabled access keys and revoked tokens fail.',
      tags: ['OAuth 2.0'],
      auth: 'identity',
      body: VerifyAccessTokenRequest.optional(),
      responses: { 200: VerifyAccessTokenResponse },
      async handler({ body, principal, request }) {
        // HERE's SDKs send the same token as bearer and in the body: it was checked a moment ago, not again.
        const subject =
          body?.token && body.token !== bearerToken(request.headers.authorization)
            ? await authenticator.authenticateToken(body.token)
            : principal;
        return ok({
          active: true as const,
          tokenType: subject.kind,
          sub: subject.kind === 'user' ? subject.userId : subject.appId,
          realm: subject.realm,
          ...(subject.kind === 'user' ? { userId: subject.userId } : {}),
          ...(subject.kind === 'app' ? { clientId: subject.appId } : subject.appId ? { clientId: subject.appId } : {}),
          ...(subject.scope !== undefined ? { scope: subject.scope } : {}),
          expiresAt: subject.expiresAt,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/timestamp',
      operationId: 'getTimestamp',
      summary: 'Server time',
      description: 'Epoch seconds, for clients whose clock is off (HERE 401204 retry; spec §1.8).',
      tags: ['OAuth 2.0'],
      auth: 'none',
      rateLimit: { bucket: 'timestamp', perIp: true },
      responses: { 200: TimestampResponse },
      handler: () => ok({ timestamp: Math.floor(clock() / 1000) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/.well-known/oauth-authorization-server',
      operationId: 'authorizationServerMetadata',
      summary: 'Authorization server metadata (RFC 8414)',
      tags: ['OAuth 2.0'],
      auth: 'none',
      responses: { 200: z.record(z.string(), z.unknown()) },
      handler: () =>
        ok(
          {
            issuer,
            token_endpoint: `${issuer}/oauth2/token`,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            introspection_endpoint: `${issuer}/oauth2/introspect`,
            revocation_endpoint: `${issuer}/oauth2/revoke`,
            grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
            response_types_supported: ['token'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
            introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
            revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
            // HERE clients sign token requests with OAuth 1.0 instead (spec §1.2).
            here_oauth1_signature_methods_supported: ['HMAC-SHA256'],
            service_documentation: `${issuer}/openapi.json`,
          },
          { 'Cache-Control': 'public, max-age=300' },
        ),
    }),
  ];
}
