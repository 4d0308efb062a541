import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * The peer of the token-issuance benchmark: node-oidc-provider with the client_credentials grant issuing ES256 JWT
 * access tokens (resource indicators with `accessTokenFormat: 'jwt'`), its default in-memory adapter and one client
 * that authenticates with client_secret_basic. Started as a child process by `bench/token-issuance.ts`; it prints
 * `ready` on stdout once it listens.
 */
const port = Number(process.env.BENCH_PORT);
const clientId = process.env.BENCH_CLIENT_ID;
const clientSecret = process.env.BENCH_CLIENT_SECRET;
if (!Number.isInteger(port) || !clientId || !clientSecret) {
  throw new Error('BENCH_PORT, BENCH_CLIENT_ID and BENCH_CLIENT_SECRET are required.');
}

const issuer = `http://127.0.0.1:${port}`;
const resource = 'urn:gatehouse:bench:api';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const configuration: Configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [signingKey] },
  ttl: { ClientCredentials: 3600 },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, error) => process.stderr.write(`oidc-provider server_error: ${String(error)}\n`));
provider.listen(port, '127.0.0.1').on('listening', () => process.stdout.write('ready\n'));
