import {
  type Credentials,
  CredentialsError,
  credentialsFromEnv,
  credentialsFromFile,
  defaultCredentialsPath,
  GatehouseClient,
} from '@gatehouse/sdk';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { ProfileStore } from './profiles.js';

/** `--user`, `--app` and `--group` options naming members. */
export interface NamedMemberOptions {
  user?: string[];
  app?: string[];
  group?: string[];
}

export interface NamedMember {
  kind: 'user' | 'app' | 'group';
  /** As given. */
  id: string;
  hrn: string;
}

/** Options every command takes (see `gatehouse --help`). */
export interface GlobalOptions {
  credentials?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
  url?: string;
}

/** Who the credentials belong to: their app, its organization and HRN partition. */
export interface CallerIdentity {
  clientId: string;
  realm: string;
  partition: string;
}

/** What a command needs: output, credentials and a client, built from the global options. */
export class CommandContext {
  readonly io: CliIo;
  readonly options: GlobalOptions;
  readonly output: Output;
  readonly profiles: ProfileStore;
  #client: GatehouseClient | undefined;
  #identity: CallerIdentity | undefined;

  constructor(io: CliIo, options: GlobalOptions) {
    this.io = io;
    this.options = options;
    this.output = new Output(io, options);
    this.profiles = new ProfileStore(io.home);
  }

  /**
   * Credentials in this order: `--credentials <file>`, `--profile <name>`, `HERE_*` variables, the `default`
   * profile, `~/.here/credentials.properties`. `--url` replaces the server they name.
   */
  async credentials(): Promise<Credentials> {
    const found = await this.#findCredentials();
    if (this.options.url === undefined) return found;
    return { ...found, tokenEndpointUrl: `${this.baseUrl()}/oauth2/token` };
  }

  async #findCredentials(): Promise<Credentials> {
    if (this.options.credentials !== undefined) return credentialsFromFile(this.options.credentials);
    if (this.options.profile !== undefined) {
      const profile = await this.profiles.load(this.options.profile);
      if (!profile) {
        throw new CredentialsError(
          `No profile "${this.options.profile}". Create it with \`gatehouse credentials import <file> --profile ${this.options.profile}\`.`,
        );
      }
      return profile;
    }
    const fromEnv = credentialsFromEnv(this.io.env);
    if (fromEnv) return fromEnv;
    const fallback = await this.profiles.load('default');
    if (fallback) return fallback;
    const file = defaultCredentialsPath(this.io.home);
    return credentialsFromFile(file).catch((error: unknown) => {
      if (!(error instanceof CredentialsError) || !error.message.startsWith('No credentials file')) throw error;
      throw new CredentialsError(
        'No credentials found. Pass --credentials <credentials.properties>, import a file with ' +
          '`gatehouse credentials import <file>`, set HERE_ACCESS_KEY_ID and HERE_ACCESS_KEY_SECRET, ' +
          `or put the file at ${file}.`,
      );
    });
  }

  /** `--url` without a trailing slash, if given. */
  baseUrl(): string | undefined {
    return this.options.url?.replace(/\/+$/, '');
  }

  async client(scope?: string): Promise<GatehouseClient> {
    if (this.#client && scope === undefined) return this.#client;
    const client = new GatehouseClient({
      credentials: await this.credentials(),
      ...(this.baseUrl() !== undefined ? { baseUrl: this.baseUrl() } : {}),
      ...(scope !== undefined ? { scope } : {}),
    });
    if (scope === undefined) this.#client = client;
    return client;
  }

  /** The calling app (`GET /app/me`), asked once. */
  async identity(): Promise<CallerIdentity> {
    if (this.#identity) return this.#identity;
    const me = await (await this.client()).me();
    const partition = me.hrn?.split(':')[1] || 'here';
    this.#identity = { clientId: me.clientId, realm: me.realm, partition };
    return this.#identity;
  }

  /** A member given as HRN, user id (`HERE-…`), group id (`GROUP-…`) or app id, as an HRN. */
  async memberHrn(reference: string): Promise<string> {
    if (!reference.startsWith('GROUP-'))
      return this.identityHrn(reference.startsWith('HERE-') ? 'user' : 'app', reference);
    const { realm, partition } = await this.identity();
    return `hrn:${partition}:authorization::${realm}:group/${reference}`;
  }

  /**
   * The users, apps and groups named by `--user`, `--app` and `--group` options (ids or HRNs), as HRNs with their
   * kind, in that order.
   */
  async namedMembers(options: NamedMemberOptions): Promise<NamedMember[]> {
    return Promise.all([
      ...(options.user ?? []).map(async (id) => ({
        kind: 'user' as const,
        id,
        hrn: await this.identityHrn('user', id),
      })),
      ...(options.app ?? []).map(async (id) => ({ kind: 'app' as const, id, hrn: await this.identityHrn('app', id) })),
      ...(options.group ?? []).map(async (id) => ({ kind: 'group' as const, id, hrn: await this.memberHrn(id) })),
    ]);
  }

  /** A user or an app given as HRN or id, as an HRN. */
  async identityHrn(kind: 'user' | 'app', reference: string): Promise<string> {
    if (reference.startsWith('hrn:')) return reference;
    const { realm, partition } = await this.identity();
    return `hrn:${partition}:account::${realm}:${kind}/${reference}`;
  }

  /** A project given as HRN or id, as an HRN. */
  async projectHrn(reference: string): Promise<string> {
    if (reference.startsWith('hrn:')) return reference;
    const { realm, partition } = await this.identity();
    return `hrn:${partition}:authorization::${realm}:project/${reference}`;
  }
}
