import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hmacSha256Signature,
  normalizeBaseUrl,
  type ParameterList,
  parseOAuthHeader,
  parseParameters,
  percentEncode,
  signatureBaseString,
} from '../../src/oauth1/signature.js';
import {
  hereClients,
  javaUrlEncoder,
  parseCredentialsProperties,
  parseJavaProperties,
  rfc3986,
  rfc5849Signature,
} from '../support/here-clients.js';

/** Spec §1.3: consumer key `access-key-id`, secret `access-key-secret`, timestamp 1600000000, nonce `AAECAw`. */
const SECRET = 'access-key-secret';
const OAUTH: ParameterList = [
  ['oauth_consumer_key', 'access-key-id'],
  ['oauth_nonce', 'AAECAw'],
  ['oauth_signature_method', 'HMAC-SHA256'],
  ['oauth_timestamp', '1600000000'],
  ['oauth_version', '1.0'],
];
const TOKEN_URL = 'https://account.api.here.com/oauth2/token';
const CREDENTIALS = { accessKeyId: 'access-key-id', accessKeySecret: SECRET, tokenEndpointUrl: TOKEN_URL };

/** What the server computes for a request: base URL + oauth, query and (form) body parameters. */
function serverSignature(method: string, url: string, form?: string): string {
  const parsed = new URL(url);
  const query = parseParameters(parsed.search.slice(1));
  const body = form === undefined ? [] : parseParameters(form);
  if (query === undefined || body === undefined) throw new Error('unparsable parameters');
  return hmacSha256Signature(
    signatureBaseString(method, normalizeBaseUrl(parsed), [...OAUTH, ...query, ...body]),
    SECRET,
  );
}

describe('OAuth 1.0 signature test vectors (spec §1.3)', () => {
  const getVectors: Array<[string, string]> = [
    ['?format=jpg', 'K+nbO5+vci0capErAT/zRN9A3mNSDWa+ZFnt5RTt32w='],
    ['?label=enabled%3Btitle%3Dvalue', 'C+/JibFgx/4KmGUbpe34hMWOxjsEqMXaTmxFRIP1QXo='],
    ['?test=~', '49m1vUzdoVt2LZ68hYXXdOJEl6BsKR3owS+Jf2UHO0o='],
    ['?test=*', 'dKpGZp4Wc+56o4btchNf+5XrteuGfrSvVTZ5PeS/BZ0='],
    ['?label=A+test', 'bBfpwVDoyLN681mJH4628hVyyiRPPOmQDv+GILY4874='],
    ['?flag1&flag2&flag3=', 'mf6ZGeusZTqh1EaNgsGDQVzHV9TTvcKz5pE+W2f55XY='],
    ['?key+with+spaces', 'n3E4mBpUd2DP/A9ekZsJODYiet5Gg7lhblnvRj3U8bo='],
    ['?=valueOnly', 'IWx3kZAwS++a90pYRXvzJg0TkCK6D0FPf/CNzu5wK88='],
  ];

  it.each(getVectors)('GET http://example.com/photos/photo1%s (Java unit test)', (query, expected) => {
    expect(serverSignature('GET', `http://example.com/photos/photo1${query}`)).toBe(expected);
  });

  it('POST with the form body grant_type=client_credentials (Java, Python, docs)', () => {
    const form = parseParameters('grant_type=client_credentials');
    expect(form).toEqual([['grant_type', 'client_credentials']]);
    const base = signatureBaseString('POST', normalizeBaseUrl(new URL(TOKEN_URL)), [...OAUTH, ...(form ?? [])]);
    expect(base).toBe(
      'POST&https%3A%2F%2Faccount.api.here.com%2Foauth2%2Ftoken&grant_type%3Dclient_credentials%26' +
        'oauth_consumer_key%3Daccess-key-id%26oauth_nonce%3DAAECAw%26oauth_signature_method%3DHMAC-SHA256%26' +
        'oauth_timestamp%3D1600000000%26oauth_version%3D1.0',
    );
    expect(base.split('&')).toHaveLength(3); // "exactly two ampersands"
    expect(hmacSha256Signature(base, SECRET)).toBe('PTKYtonP8kgWYYBxC29Yd4J3KHLDVd9cuCWYZaWamAk=');
  });

  it('POST with a JSON body, which is not signed (C++)', () => {
    expect(serverSignature('POST', TOKEN_URL)).toBe('oNAvHI+PjAFqfhizcf4kpF8+TlsvDKnNjZ6F++sszDc=');
  });

  it('POST with ?sentWith=OLP-TS-SDK-1.12.0 and a JSON body (TypeScript)', () => {
    expect(serverSignature('POST', `${TOKEN_URL}?sentWith=OLP-TS-SDK-1.12.0`)).toBe(
      'T5PqBHYtMPj2n31z2RPRkAg+xhWdQqM1EKoHmT+ia8M=',
    );
  });

  it('signs with the percent-encoded secret followed by "&"', () => {
    const base = 'POST&x&y';
    const hmac = (key: string) => createHmac('sha256', key).update(base).digest('base64');
    expect(hmacSha256Signature(base, 'plain-Secret_1~')).toBe(hmac('plain-Secret_1~&'));
    // A secret with reserved characters is encoded first (Java's urlEncode(secret) + "&").
    expect(hmacSha256Signature(base, 'a b+c')).toBe(hmac('a%20b%2Bc&'));
  });

  it('sorts by encoded name, then encoded value, and keeps duplicates', () => {
    const base = signatureBaseString('post', 'http://h/p', [
      ['b', '2'],
      ['a', 'z'],
      ['a', 'a b'],
      ['A', '1'],
      ['b', '2'],
    ]);
    expect(base).toBe('POST&http%3A%2F%2Fh%2Fp&A%3D1%26a%3Da%2520b%26a%3Dz%26b%3D2%26b%3D2');
  });
});

