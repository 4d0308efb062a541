import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialsError,
  credentialsFromEnv,
  credentialsFromProperties,
  formatCredentialsProperties,
  HERE_TOKEN_ENDPOINT_URL,
  loadCredentials,
  parseProperties,
  resolveScope,
} from '../src/index.js';

/** HERE's sample file (spec §2), exactly as the portal writes it. */
const PORTAL_FILE = `here.user.id = HERE-01966c94-aaf1-4ae2-a1y6-6516b3f9b6c1
here.client.id = mzLcb1rL8nskvDQpCAAO
here.access.key.id = BELUTk45QdaYGgZ9A_IMTA
here.access.key.secret = 108lI7w9m8G_6sIw9kng-PXGoeHQQ-cv6xByNOuMcRYixZZp
here.token.endpoint.url = https://account.api.here.com/oauth2/token
`;

describe('Java properties syntax', () => {
  it('reads = and : separators, with or without spaces, and whitespace as separator', () => {
    const properties = parseProperties('a=1\nb = 2\nc:3\nd : 4\ne 5\nf\t=\t6\n');
    expect(Object.fromEntries(properties)).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' });
  });

  it('skips # and ! comments and blank lines, but not a # inside a value', () => {
    const properties = parseProperties('# comment\n  ! also a comment\n\n   \nkey = value # not a comment\n');
    expect(Object.fromEntries(properties)).toEqual({ key: 'value # not a comment' });
  });

  it('joins continuation lines, dropping the leading whitespace of the next line', () => {
    const properties = parseProperties('secret = abc\\\n      def\\\n   ghi\nnext = 1\n');
    expect(properties.get('secret')).toBe('abcdefghi');
    expect(properties.get('next')).toBe('1');
  });

  it('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    const properties = parseProperties('path = C:\\\\dir\\\\\nother = 2\n');
    expect(properties.get('path')).toBe('C:\\dir\\');
    expect(properties.get('other')).toBe('2');
  });

  it('decodes escapes, including escaped separators in keys and \\u sequences', () => {
    const properties = parseProperties('a\\=b = c\\:d\nname = caf\\u00e9\\tx\nq = \\q\n');
    expect(properties.get('a=b')).toBe('c:d');
    expect(properties.get('name')).toBe('café\tx');
    expect(properties.get('q')).toBe('q');
  });

  it('handles CRLF and CR line ends, a BOM, an empty value and the last key winning', () => {
    const properties = parseProperties('\uFEFFa = 1\r\nb = 2\rempty =\r\na = 3');
    expect(Object.fromEntries(properties)).toEqual({ a: '3', b: '2', empty: '' });
  });

  it('a comment line ending in a backslash does not continue', () => {
    const properties = parseProperties('# comment \\\nkey = value\n');
    expect(Object.fromEntries(properties)).toEqual({ key: 'value' });
  });
});

describe('credentials.properties', () => {
  it("reads HERE's portal file", () => {
    expect(credentialsFromProperties(PORTAL_FILE)).toEqual({
      userId: 'HERE-01966c94-aaf1-4ae2-a1y6-6516b3f9b6c1',
      clientId: 'mzLcb1rL8nskvDQpCAAO',
      accessKeyId: 'BELUTk45QdaYGgZ9A_IMTA',
      accessKeySecret: '108lI7w9m8G_6sIw9kng-PXGoeHQQ-cv6xByNOuMcRYixZZp',
      tokenEndpointUrl: 'https://account.api.here.com/oauth2/token',
    });
  });

  it('reads here.token.scope, trims trailing spaces and defaults the endpoint to HERE', () => {
    const credentials = credentialsFromProperties(
      'here.access.key.id:id   \nhere.access.key.secret:secret\t\nhere.token.scope = hrn:here:authorization::org:project/p-1\n',
    );
    expect(credentials).toEqual({
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      tokenEndpointUrl: HERE_TOKEN_ENDPOINT_URL,
      scope: 'hrn:here:authorization::org:project/p-1',
    });
  });

  it('names the missing keys and the file', () => {
    expect(() => credentialsFromProperties('here.access.key.id = x\n', '/tmp/c.properties')).toThrow(
      new CredentialsError('here.access.key.secret missing in /tmp/c.properties.'),
    );
    expect(() => credentialsFromProperties('here.access.key.id =\nhere.access.key.secret = \n')).toThrow(
      /here\.access\.key\.id and here\.access\.key\.secret missing/,
    );
  });

  it('refuses a token endpoint that is not a URL', () => {
    expect(() =>
      credentialsFromProperties('here.access.key.id=a\nhere.access.key.secret=b\nhere.token.endpoint.url=nope\n'),
    ).toThrow(/here\.token\.endpoint\.url .* is not a URL: nope/);
  });

  it('writes what it reads', () => {
    const credentials = credentialsFromProperties(PORTAL_FILE);
    expect(credentialsFromProperties(formatCredentialsProperties(credentials))).toEqual(credentials);
    expect(formatCredentialsProperties(credentials)).toBe(PORTAL_FILE);
  });
});

