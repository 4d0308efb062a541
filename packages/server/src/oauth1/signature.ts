import { createHmac } from 'node:crypto';

/**
 * OAuth 1.0 HMAC-SHA256 signatures as HERE's clients compute them for `POST /oauth2/token` (RFC 5849 §3.4; spec
 * §1.3). Pure functions: parsing the header, building the base string, signing.
 */

/** RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - . _ ~`, uppercase hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decodes `application/x-www-form-urlencoded` text (`+` is a space); undefined for malformed escapes. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export type ParameterList = Array<[string, string]>;

/**
 * Query or form parameters as ordered pairs, keeping duplicates: `a&b=` gives `[a,''],[b,'']` and `=v` gives
 * `['',v]`, as RFC 5849 §3.4.1.3.1 and HERE's Java client do. Undefined when an escape is malformed.
 */
export function parseParameters(encoded: string): ParameterList | undefined {
  const pairs: ParameterList = [];
  if (encoded === '') return pairs;
  for (const part of encoded.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = formDecode(equals === -1 ? part : part.slice(0, equals));
    const value = formDecode(equals === -1 ? '' : part.slice(equals + 1));
    if (name === undefined || value === undefined) return undefined;
    pairs.push([name, value]);
  }
  return pairs;
}

export type OAuthHeaderProblem = 'malformed';

/**
 * Parses `Authorization: OAuth k="v", …` in any order and spacing (HERE's TS, Java, C++ and Python clients differ).
 * Values are percent-decoded; `realm` is dropped. Undefined when the header is not an OAuth header; `malformed`
 * for duplicated or unparsable parameters.
 */
export function parseOAuthHeader(header: string): Map<string, string> | OAuthHeaderProblem | undefined {
  const match = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const parameters = new Map<string, string>();
  const body = (match[1] ?? '').trim();
  if (body === '') return 'malformed';
  const pattern = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(,|$)/gy;
  let consumed = 0;
  for (let entry = pattern.exec(body); entry !== null; entry = pattern.exec(body)) {
    const name = formDecodeStrict(entry[1] ?? '');
    const value = formDecodeStrict(entry[2] ?? '');
    if (name === undefined || value === undefined || parameters.has(name)) return 'malformed';
    if (name !== 'realm') parameters.set(name, value);
    consumed = pattern.lastIndex;
    if (entry[3] === '') break;
  }
  return consumed === body.length ? parameters : 'malformed';
}

/** Percent-decoding without the form rule (`+` stays `+`), as header values are RFC 3986 encoded. */
function formDecodeStrict(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * `scheme://host[:port]/path` as RFC 5849 §3.4.1.2 wants it: lowercase scheme and host, default port dropped,
 * no query or fragment.
 */
export function normalizeBaseUrl(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const host = url.hostname.toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port === '' || defaultPort ? '' : `:${url.port}`;
  return `${scheme}://${host}${port}${url.pathname}`;
}

/** The signature base string (RFC 5849 §3.4.1): method, base URL and the sorted, encoded parameters. */
export function signatureBaseString(method: string, baseUrl: string, parameters: ParameterList): string {
  const normalized = parameters
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) =>
      nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0,
    )
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode(baseUrl)}&${percentEncode(normalized)}`;
}

/** Base64 HMAC-SHA256 with key `encode(secret)&` (no token secret). */
export function hmacSha256Signature(baseString: string, consumerSecret: string): string {
  return createHmac('sha256', `${percentEncode(consumerSecret)}&`)
    .update(baseString)
    .digest('base64');
}
