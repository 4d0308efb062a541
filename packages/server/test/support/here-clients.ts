import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * Independent re-implementations of how HERE's clients sign `POST /oauth2/token` (spec §1.1-1.3), written from the
 * spec and NOT from the server's `src/oauth1`, so that the server is checked against a second implementation. Each
 * client keeps its own quirks: the TypeScript SDK signs its configured URL literally and adds `?sentWith=`, the Java
 * SDK sends a shuffled form body and its own header order, the C++ SDK signs the five oauth parameters only, and
 * requests-oauthlib (Python) signs the form body with oauthlib's header style.
 */

/** What a `credentials.properties` file holds (spec §2). */
export interface HereCredentials {
  userId?: string;
  clientId?: string;
  accessKeyId: string;
  accessKeySecret: string;
  tokenEndpointUrl: string;
  scope?: string;
}

/**
 * `java.util.Properties.load` as far as credentials files need it: `=`, `:` or whitespace between key and value,
 * whitespace around the separator, `#` and `!` comments, line continuations and backslash escapes.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const physical = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < physical.length; index++) {
    let line = (physical[index] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one (leading whitespace dropped).
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && index + 1 < physical.length) {
      index++;
      line = line.slice(0, -1) + (physical[index] ?? '').replace(/^[ \t\f]+/, '');
    }
    let keyEnd = 0;
    while (keyEnd < line.length) {
      const character = line[keyEnd];
      if (character === '\\') {
        keyEnd += 2;
        continue;
      }
      if (character === '=' || character === ':' || character === ' ' || character === '\t' || character === '\f') {
        break;
      }
      keyEnd++;
    }
    let valueStart = keyEnd;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart] ?? '')) valueStart++;
    if (line[valueStart] === '=' || line[valueStart] === ':') valueStart++;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart] ?? '')) valueStart++;
    result.set(unescapeProperty(line.slice(0, keyEnd)), unescapeProperty(line.slice(valueStart)));
  }
  return result;
}

function unescapeProperty(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_whole, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
    return { t: '\t', n: '\n', r: '\r', f: '\f' }[escaped] ?? escaped;
  });
}

/** The credentials in a `credentials.properties` text; throws when a required key is missing. */
export function parseCredentialsProperties(text: string): HereCredentials {
  const properties = parseJavaProperties(text);
  const required = (key: string) => {
    const value = properties.get(key);
    if (!value) throw new Error(`credentials.properties has no ${key}`);
    return value;
  };
  const optional = (key: string) => properties.get(key) || undefined;
  const userId = optional('here.user.id');
  const clientId = optional('here.client.id');
  const scope = optional('here.token.scope');
  return {
    ...(userId ? { userId } : {}),
    ...(clientId ? { clientId } : {}),
    accessKeyId: required('here.access.key.id'),
    accessKeySecret: required('here.access.key.secret'),
    tokenEndpointUrl: required('here.token.endpoint.url'),
    ...(scope ? { scope } : {}),
  };
}

// --- Encodings, written independently of the server ---------------------------------------------------------------