describe('credentials from the environment', () => {
  it('reads HERE_* variables including the scope', () => {
    expect(
      credentialsFromEnv({
        HERE_ACCESS_KEY_ID: 'id',
        HERE_ACCESS_KEY_SECRET: 'secret',
        HERE_TOKEN_ENDPOINT_URL: 'http://127.0.0.1:1/oauth2/token',
        HERE_TOKEN_SCOPE: 'hrn:here:authorization::org:project/p',
        HERE_CLIENT_ID: 'client',
        HERE_USER_ID: 'HERE-1',
      }),
    ).toEqual({
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      tokenEndpointUrl: 'http://127.0.0.1:1/oauth2/token',
      scope: 'hrn:here:authorization::org:project/p',
      clientId: 'client',
      userId: 'HERE-1',
    });
  });

  it('is absent without HERE_ACCESS_KEY_ID, and names HERE_ACCESS_KEY_SECRET when only it is missing', () => {
    expect(credentialsFromEnv({ HERE_ACCESS_KEY_SECRET: 'x' })).toBeUndefined();
    expect(() => credentialsFromEnv({ HERE_ACCESS_KEY_ID: 'x' })).toThrow('HERE_ACCESS_KEY_SECRET missing');
  });
});

describe('where credentials come from', () => {
  let home: string;
  const fileCredentials = 'here.access.key.id = from-file\nhere.access.key.secret = s\n';

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'gatehouse-sdk-home-'));
    await mkdir(path.join(home, '.here'));
    await writeFile(path.join(home, '.here', 'credentials.properties'), fileCredentials);
    await writeFile(path.join(home, 'other.properties'), 'here.access.key.id = other\nhere.access.key.secret = s\n');
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  const env = { HERE_ACCESS_KEY_ID: 'from-env', HERE_ACCESS_KEY_SECRET: 's' };
  const given = { accessKeyId: 'given', accessKeySecret: 's', tokenEndpointUrl: HERE_TOKEN_ENDPOINT_URL };

  it('given credentials > given file > environment > ~/.here/credentials.properties', async () => {
    const file = path.join(home, 'other.properties');
    expect((await loadCredentials({ credentials: given, file, env, home })).accessKeyId).toBe('given');
    expect((await loadCredentials({ file, env, home })).accessKeyId).toBe('other');
    expect((await loadCredentials({ env, home })).accessKeyId).toBe('from-env');
    expect((await loadCredentials({ env: {}, home })).accessKeyId).toBe('from-file');
  });

  it('says where to put the file when there is none', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'gatehouse-sdk-empty-'));
    try {
      await expect(loadCredentials({ env: {}, home: empty })).rejects.toThrow(
        `No credentials file at ${path.join(empty, '.here', 'credentials.properties')}`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('scope precedence', () => {
  const credentials = { accessKeyId: 'a', accessKeySecret: 'b', tokenEndpointUrl: HERE_TOKEN_ENDPOINT_URL };
  it('explicit > here.token.scope > none (the server then applies the app default)', () => {
    const fromFile = { ...credentials, scope: 'hrn:here:authorization::o:project/file' };
    expect(resolveScope('hrn:here:authorization::o:project/flag', fromFile)).toBe(
      'hrn:here:authorization::o:project/flag',
    );
    expect(resolveScope(undefined, fromFile)).toBe('hrn:here:authorization::o:project/file');
    expect(resolveScope(undefined, credentials)).toBeUndefined();
  });
});