describe('the independent client implementations reproduce the spec vectors', () => {
  const fixed = { nonce: 'AAECAw', timestamp: 1_600_000_000 };
  const signatureOf = (header: string | undefined) =>
    decodeURIComponent(/oauth_signature="([^"]+)"/.exec(header ?? '')?.[1] ?? '');

  it('TypeScript: URL with sentWith, JSON body, the exact header of the real package', () => {
    const built = hereClients.typescript.build(CREDENTIALS, {
      ...fixed,
      scope: 'hrn:here:authorization::myrealm:project/my-project-0000',
    });
    expect(built.url).toBe('https://account.api.here.com/oauth2/token?sentWith=OLP-TS-SDK-1.12.0');
    expect(built.headers.Authorization).toBe(
      'OAuth oauth_consumer_key="access-key-id",oauth_nonce="AAECAw",oauth_signature_method="HMAC-SHA256",' +
        'oauth_timestamp="1600000000",oauth_version="1.0",' +
        'oauth_signature="T5PqBHYtMPj2n31z2RPRkAg%2BxhWdQqM1EKoHmT%2Bia8M%3D"',
    );
    expect(built.body).toBe(
      '{"grantType":"client_credentials","scope":"hrn:here:authorization::myrealm:project/my-project-0000",' +
        '"expiresIn":3600}',
    );
    expect(built.headers['Content-Type']).toBe('application/json');
  });

  it('C++: five oauth parameters only', () => {
    const built = hereClients.cpp.build(CREDENTIALS, fixed);
    expect(signatureOf(built.headers.Authorization)).toBe('oNAvHI+PjAFqfhizcf4kpF8+TlsvDKnNjZ6F++sszDc=');
    expect(built.body).toBe('{"grantType":"client_credentials"}');
    expect(built.headers.Authorization).toMatch(/^OAuth oauth_consumer_key="[^"]+",oauth_nonce=/);
  });

  it('Java and Python: the form body is signed', () => {
    const java = hereClients.java.build(CREDENTIALS, fixed);
    const python = hereClients.python.build(CREDENTIALS, fixed);
    expect(signatureOf(java.headers.Authorization)).toBe('PTKYtonP8kgWYYBxC29Yd4J3KHLDVd9cuCWYZaWamAk=');
    expect(signatureOf(python.headers.Authorization)).toBe('PTKYtonP8kgWYYBxC29Yd4J3KHLDVd9cuCWYZaWamAk=');
    expect(java.headers.Authorization).toMatch(
      /^OAuth oauth_consumer_key="access-key-id", oauth_signature_method="HMAC-SHA256", oauth_signature="[^"]+", oauth_timestamp="1600000000", oauth_nonce="AAECAw", oauth_version="1.0"$/,
    );
    expect(python.headers.Authorization).toMatch(
      /^OAuth oauth_nonce="AAECAw", oauth_timestamp="1600000000", oauth_version="1.0", oauth_signature_method="HMAC-SHA256", oauth_consumer_key="access-key-id", oauth_signature="[^"]+"$/,
    );
    expect(java.body).toBe('grant_type=client_credentials');
    expect(python.body).toBe('grant_type=client_credentials');
  });

  it('the Java vectors, with the independent RFC 5849 signer', () => {
    const oauth = OAUTH.map(([name, value]) => [name, value] as const);
    expect(rfc5849Signature('GET', 'http://example.com/photos/photo1?format=jpg', oauth, SECRET)).toBe(
      'K+nbO5+vci0capErAT/zRN9A3mNSDWa+ZFnt5RTt32w=',
    );
    expect(rfc5849Signature('GET', 'http://example.com/photos/photo1?key+with+spaces', oauth, SECRET)).toBe(
      'n3E4mBpUd2DP/A9ekZsJODYiet5Gg7lhblnvRj3U8bo=',
    );
  });

  it('nonces in each client’s format', () => {
    const nonce = (name: keyof typeof hereClients) =>
      /oauth_nonce="([^"]+)"/.exec(hereClients[name].build(CREDENTIALS).headers.Authorization ?? '')?.[1];
    expect(nonce('typescript')).toMatch(/^[0-9a-f]{32}$/);
    expect(nonce('java')).toMatch(/^[A-Za-z0-9_-]{6}$/);
    expect(nonce('cpp')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(nonce('python')).toMatch(/^\d{30}$/);
  });

  it('Java form bodies: URLEncoder values in arbitrary order', () => {
    const bodies = new Set<string>();
    for (let attempt = 0; attempt < 40; attempt++) {
      const built = hereClients.java.build(CREDENTIALS, { expiresIn: 60, scope: 'a b*~' });
      bodies.add(built.body);
      expect(new URLSearchParams(built.body).get('scope')).toBe('a b*~');
    }
    expect(bodies.size).toBeGreaterThan(1);
    expect([...bodies][0]).toContain('scope=a+b*%7E');
  });
});

