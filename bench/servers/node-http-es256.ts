import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * The reference point of the token-issuance benchmark: the least any Node server issuing ES256 JWTs must do per
 * request, and nothing else. node:http, a client_secret_basic check by string comparison, and one ES256 signature
 * on libuv's thread pool; no framework, no validation, no storage, no rate limits. No real server can beat it on
 * this machine, so it shows how far a target is from the ceiling. Prints `ready` once it listens.
 */
const port = Number(process.env.BENCH_PORT);
const clientId = process.env.BENCH_CLIENT_ID;
const clientSecret = process.env.BENCH_CLIENT_SECRET;
if (!Number.isInteger(port) || !clientId || !clientSecret) {
  throw new Error('BENCH_PORT, BENCH_CLIENT_ID and BENCH_CLIENT_SECRET are required.');
}

const issuer = `http://127.0.0.1:${port}`;
const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'reference' })).toString('base64url');

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.method !== 'POST' || request.headers.authorization !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    const iat = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, aud: issuer, sub: clientId, client_id: clientId, iat, exp: iat + 3600 };
    const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: randomUUID() })).toString('base64url')}`;
    sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }, (error, signature) => {
      if (error) {
        response.writeHead(500).end();
        return;
      }
      const body = JSON.stringify({
        access_token: `${input}.${signature.toString('base64url')}`,
        token_type: 'bearer',
        expires_in: 3600,
      });
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    });
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
