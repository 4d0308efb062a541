import { describe, expect, it } from 'vitest';
import {
  hmacSha256Signature,
  normalizeBaseUrl,
  parseOAuthHeader,
  signatureBaseString as serverBaseString,
} from '../../server/src/oauth1/signature.js';
import { oauthAuthorizationHeader, oauthSignature, signatureBaseString } from '../src/oauth1.js';

/** The vectors of spec §1.3 (also the server's): key `access-key-id`, secret `access-key-secret`. */
const KEY = {
  accessKeyId: 'access-key-id',
  accessKeySecret: 'access-key-secret',
  timestamp: 1600000000,
  nonce: 'AAECAw',
};
const TOKEN_URL = 'https://account.api.here.com/oauth2/token';

describe('OAuth 1.0 HMAC-SHA256 signer', () => {
  it.each([
    ['?format=jpg', 'K+nbO5+vci0capErAT/zRN9A3mNSDWa+ZFnt5RTt32w='],
    ['?label=enabled%3Btitle%3Dvalue', 'C+/JibFgx/4KmGUbpe34hMWOxjsEqMXaTmxFRIP1QXo='],
    ['?test=~', '49m1vUzdoVt2LZ68hYXXdOJEl6BsKR3owS+Jf2UHO0o='],
    ['?test=*', 'dKpGZp4Wc+56o4btchNf+5XrteuGfrSvVTZ5PeS/BZ0='],
    ['?label=A+test', 'bBfpwVDoyLN681mJH4628hVyyiRPPOmQDv+GILY4874='],
    ['?flag1&flag2&flag3=', 'mf6ZGeusZTqh1EaNgsGDQVzHV9TTvcKz5pE+W2f55XY='],
    ['?key+with+spaces', 'n3E4mBpUd2DP/A9ekZsJODYiet5Gg7lhblnvRj3U8bo='],
    ['?=valueOnly', 'IWx3kZAwS++a90pYRXvzJg0TkCK6D0FPf/CNzu5wK88='],
  ])('GET http://example.com/photos/photo1%s (Java unit test)', (query, expected) => {
    expect(oauthSignature({ ...KEY, method: 'GET', url: `http://example.com/photos/photo1${query}` })).toBe(expected);
  });

  it('signs the form body of Java, Python and the docs', () => {
    const signature = oauthSignature({
      ...KEY,
      method: 'POST',
      url: TOKEN_URL,
      formParameters: [['grant_type', 'client_credentials']],
    });
    expect(signature).toBe('PTKYtonP8kgWYYBxC29Yd4J3KHLDVd9cuCWYZaWamAk=');
  });

  it('does not sign a JSON body (C++), signs the query (TypeScript sentWith)', () => {
    expect(oauthSignature({ ...KEY, method: 'POST', url: TOKEN_URL })).toBe(
      'oNAvHI+PjAFqfhizcf4kpF8+TlsvDKnNjZ6F++sszDc=',
    );
    expect(oauthSignature({ ...KEY, method: 'POST', url: `${TOKEN_URL}?sentWith=OLP-TS-SDK-1.12.0` })).toBe(
      'T5PqBHYtMPj2n31z2RPRkAg+xhWdQqM1EKoHmT+ia8M=',
    );
  });

  it('drops default ports and lowercases scheme and host in the base string', () => {
    const base = signatureBaseString('post', new URL('HTTPS://Account.API.here.com:443/oauth2/token'), []);
    expect(base).toBe('POST&https%3A%2F%2Faccount.api.here.com%2Foauth2%2Ftoken&');
  });

  it("writes a header the server's parser reads, with the signature the server computes", () => {
    const header = oauthAuthorizationHeader({ ...KEY, method: 'POST', url: TOKEN_URL });
    expect(header).toBe(
      'OAuth oauth_consumer_key="access-key-id",oauth_nonce="AAECAw",oauth_signature_method="HMAC-SHA256",' +
        'oauth_timestamp="1600000000",oauth_version="1.0",oauth_signature="oNAvHI%2BPjAFqfhizcf4kpF8%2BTlsvDKnNjZ6F%2B%2BsszDc%3D"',
    );
    const parsed = parseOAuthHeader(header);
    if (!(parsed instanceof Map)) throw new Error('header not parsed');
    expect(parsed.get('oauth_signature')).toBe(
      hmacSha256Signature(
        serverBaseString(
          'POST',
          normalizeBaseUrl(new URL(TOKEN_URL)),
          [...parsed].filter(([name]) => name !== 'oauth_signature'),
        ),
        KEY.accessKeySecret,
      ),
    );
  });

  it('uses a fresh 32-hex-digit nonce for each header', () => {
    const first = oauthAuthorizationHeader({ ...KEY, nonce: undefined, method: 'POST', url: TOKEN_URL });
    const second = oauthAuthorizationHeader({ ...KEY, nonce: undefined, method: 'POST', url: TOKEN_URL });
    const nonce = (header: string) => /oauth_nonce="([^"]+)"/.exec(header)?.[1];
    expect(nonce(first)).toMatch(/^[0-9a-f]{32}$/);
    expect(nonce(first)).not.toBe(nonce(second));
  });
});
