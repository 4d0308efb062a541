import { createHmac, randomBytes } from 'node:crypto';

/**
 * OAuth 1.0 HMAC-SHA256 request signing as HERE's token endpoint expects it (RFC 5849 §3.4; spec §1.3): the oauth
 * parameters and the URL's query parameters are signed, a JSON body is not.
 */

/** RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - . _ ~`, uppercase hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `scheme://host[:port]/path`: lowercase scheme and host, default port dropped, no query (RFC 5849 §3.4.1.2). */
export function normalizedBaseUrl(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port === '' || defaultPort ? '' : `:${url.port}`;
  return `${scheme}://${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** Query parameters as form-decoded pairs, duplicates and valueless names kept (`a&b=` → `a=`, `b=`). */
export function queryParameters(url: URL): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of url.search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    pairs.push([
      decode(equals === -1 ? part : part.slice(0, equals)),
      decode(equals === -1 ? '' : part.slice(equals + 1)),
    ]);
  }
  return pairs;
}

/** The signature base string: method, base URL and the sorted, encoded parameters. */
export function signatureBaseString(method: string, url: URL, parameters: ReadonlyArray<[string, string]>): string {
  const normalized = [...parameters, ...queryParameters(url)]
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) =>
      nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0,
    )
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode(normalizedBaseUrl(url))}&${percentEncode(normalized)}`;
}

export interface SigningInput {
  method: string;
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Epoch seconds. */
  timestamp: number;
  nonce?: string;
  /** Body parameters, only for `application/x-www-form-urlencoded` requests. */
  formParameters?: ReadonlyArray<[string, string]>;
}

/** Base64 HMAC-SHA256 of the base string with key `encode(secret)&`. */
export function oauthSignature(input: Required<Omit<SigningInput, 'formParameters'>> & SigningInput): string {
  const base = signatureBaseString(input.method, new URL(input.url), [
    ...oauthParameters(input),
    ...(input.formParameters ?? []),
  ]);
  return createHmac('sha256', `${percentEncode(input.accessKeySecret)}&`)
    .update(base)
    .digest('base64');
}

/** The `Authorization: OAuth …` header for a request; a fresh nonce unless one is given. */
export function oauthAuthorizationHeader(input: SigningInput): string {
  const complete = { ...input, nonce: input.nonce ?? randomBytes(16).toString('hex') };
  const signature = oauthSignature(complete);
  const parameters: Array<[string, string]> = [...oauthParameters(complete), ['oauth_signature', signature]];
  return `OAuth ${parameters.map(([name, value]) => `${name}="${percentEncode(value)}"`).join(',')}`;
}

function oauthParameters(input: { accessKeyId: string; nonce: string; timestamp: number }): Array<[string, string]> {
  return [
    ['oauth_consumer_key', input.accessKeyId],
    ['oauth_nonce', input.nonce],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(input.timestamp)],
    ['oauth_version', '1.0'],
  ];
}
