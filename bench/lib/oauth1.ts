import { createHmac, randomBytes } from 'node:crypto';

/** RFC 3986 percent-encoding (RFC 5849 §3.6). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuth1Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/**
 * The `Authorization: OAuth …` header of one token request, signed as HERE's Java and Python clients sign a form
 * request (RFC 5849 HMAC-SHA256; the form parameters are part of the base string): a fresh nonce and the current
 * timestamp each time. Written independently of the server's verifier on purpose.
 */
export function oauth1Header(
  credentials: OAuth1Credentials,
  method: string,
  url: string,
  formParameters: ReadonlyArray<readonly [string, string]>,
  now = Date.now(),
  nonce = randomBytes(12).toString('base64url'),
): string {
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', credentials.accessKeyId],
    ['oauth_nonce', nonce],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(Math.floor(now / 1000))],
    ['oauth_version', '1.0'],
  ];
  const parameters = [...oauth, ...formParameters]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const base = `${method.toUpperCase()}&${encode(url)}&${encode(parameters)}`;
  const signature = createHmac('sha256', `${encode(credentials.accessKeySecret)}&`)
    .update(base)
    .digest('base64');
  oauth.push(['oauth_signature', signature]);
  return `OAuth ${oauth.map(([name, value]) => `${name}="${encode(value)}"`).join(',')}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