describe('percent-encoding', () => {
  it.each([
    ['abcXYZ019-._~', 'abcXYZ019-._~'],
    [' ', '%20'],
    ['+', '%2B'],
    ['*', '%2A'],
    ["!'()", '%21%27%28%29'],
    ['/=&', '%2F%3D%26'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
  ])('%j → %s', (raw, encoded) => {
    expect(percentEncode(raw)).toBe(encoded);
    expect(rfc3986(raw)).toBe(encoded);
  });

  it('URLEncoder keeps * and encodes ~ and space as +', () => {
    expect(javaUrlEncoder('a b*~')).toBe('a+b*%7E');
  });
});

describe('parseParameters', () => {
  it('keeps order and duplicates, decodes + and %XX', () => {
    expect(parseParameters('b=2&a=1&b=2&c=a+b%2Bc')).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['b', '2'],
      ['c', 'a b+c'],
    ]);
  });

  it('gives valueless names an empty value and accepts an empty name', () => {
    expect(parseParameters('flag1&flag2&flag3=')).toEqual([
      ['flag1', ''],
      ['flag2', ''],
      ['flag3', ''],
    ]);
    expect(parseParameters('=valueOnly')).toEqual([['', 'valueOnly']]);
    expect(parseParameters('')).toEqual([]);
    expect(parseParameters('a=1&&b=2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('keeps "=" inside values', () => {
    expect(parseParameters('sig=abc%3D&x=a=b')).toEqual([
      ['sig', 'abc='],
      ['x', 'a=b'],
    ]);
  });

  it('is undefined for a malformed escape', () => {
    expect(parseParameters('a=%E0%A4%A')).toBeUndefined();
    expect(parseParameters('a=%zz')).toBeUndefined();
  });
});

describe('normalizeBaseUrl', () => {
  it.each([
    ['HTTP://Example.COM/Photos?x=1#frag', 'http://example.com/Photos'],
    ['http://example.com:80/p', 'http://example.com/p'],
    ['https://example.com:443/p', 'https://example.com/p'],
    ['https://example.com:8443/p', 'https://example.com:8443/p'],
    ['http://example.com:443/p', 'http://example.com:443/p'],
    ['https://example.com:80/p', 'https://example.com:80/p'],
    ['http://127.0.0.1:8080/oauth2/token?sentWith=x', 'http://127.0.0.1:8080/oauth2/token'],
    ['https://iam.example.com/gh/oauth2/token', 'https://iam.example.com/gh/oauth2/token'],
  ])('%s → %s', (url, expected) => {
    expect(normalizeBaseUrl(new URL(url))).toBe(expected);
  });
});

describe('parseOAuthHeader', () => {
  const expected = new Map([
    ['oauth_consumer_key', 'key'],
    ['oauth_nonce', 'n1'],
    ['oauth_signature', 'ab+/c='],
  ]);

  it.each([
    ['no spaces (TypeScript, C++)', 'OAuth oauth_consumer_key="key",oauth_nonce="n1",oauth_signature="ab%2B%2Fc%3D"'],
    [
      'comma and space (Java, Python)',
      'OAuth oauth_signature="ab%2B%2Fc%3D", oauth_nonce="n1", oauth_consumer_key="key"',
    ],
    [
      'generous whitespace',
      '  OAuth   oauth_nonce = "n1" ,\t oauth_consumer_key="key"  ,oauth_signature="ab%2B%2Fc%3D"  ',
    ],
    ['lowercase scheme', 'oauth oauth_consumer_key="key",oauth_nonce="n1",oauth_signature="ab%2B%2Fc%3D"'],
    ['with a realm', 'OAuth realm="Example",oauth_consumer_key="key",oauth_nonce="n1",oauth_signature="ab%2B%2Fc%3D"'],
  ])('parses %s', (_name, header) => {
    expect(parseOAuthHeader(header)).toEqual(expected);
  });

  it('percent-decodes names and values, leaving "+" a plus', () => {
    expect(parseOAuthHeader('OAuth oauth_signature="a+b%20c",oauth%5Fnonce="x%7Ey"')).toEqual(
      new Map([
        ['oauth_signature', 'a+b c'],
        ['oauth_nonce', 'x~y'],
      ]),
    );
  });

  it('accepts empty values', () => {
    expect(parseOAuthHeader('OAuth oauth_token=""')).toEqual(new Map([['oauth_token', '']]));
  });

  it('is undefined for other schemes', () => {
    expect(parseOAuthHeader('Bearer abc')).toBeUndefined();
    expect(parseOAuthHeader('Basic YTpi')).toBeUndefined();
    expect(parseOAuthHeader('OAuthoauth_nonce="x"')).toBeUndefined();
  });

  it.each([
    ['a duplicated parameter', 'OAuth oauth_nonce="a",oauth_nonce="b"'],
    ['a duplicated parameter with the same value', 'OAuth oauth_nonce="a", oauth_nonce="a"'],
    ['a duplicate hidden by encoding', 'OAuth oauth_nonce="a",oauth%5Fnonce="a"'],
    ['no parameters', 'OAuth '],
    ['a missing comma', 'OAuth oauth_nonce="a" oauth_timestamp="1"'],
    ['an unquoted value', 'OAuth oauth_nonce=a'],
    ['an unterminated quote', 'OAuth oauth_nonce="a'],
    ['a bare word', 'OAuth garbage'],
    ['trailing garbage', 'OAuth oauth_nonce="a", x'],
    ['a malformed escape', 'OAuth oauth_nonce="%E0%A4%A"'],
    ['a quote inside a value', 'OAuth oauth_nonce="a"b"'],
  ])('is malformed with %s', (_name, header) => {
    expect(parseOAuthHeader(header)).toBe('malformed');
  });
});

describe('credentials.properties', () => {
  it('parses the file the portal hands out (spec §2)', () => {
    const text = [
      'here.user.id = HERE-01966c94-aaf1-4ae2-a1y6-6516b3f9b6c1',
      'here.client.id = mzLcb1rL8nskvDQpCAAO',
      'here.access.key.id = BELUTk45QdaYGgZ9A_IMTA',
      'here.access.key.secret = 108lI7w9m8G_6sIw9kng-PXGoeHQQ-cv6xByNOuMcRYixZZp',
      'here.token.endpoint.url = https://account.api.here.com/oauth2/token',
    ].join('\n');
    expect(parseCredentialsProperties(text)).toEqual({
      userId: 'HERE-01966c94-aaf1-4ae2-a1y6-6516b3f9b6c1',
      clientId: 'mzLcb1rL8nskvDQpCAAO',
      accessKeyId: 'BELUTk45QdaYGgZ9A_IMTA',
      accessKeySecret: '108lI7w9m8G_6sIw9kng-PXGoeHQQ-cv6xByNOuMcRYixZZp',
      tokenEndpointUrl: 'https://account.api.here.com/oauth2/token',
    });
  });

  it('reads Java properties syntax: separators, comments, escapes, continuations', () => {
    const text = [
      '# a comment',
      '! another comment',
      '',
      'a=1',
      'b : 2',
      '  c\t=\t3  ',
      'd 4',
      'e=x=y:z',
      'f=line\\',
      '   continued',
      'g=tab\\there \\u0041',
      'h\\ key=spaced key',
      'i=',
      'here.token.endpoint.url:https\\://iam.example.com/oauth2/token',
    ].join('\r\n');
    const properties = parseJavaProperties(text);
    expect(Object.fromEntries(properties)).toEqual({
      a: '1',
      b: '2',
      c: '3  ',
      d: '4',
      e: 'x=y:z',
      f: 'linecontinued',
      g: 'tab\there A',
      'h key': 'spaced key',
      i: '',
      'here.token.endpoint.url': 'https://iam.example.com/oauth2/token',
    });
  });

  it('refuses a file without the access key', () => {
    expect(() => parseCredentialsProperties('here.client.id = x\n')).toThrow(/here.access.key.id/);
  });
});
