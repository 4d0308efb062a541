import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CredentialsError } from './errors.js';
import { parseProperties } from './properties.js';

/** What `credentials.properties` holds (spec §2): an access key of an app, and where to get tokens with it. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  tokenEndpointUrl: string;
  userId?: string | undefined;
  clientId?: string | undefined;
  /** `here.token.scope`: the project HRN tokens are requested for, unless the caller names another. */
  scope?: string | undefined;
}

/** The keys HERE's portal and Gatehouse write into `credentials.properties`. */
export const PROPERTY_KEYS = {
  userId: 'here.user.id',
  clientId: 'here.client.id',
  accessKeyId: 'here.access.key.id',
  accessKeySecret: 'here.access.key.secret',
  tokenEndpointUrl: 'here.token.endpoint.url',
  scope: 'here.token.scope',
} as const satisfies Record<keyof Credentials, string>;

/** The same settings as environment variables (HERE's Python SDK and `HERE_TOKEN_SCOPE`). */
export const ENV_KEYS = {
  userId: 'HERE_USER_ID',
  clientId: 'HERE_CLIENT_ID',
  accessKeyId: 'HERE_ACCESS_KEY_ID',
  accessKeySecret: 'HERE_ACCESS_KEY_SECRET',
  tokenEndpointUrl: 'HERE_TOKEN_ENDPOINT_URL',
  scope: 'HERE_TOKEN_SCOPE',
} as const satisfies Record<keyof Credentials, string>;

/** HERE's default token endpoint, used by HERE's SDKs when a file names none. */
export const HERE_TOKEN_ENDPOINT_URL = 'https://account.api.here.com/oauth2/token';

/** `~/.here/credentials.properties`, where HERE's portal tells users to put the file. */
export function defaultCredentialsPath(home = homedir()): string {
  return path.join(home, '.here', 'credentials.properties');
}

/** Reads the settings of a `credentials.properties` text; `source` names the file in error messages. */
export function credentialsFromProperties(text: string, source = 'credentials.properties'): Credentials {
  const properties = parseProperties(text);
  return complete(
    Object.fromEntries(
      Object.entries(PROPERTY_KEYS).map(([field, key]) => [field, properties.get(key)?.trim() || undefined]),
    ),
    source,
    PROPERTY_KEYS,
  );
}

/** Credentials from `HERE_*` variables, or undefined when `HERE_ACCESS_KEY_ID` is not set. */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env) {
  if (!env[ENV_KEYS.accessKeyId]) return undefined;
  return complete(
    Object.fromEntries(Object.entries(ENV_KEYS).map(([field, key]) => [field, env[key]?.trim() || undefined])),
    'the environment',
    ENV_KEYS,
  );
}

export async function credentialsFromFile(file: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CredentialsError(
      code === 'ENOENT'
        ? `No credentials file at ${file}. Download credentials.properties for an app (or run \`gatehouse app key access create\`) and put it there, or pass its path.`
        : `Cannot read the credentials file ${file}: ${(error as Error).message}`,
    );
  }
  return credentialsFromProperties(text, file);
}

export interface CredentialSources {
  /** Credentials given directly: they win over everything else. */
  credentials?: Credentials;
  /** A `credentials.properties` file to read instead of the default one. */
  file?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for the default file (tests). */
  home?: string;
}

/**
 * Finds credentials in HERE's order: given ones, a given file, `HERE_*` environment variables, then
 * `~/.here/credentials.properties`.
 */
export async function loadCredentials(sources: CredentialSources = {}): Promise<Credentials> {
  if (sources.credentials) return sources.credentials;
  if (sources.file !== undefined) return credentialsFromFile(sources.file);
  const fromEnv = credentialsFromEnv(sources.env ?? process.env);
  if (fromEnv) return fromEnv;
  return credentialsFromFile(defaultCredentialsPath(sources.home));
}

/** Writes credentials as `credentials.properties` text, in the layout HERE's portal uses. */
export function formatCredentialsProperties(credentials: Credentials): string {
  const lines: string[] = [];
  for (const [field, key] of Object.entries(PROPERTY_KEYS) as Array<[keyof Credentials, string]>) {
    const value = credentials[field];
    if (value !== undefined) lines.push(`${key} = ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

function complete(
  values: Partial<Record<keyof Credentials, string | undefined>>,
  source: string,
  names: Record<keyof Credentials, string>,
): Credentials {
  const missing = (['accessKeyId', 'accessKeySecret'] as const).filter((field) => !values[field]);
  if (missing.length > 0) {
    throw new CredentialsError(`${missing.map((field) => names[field]).join(' and ')} missing in ${source}.`);
  }
  const tokenEndpointUrl = values.tokenEndpointUrl ?? HERE_TOKEN_ENDPOINT_URL;
  if (!URL.canParse(tokenEndpointUrl)) {
    throw new CredentialsError(`${names.tokenEndpointUrl} in ${source} is not a URL: ${tokenEndpointUrl}`);
  }
  return {
    accessKeyId: values.accessKeyId as string,
    accessKeySecret: values.accessKeySecret as string,
    tokenEndpointUrl,
    ...(values.userId ? { userId: values.userId } : {}),
    ...(values.clientId ? { clientId: values.clientId } : {}),
    ...(values.scope ? { scope: values.scope } : {}),
  };
}