/** RFC 3986 percent-encoding, byte by byte over UTF-8: only `A-Z a-z 0-9 - . _ ~` stay. */
export function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `java.net.URLEncoder.encode(value, "UTF-8")`: keeps `A-Z a-z 0-9 . - * _`, space becomes `+`. */
export function javaUrlEncoder(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(character)) out += character;
    else if (character === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** HERE's Java `SignatureCalculator.urlEncode`: URLEncoder, then `+`→`%20`, `*`→`%2A`, `%7E`→`~`. */
function javaSignatureEncode(value: string): string {
  return javaUrlEncoder(value).replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** Python's `urllib.parse.quote_plus` (form bodies built by `requests`). */
function pythonQuotePlus(value: string): string {
  return rfc3986(value).replace(/%20/g, '+');
}

/** Form/query decoding (`+` is a space). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function queryParameters(url: URL): Array<[string, string]> {
  if (url.search.length <= 1) return [];
  return url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals === -1
        ? [formDecode(part), '']
        : [formDecode(part.slice(0, equals)), formDecode(part.slice(equals + 1))];
    });
}

/** `scheme://host[:port]/path`, lowercase, default port dropped (RFC 5849 §3.4.1.2). */
function baseStringUri(url: URL): string {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const port = url.port; // the URL class already drops :80 for http and :443 for https
  return `${scheme}://${url.hostname.toLowerCase()}${port ? `:${port}` : ''}${url.pathname}`;
}

/**
 * RFC 5849 §3.4 HMAC-SHA256 signature (base64, not yet percent-encoded) over the given parameters. `encode` is the
 * client's encoder; sorting is by encoded name, then encoded value.
 */
export function rfc5849Signature(
  method: string,
  url: string,
  parameters: ReadonlyArray<readonly [string, string]>,
  secret: string,
  encode: (value: string) => string = rfc3986,
): string {
  const parsed = new URL(url);
  const all = [...parameters, ...queryParameters(parsed)].map(([name, value]) => [encode(name), encode(value)]);
  all.sort(([a = '', b = ''], [c = '', d = '']) => (a === c ? (b < d ? -1 : b > d ? 1 : 0) : a < c ? -1 : 1));
  const parameterString = all.map(([name, value]) => `${name}=${value}`).join('&');
  const base = [method.toUpperCase(), encode(baseStringUri(parsed)), encode(parameterString)].join('&');
  return createHmac('sha256', `${encode(secret)}&`)
    .update(base, 'utf8')
    .digest('base64');
}

// --- The clients --------------------------------------------------------------------------------------------------

export interface TokenRequestOptions {
  scope?: string;
  /** Requested lifetime; each client has its own default (TS 3600, the others none). */
  expiresIn?: number;
  /** oauth_timestamp in epoch seconds; the client's clock by default. */
  timestamp?: number;
  nonce?: string;
  /** The token URL the client is configured with; the credentials' `here.token.endpoint.url` by default. */
  tokenUrl?: string;
  /**
   * Where the request really goes, for servers behind a proxy: a URL prefix of the configured URL and what to
   * send it to instead (`{from: 'https://iam.example.com/gh', to: 'http://127.0.0.1:1234'}`).
   */
  via?: { from: string; to: string };
}

/** A request ready to send; `signedUrl` is what the signature covers, `url` where it is sent. */
export interface BuiltRequest {
  url: string;
  signedUrl: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export type HereClientName = 'typescript' | 'java' | 'cpp' | 'python';

export interface HereClient {
  readonly name: HereClientName;
  /** JSON clients get camelCase answers, form clients snake_case ones (spec §1.5). */
  readonly format: 'json' | 'form';
  build(credentials: HereCredentials, options?: TokenRequestOptions): BuiltRequest;
}

const seconds = () => Math.floor(Date.now() / 1000);

function routed(url: string, via: TokenRequestOptions['via']): string {
  return via && url.startsWith(via.from) ? via.to + url.slice(via.from.length) : url;
}

/**
 * `@here/olp-sdk-authentication` `requestToken()`: JSON body, `?sentWith=OLP-TS-SDK-1.12.0` on the URL, a 32-hex
 * nonce, and a hand-built parameter string over the literal configured URL; key `secret&` (not encoded).
 */
const typescript: HereClient = {
  name: 'typescript',
  format: 'json',
  build(credentials, options = {}) {
    const url = options.tokenUrl ?? credentials.tokenEndpointUrl;
    const sentWith = 'sentWith=OLP-TS-SDK-1.12.0';
    const nonce = options.nonce ?? randomBytes(16).toString('hex');
    const timestamp = options.timestamp ?? seconds();
    const parameterString =
      `oauth_consumer_key=${credentials.accessKeyId}&oauth_nonce=${nonce}` +
      `&oauth_signature_method=HMAC-SHA256&oauth_timestamp=${timestamp}&oauth_version=1.0&${sentWith}`;
    const base = `POST&${encodeURIComponent(url)}&${encodeURIComponent(parameterString)}`;
    const signature = createHmac('sha256', `${credentials.accessKeySecret}&`).update(base).digest('base64');
    const header =
      `OAuth oauth_consumer_key="${credentials.accessKeyId}",oauth_nonce="${nonce}",` +
      `oauth_signature_method="HMAC-SHA256",oauth_timestamp="${timestamp}",oauth_version="1.0",` +
      `oauth_signature="${encodeURIComponent(signature)}"`;
    const body: Record<string, unknown> = { grantType: 'client_credentials' };
    if (options.scope !== undefined) body.scope = options.scope;
    body.expiresIn = options.expiresIn ?? 3600;
    const signedUrl = `${url}${url.includes('?') ? '&' : '?'}${sentWith}`;
    return {
      url: routed(signedUrl, options.via),
      signedUrl,
      method: 'POST',
      headers: { Authorization: header, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    };
  },
};

/** Java's HashMap iteration order is arbitrary for our purposes: shuffle. */
function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * here-aaa-java-sdk `TokenEndpointImpl`: form body in HashMap order with URLEncoder values, full RFC 5849 over
 * query and form parameters, 6-character base64url nonce, header `OAuth k="v", k="v"` in Java's order.
 */
const java: HereClient = {
  name: 'java',
  format: 'form',
  build(credentials, options = {}) {
    const url = options.tokenUrl ?? credentials.tokenEndpointUrl;
    const form: Array<[string, string]> = [['grant_type', 'client_credentials']];
    if (options.expiresIn !== undefined) form.push(['expires_in', String(options.expiresIn)]);
    const scope = options.scope ?? credentials.scope;
    if (scope !== undefined) form.push(['scope', scope]);
    const ordered = shuffled(form);
    const nonce = options.nonce ?? randomBytes(6).toString('base64url').slice(0, 6);
    const oauth: Array<[string, string]> = [
      ['oauth_consumer_key', credentials.accessKeyId],
      ['oauth_signature_method', 'HMAC-SHA256'],
      ['oauth_timestamp', String(options.timestamp ?? seconds())],
      ['oauth_nonce', nonce],
      ['oauth_version', '1.0'],
    ];
    const signature = rfc5849Signature(
      'POST',
      url,
      [...oauth, ...ordered],
      credentials.accessKeySecret,
      javaSignatureEncode,
    );
    const headerParameters: Array<[string, string]> = [
      ['oauth_consumer_key', credentials.accessKeyId],
      ['oauth_signature_method', 'HMAC-SHA256'],
      ['oauth_signature', signature],
      ...oauth.filter(([name]) => name === 'oauth_timestamp' || name === 'oauth_nonce' || name === 'oauth_version'),
    ];
    const header = `OAuth ${headerParameters.map(([name, value]) => `${name}="${javaSignatureEncode(value)}"`).join(', ')}`;
    return {
      url: routed(url, options.via),
      signedUrl: url,
      method: 'POST',
      headers: { Authorization: header, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: ordered.map(([name, value]) => `${javaUrlEncoder(name)}=${javaUrlEncoder(value)}`).join('&'),
    };
  },
};

/**
 * here-data-sdk-cpp `SignInClient`: JSON body (`expiresIn` only when positive), a UUID nonce, the five oauth
 * parameters only in the parameter string (no query, no body), key `secret&`.
 */
const cpp: HereClient = {
  name: 'cpp',
  format: 'json',
  build(credentials, options = {}) {
    const url = options.tokenUrl ?? credentials.tokenEndpointUrl;
    const nonce = options.nonce ?? randomUUID();
    const timestamp = options.timestamp ?? seconds();
    const parameterString = [
      `oauth_consumer_key=${rfc3986(credentials.accessKeyId)}`,
      `oauth_nonce=${rfc3986(nonce)}`,
      'oauth_signature_method=HMAC-SHA256',
      `oauth_timestamp=${timestamp}`,
      'oauth_version=1.0',
    ].join('&');
    const base = `POST&${rfc3986(url)}&${rfc3986(parameterString)}`;
    const signature = createHmac('sha256', `${credentials.accessKeySecret}&`).update(base).digest('base64');
    const header =
      `OAuth oauth_consumer_key="${rfc3986(credentials.accessKeyId)}",oauth_nonce="${rfc3986(nonce)}",` +
      `oauth_signature_method="HMAC-SHA256",oauth_timestamp="${timestamp}",oauth_version="1.0",` +
      `oauth_signature="${rfc3986(signature)}"`;
    const body: Record<string, unknown> = { grantType: 'client_credentials' };
    if (options.expiresIn !== undefined && options.expiresIn > 0) body.expiresIn = options.expiresIn;
    const scope = options.scope ?? credentials.scope;
    if (scope !== undefined) body.scope = scope;
    return {
      url: routed(url, options.via),
      signedUrl: url,
      method: 'POST',
      headers: { Authorization: header, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    };
  },
};

/**
 * requests-oauthlib `OAuth1(key, client_secret=…, signature_method="HMAC-SHA256")` posting
 * `data={"grant_type": "client_credentials"}`: oauthlib's 30-digit nonce, the form body signed, header parameters
 * in oauthlib's order with comma and space.
 */
const python: HereClient = {
  name: 'python',
  format: 'form',
  build(credentials, options = {}) {
    const url = options.tokenUrl ?? credentials.tokenEndpointUrl;
    const form: Array<[string, string]> = [['grant_type', 'client_credentials']];
    if (options.expiresIn !== undefined) form.push(['expires_in', String(options.expiresIn)]);
    const scope = options.scope ?? credentials.scope;
    if (scope !== undefined) form.push(['scope', scope]);
    const nonce = options.nonce ?? Array.from({ length: 30 }, () => String(randomInt(10))).join('');
    const oauth: Array<[string, string]> = [
      ['oauth_nonce', nonce],
      ['oauth_timestamp', String(options.timestamp ?? seconds())],
      ['oauth_version', '1.0'],
      ['oauth_signature_method', 'HMAC-SHA256'],
      ['oauth_consumer_key', credentials.accessKeyId],
    ];
    const signature = rfc5849Signature('POST', url, [...oauth, ...form], credentials.accessKeySecret);
    const header = `OAuth ${[...oauth, ['oauth_signature', signature]]
      .map(([name, value]) => `${name}="${rfc3986(value ?? '')}"`)
      .join(', ')}`;
    return {
      url: routed(url, options.via),
      signedUrl: url,
      method: 'POST',
      headers: { Authorization: header, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.map(([name, value]) => `${pythonQuotePlus(name)}=${pythonQuotePlus(value)}`).join('&'),
    };
  },
};

export const hereClients: Readonly<Record<HereClientName, HereClient>> = { typescript, java, cpp, python };

/** Sends a built request. */
export function send(request: BuiltRequest): Promise<Response> {
  return fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
}

/** What the client does: sign and POST a client_credentials token request. */
export function requestToken(
  client: HereClientName,
  credentials: HereCredentials,
  options: TokenRequestOptions = {},
): Promise<Response> {
  return send(hereClients[client].build(credentials, options));
}

// --- Hand-made requests for the error cases ----------------------------------------------------------------------

export interface CustomSignedRequest {
  /** URL to sign and send to; the token endpoint of the credentials by default. */
  url?: string;
  /** Sent as JSON (not signed) unless `form` is given. */
  json?: unknown;
  /** Sent as a form body and signed. */
  form?: Array<[string, string]>;
  /**
   * Overrides of the oauth parameters (`oauth_consumer_key`, `oauth_nonce`, `oauth_signature_method`,
   * `oauth_timestamp`, `oauth_version`); `undefined` leaves one out.
   */
  oauth?: Record<string, string | undefined>;
  /** Secret to sign with; the access key secret by default. */
  secret?: string;
  /** Replaces the computed signature. */
  signature?: string;
  /** Raw text appended to the Authorization header, e.g. a duplicated parameter. */
  appendToHeader?: string;
}

/** A token request signed like the Java client but with any parameter changed, for the error cases (§1.7). */
export function buildCustomRequest(credentials: HereCredentials, options: CustomSignedRequest = {}): BuiltRequest {
  const url = options.url ?? credentials.tokenEndpointUrl;
  const defaults: Record<string, string | undefined> = {
    oauth_consumer_key: credentials.accessKeyId,
    oauth_nonce: randomBytes(9).toString('base64url'),
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(seconds()),
    oauth_version: '1.0',
  };
  const merged = { ...defaults, ...options.oauth };
  const oauth = Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const signed = [...oauth, ...(options.form ?? [])];
  const signature =
    options.signature ?? rfc5849Signature('POST', url, signed, options.secret ?? credentials.accessKeySecret);
  const header =
    `OAuth ${[...oauth, ['oauth_signature', signature]].map(([name, value]) => `${name}="${rfc3986(value ?? '')}"`).join(',')}` +
    (options.appendToHeader ?? '');
  const form = options.form;
  return {
    url,
    signedUrl: url,
    method: 'POST',
    headers: {
      Authorization: header,
      'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: form
      ? form.map(([name, value]) => `${javaUrlEncoder(name)}=${javaUrlEncoder(value)}`).join('&')
      : JSON.stringify(options.json ?? { grantType: 'client_credentials' }),
  };
}
