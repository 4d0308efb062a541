import {
  type AccessFilterRequest,
  AccessKeyList,
  ApiKey,
  ApiKeyList,
  App,
  AppList,
  type CreateAppRequest,
  CreatedAccessKey,
  DefaultScopeResponse,
  EntityGrant,
  EntityGrantList,
  type EntityType,
  type InviteRequest,
  InviteResponse,
  type PatchAppRequest,
  type PatchProjectSettings,
  type ProjectPolicyRequest,
  type ProjectPolicyUpdate,
  type RegisterResourceRequest,
  type ResourceRelationRequest,
  type ResourceSetting,
  type UpdateApiKeyRequest,
} from '@gatehouse/contracts';
import { z } from 'zod';
import { type CredentialSources, type Credentials, loadCredentials } from './credentials.js';
import { GatehouseError } from './errors.js';
import { TokenProvider } from './token-provider.js';
import { HttpTransport, type TransportOptions } from './transport.js';
import {
  AccessFilter,
  AccessFilterAttachment,
  AccessFilterAttachmentList,
  AccessFilterList,
  AppIdentity,
  type DecisionRequest,
  DecisionResponse,
  ExternalResourceList,
  Group,
  GroupList,
  GroupMemberList,
  LinkableResource,
  LinkableResourceList,
  PermissionList,
  Project,
  ProjectList,
  ProjectMemberList,
  ProjectPolicy,
  ProjectPolicyList,
  ProjectResource,
  ProjectResourceList,
  ProjectResourceResults,
  ProjectSettings,
  Resource,
  ResourceList,
  ResourceProjectList,
  ResourceSettings,
  ResourceTypeList,
  Role,
  RoleEntity,
  RoleEntityList,
  RoleList,
  Service,
  ServiceActions,
  ServiceList,
} from './wire.js';

const AUTHN = '/authentication/v1.1';
const AUTHZ = '/authorization/v1.1';

export interface ClientOptions extends TransportOptions {
  /** Server base URL, e.g. `https://iam.example.com`; defaults to the credentials' token endpoint without `/oauth2/token`. */
  baseUrl?: string;
  /** App credentials: tokens are obtained and renewed with them. */
  credentials?: Credentials;
  /** Project HRN for the app's tokens (see {@link TokenProvider}). */
  scope?: string;
  /** A ready token provider, e.g. one shared by several clients. */
  tokenProvider?: TokenProvider;
  /** A bearer token to use as is (a user token, say), instead of credentials. */
  accessToken?: string;
}

/** Paging parameters: `limit` for newer APIs, `count` for older ones; `pageToken` from the previous page. */
export interface Page {
  pageToken?: string;
  limit?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/** The base URL of the server that issues tokens at `tokenEndpointUrl`. */
export function baseUrlOf(tokenEndpointUrl: string): string {
  const url = new URL(tokenEndpointUrl);
  url.pathname = url.pathname.replace(/\/oauth2\/token\/?$/, '');
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * Typed client of the Gatehouse (and HERE IAM) management APIs. Answers are checked against the contract schemas;
 * refusals throw {@link GatehouseError} with HERE's `errorCode`, `errorId`, `httpStatus` and message.
 *
 * @example
 * const client = await GatehouseClient.fromCredentials(); // ~/.here/credentials.properties or HERE_* variables
 * const { items } = await client.apps.list();
 */
export class GatehouseClient {
  readonly baseUrl: string;
  readonly transport: HttpTransport;
  readonly tokenProvider: TokenProvider | undefined;
  readonly #accessToken: string | undefined;

  constructor(options: ClientOptions) {
    this.transport = new HttpTransport(options);
    const credentials = options.credentials;
    this.tokenProvider =
      options.tokenProvider ??
      (credentials
        ? new TokenProvider({
            credentials,
            transport: this.transport,
            ...(options.scope !== undefined ? { scope: options.scope } : {}),
          })
        : undefined);
    this.#accessToken = options.accessToken;
    const base = options.baseUrl ?? (credentials ? baseUrlOf(credentials.tokenEndpointUrl) : undefined);
    if (base === undefined) throw new TypeError('GatehouseClient needs a baseUrl or credentials.');
    this.baseUrl = base.replace(/\/+$/, '');
  }

  /** A client for the credentials found by {@link loadCredentials} (given, file, `HERE_*` variables, default file). */
  static async fromCredentials(sources: CredentialSources & Omit<ClientOptions, 'credentials'> = {}) {
    return new GatehouseClient({ ...sources, credentials: await loadCredentials(sources) });
  }

  /** Sends a request with the bearer token; a 401 with a cached token is retried once with a fresh one. */
  async request<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: T,
    options: { query?: Query; json?: unknown; token?: string; idempotent?: boolean } = {},
  ): Promise<z.infer<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const send = (token: string) =>
      this.transport.send({
        method,
        url: url.toString(),
        headers: () => ({ Authorization: `Bearer ${token}` }),
        ...(options.json !== undefined ? { json: options.json } : {}),
        ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
      });
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(options.token ?? (await this.bearerToken()));
    } catch (error) {
      if (!(error instanceof GatehouseError && error.httpStatus === 401 && this.#renewable(options.token))) throw error;
      this.tokenProvider?.invalidate();
      response = await send(await this.bearerToken());
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      throw new GatehouseError({
        httpStatus: response.status,
        message: `${method} ${path} answered outside its contract: ${z.prettifyError(parsed.error)}`,
      });
    }
    return parsed.data;
  }

  /** The token requests are sent with. */
  async bearerToken(): Promise<string> {
    if (this.#accessToken !== undefined) return this.#accessToken;
    if (!this.tokenProvider) throw new TypeError('GatehouseClient has neither credentials nor an access token.');
    return (await this.tokenProvider.getToken()).accessToken;
  }

  #renewable(explicitToken: string | undefined): boolean {
    return explicitToken === undefined && this.#accessToken === undefined && this.tokenProvider !== undefined;
  }

  /** The calling app (`GET /app/me`). */
  me() {
    return this.request('GET', '/app/me', AppIdentity);
  }

  readonly apps = {
    list: (page: Page & { action?: 'read' | 'write' | 'manage' | 'share' } = {}) =>
      this.request('GET', `${AUTHN}/apps`, AppList, { query: { ...page } }),
    create: (app: CreateAppRequest) => this.request('POST', `${AUTHN}/apps`, App, { json: app }),
    get: (app: string) => this.request('GET', `${AUTHN}/apps/${segment(app)}`, App),
    update: (app: string, changes: PatchAppRequest) =>
      this.request('PATCH', `${AUTHN}/apps/${segment(app)}`, App, { json: changes }),
    delete: (app: string) => this.request('DELETE', `${AUTHN}/apps/${segment(app)}`, z.undefined()),
    setAppCreationEnabled: (app: string, enabled: boolean) =>
      this.request(enabled ? 'PUT' : 'DELETE', `${AUTHN}/apps/${segment(app)}/appCreationEnabled`, z.undefined()),
  };

  readonly accessKeys = {
    /** The answer is the only place the secret appears, with the `credentials.properties` text. */
    create: (app: string) => this.request('POST', `${AUTHN}/apps/${segment(app)}/accessKeys`, CreatedAccessKey),
    list: (app: string, page: Page = {}) =>
      this.request('GET', `${AUTHN}/apps/${segment(app)}/accessKeys`, AccessKeyList, { query: { ...page } }),
    enable: (app: string, key: string) => this.#keyAction(app, key, 'enable'),
    disable: (app: string, key: string) => this.#keyAction(app, key, 'disable'),
    delete: (app: string, key: string) =>
      this.request('DELETE', `${AUTHN}/apps/${segment(app)}/accessKeys/${segment(key)}`, z.undefined()),
  };

  #keyAction(app: string, key: string, verb: 'enable' | 'disable') {
    return this.request('POST', `${AUTHN}/apps/${segment(app)}/accessKeys/${segment(key)}/${verb}`, z.undefined());
  }

  readonly apiKeys = {
    /** `apiKeyId`, the usable key, is in this answer only. */
    create: (app: string, key: { name: string; expiresAt?: number; enabled?: boolean }) =>
      this.request('POST', `${AUTHN}/apps/${segment(app)}/apiKeys`, ApiKey, { json: key }),
    list: (app: string, page: Page = {}) =>
      this.request('GET', `${AUTHN}/apps/${segment(app)}/apiKeys`, ApiKeyList, { query: { ...page } }),
    get: (app: string, key: string) =>
      this.request('GET', `${AUTHN}/apps/${segment(app)}/apiKeys/${segment(key)}`, ApiKey),
    /** A new name or expiry (epoch milliseconds, `-1` for never). */
    update: (app: string, key: string, changes: UpdateApiKeyRequest) =>
      this.request('PATCH', `${AUTHN}/apps/${segment(app)}/apiKeys/${segment(key)}`, ApiKey, { json: changes }),
    enable: (app: string, key: string) =>
      this.request('POST', `${AUTHN}/apps/${segment(app)}/apiKeys/${segment(key)}/enable`, z.undefined()),
    /** A disabled key is refused until it is enabled again. */
    disable: (app: string, key: string) =>
      this.request('POST', `${AUTHN}/apps/${segment(app)}/apiKeys/${segment(key)}/disable`, z.undefined()),
    delete: (app: string, key: string) =>
      this.request('DELETE', `${AUTHN}/apps/${segment(app)}/apiKeys/${segment(key)}`, z.undefined()),
  };

  readonly defaultScope = {
    get: (app: string) => this.request('GET', `${AUTHN}/apps/${segment(app)}/defaultScope`, DefaultScopeResponse),
    set: (app: string, scope: { scope: string; isRestricted?: boolean; alwaysProjectScope?: boolean }) =>
      this.request('PUT', `${AUTHN}/apps/${segment(app)}/defaultScope`, DefaultScopeResponse, { json: scope }),
    remove: (app: string) => this.request('DELETE', `${AUTHN}/apps/${segment(app)}/defaultScope`, z.undefined()),
  };

  /** Direct grants of actions on a resource (app managers, sharing). */
  readonly grants = {
    list: (resource: string, entityType?: EntityType) =>
      this.request('GET', `${AUTHZ}/grants/resources/${segment(resource)}/entities`, EntityGrantList, {
        query: { entityType },
      }),
    grant: (resource: string, entity: string, entityType: EntityType, action: string) =>
      this.request('POST', this.#grantPath(resource, entity, action), EntityGrant, { query: { entityType } }),
    revoke: (resource: string, entity: string, entityType: EntityType, action: string) =>
      this.request('DELETE', this.#grantPath(resource, entity, action), z.undefined(), { query: { entityType } }),
  };

  #grantPath(resource: string, entity: string, action: string) {
    return `${AUTHZ}/grants/resources/${segment(resource)}/entities/${segment(entity)}/actions/${segment(action)}`;
  }

  readonly invites = {
    create: (realm: string, invite: InviteRequest) =>
      this.request('POST', `${AUTHZ}/realms/${segment(realm)}/invites`, InviteResponse, { json: invite }),
  };

  /** Groups (`/authorization/v1.1/groups`, spec notes-authz-v11). `group` is its id `GROUP-…` or HRN. */
  readonly groups = {
    list: (page: { q?: string; count?: number; pageToken?: string } = {}) =>
      this.request('GET', `${AUTHZ}/groups`, GroupList, { query: { ...page } }),
    create: (group: { name: string; description?: string }) =>
      this.request('POST', `${AUTHZ}/groups`, Group, { json: group }),
    get: (group: string) => this.request('GET', `${AUTHZ}/groups/${segment(group)}`, Group),
    /** HERE updates a group with POST, not PUT or PATCH. */
    update: (group: string, changes: { name: string; description?: string }) =>
      this.request('POST', `${AUTHZ}/groups/${segment(group)}`, Group, { json: changes }),
    delete: (group: string) => this.request('DELETE', `${AUTHZ}/groups/${segment(group)}`, z.undefined()),
    members: {
      list: (group: string, page: { count?: number; pageToken?: string; entityType?: string } = {}) =>
        this.request('GET', `${AUTHZ}/groups/${segment(group)}/members`, GroupMemberList, { query: { ...page } }),
      /** `member` is a user or app HRN. */
      add: (group: string, member: string) =>
        this.request('POST', `${AUTHZ}/groups/${segment(group)}/members/${segment(member)}`, z.unknown()),
      remove: (group: string, member: string) =>
        this.request('DELETE', `${AUTHZ}/groups/${segment(group)}/members/${segment(member)}`, z.undefined()),
    },
    permissions: (group: string, page: { count?: number; pageToken?: string } = {}) =>
      this.request('GET', `${AUTHZ}/groups/${segment(group)}/permissions`, PermissionList, { query: { ...page } }),
  };

  /** Projects (`/authorization/v1.1/projects`). `project` is its HRN. */
  readonly projects = {
    list: (page: Page & { q?: string } = {}) =>
      this.request('GET', `${AUTHZ}/projects`, ProjectList, { query: { ...page } }),
    create: (project: { id: string; name: string; description?: string }) =>
      this.request('POST', `${AUTHZ}/projects`, Project, { json: project }),
    get: (project: string) => this.request('GET', `${AUTHZ}/projects/${segment(project)}`, Project),
    delete: (project: string) => this.request('DELETE', `${AUTHZ}/projects/${segment(project)}`, z.unknown()),
    members: {
      list: (project: string, page: Page = {}) =>
        this.request('GET', `${AUTHZ}/projects/${segment(project)}/members`, ProjectMemberList, {
          query: { ...page },
        }),
      /** `member` is a user, app or group HRN. */
      add: (project: string, member: string) =>
        this.request('POST', `${AUTHZ}/projects/${segment(project)}/members/${segment(member)}`, z.unknown()),
      remove: (project: string, member: string) =>
        this.request('DELETE', `${AUTHZ}/projects/${segment(project)}/members/${segment(member)}`, z.undefined()),
    },
    /** Attaches a project policy to a member: what `olp project access grant` does. */
    grantAccess: (project: string, member: string, policy: string) =>
      this.request(
        'POST',
        `${AUTHZ}/projects/${segment(project)}/members/${segment(member)}/policies/${segment(policy)}`,
        z.unknown(),
      ),
    /** Policies attached to one member in the project (HRNs). */
    memberPolicies: (project: string, member: string) =>
      this.request(
        'GET',
        `${AUTHZ}/projects/${segment(project)}/members/${segment(member)}/policies`,
        z.looseObject({ policies: z.array(z.looseObject({ policy: z.string() })) }),
      ),
    /** Takes a project policy back from a member. */
    revokeAccess: (project: string, member: string, policy: string) =>
      this.request(
        'DELETE',
        `${AUTHZ}/projects/${segment(project)}/members/${segment(member)}/policies/${segment(policy)}`,
        z.undefined(),
      ),
    /**
     * Resources created in the project (`relation: home`) or linked into it (`reference`). A link may be limited to
     * `allowedActions` and `subresources`; `externalId` tells apart several links of one resource.
     */
    resources: {
      list: (project: string, filter: Page & { relation?: 'home' | 'reference'; type?: string } = {}) =>
        this.request('GET', `${AUTHZ}/projects/${segment(project)}/resources`, ProjectResourceList, {
          query: { ...filter },
        }),
      /** Up to 20 resources in one request, all homed in or all linked into the project. */
      add: (project: string, relation: 'home' | 'reference', resources: ResourceRelationRequest[]) =>
        this.request('POST', `${AUTHZ}/projects/${segment(project)}/resources`, ProjectResourceResults, {
          query: { relation },
          json: { items: resources },
        }),
      get: (project: string, resource: string, filter: { relation?: 'home' | 'reference'; externalId?: string } = {}) =>
        this.request('GET', this.#projectResourcePath(project, resource), ProjectResource, { query: { ...filter } }),
      remove: (
        project: string,
        resource: string,
        filter: { relation?: 'home' | 'reference'; externalId?: string } = {},
      ) =>
        this.request('DELETE', this.#projectResourcePath(project, resource), z.undefined(), {
          query: { ...filter },
        }),
    },
    /** Custom project policies and HERE's managed ones (`here-platform`, read-only). `policy` is its id or HRN. */
    policies: {
      list: (project: string, filter: { type?: 'custom' | 'here-platform' } = {}) =>
        this.request('GET', `${AUTHZ}/projects/${segment(project)}/policies`, ProjectPolicyList, {
          query: { ...filter },
        }),
      create: (project: string, policy: ProjectPolicyRequest) =>
        this.request('POST', `${AUTHZ}/projects/${segment(project)}/policies`, ProjectPolicy, { json: policy }),
      get: (project: string, policy: string) =>
        this.request('GET', `${AUTHZ}/projects/${segment(project)}/policies/${segment(policy)}`, ProjectPolicy),
      update: (project: string, policy: string, changes: ProjectPolicyUpdate) =>
        this.request('PUT', `${AUTHZ}/projects/${segment(project)}/policies/${segment(policy)}`, ProjectPolicy, {
          json: changes,
        }),
      delete: (project: string, policy: string) =>
        this.request('DELETE', `${AUTHZ}/projects/${segment(project)}/policies/${segment(policy)}`, z.undefined()),
      /** The members the policy is attached to. */
      members: (project: string, policy: string) =>
        this.request(
          'GET',
          `${AUTHZ}/projects/${segment(project)}/policies/${segment(policy)}/members`,
          ProjectMemberList,
        ),
    },
    /** `scopeAccess` and the policies new members get. */
    settings: {
      get: (project: string) => this.request('GET', `${AUTHZ}/projects/${segment(project)}/settings`, ProjectSettings),
      update: (project: string, changes: PatchProjectSettings) =>
        this.request('PATCH', `${AUTHZ}/projects/${segment(project)}/settings`, ProjectSettings, { json: changes }),
    },
  };

  #projectResourcePath(project: string, resource: string) {
    return `${AUTHZ}/projects/${segment(project)}/resources/${segment(resource)}`;
  }

  /**
   * Resources services registered (`resource` is its HRN): where they live, their settings, and where they may be
   * linked. Writes on a resource in a project need a token scoped to that project (`scope` of the client).
   */
  readonly resources = {
    /** A Gatehouse extension: a service registers one of its resources, in a project with `home`. */
    register: (resource: RegisterResourceRequest) =>
      this.request('POST', `${AUTHZ}/resources`, Resource, { json: resource }),
    list: (
      filter: Page & {
        resourceType?: string;
        access?: 'default' | 'manage' | 'readOutsideProject';
        referenceable?: boolean;
        linkable?: boolean;
      } = {},
    ) => this.request('GET', `${AUTHZ}/resources`, ResourceList, { query: { ...filter } }),
    get: (resource: string) => this.request('GET', `${AUTHZ}/resources/${segment(resource)}`, Resource),
    /** The projects the resource is homed in or linked into. */
    projects: (resource: string) =>
      this.request('GET', `${AUTHZ}/resources/${segment(resource)}/projects`, ResourceProjectList),
    /** Every resource of a type in the organization; HERE serves it to project-scoped tokens only. */
    inRealm: (type: string, page: Page = {}) =>
      this.request('GET', `${AUTHZ}/realm/resources`, ResourceList, { query: { type, ...page } }),
    /** Resources of other projects that the caller's resource plans reach. */
    external: (filter: Page & { resourceType?: string; action?: string } = {}) =>
      this.request('GET', `${AUTHZ}/realm/externalResources`, ExternalResourceList, { query: { ...filter } }),
    settings: {
      get: (resource: string) =>
        this.request('GET', `${AUTHZ}/resources/${segment(resource)}/settings`, ResourceSettings),
      set: (resource: string, settings: ResourceSetting) =>
        this.request('PUT', `${AUTHZ}/resources/${segment(resource)}/settings`, ResourceSettings, { json: settings }),
    },
    /** Where a resource homed in a project may be linked: `to` is a project or realm HRN. */
    linkable: {
      list: (resource: string) =>
        this.request('GET', `${AUTHZ}/resources/${segment(resource)}/linkable`, LinkableResourceList),
      add: (resource: string, to: { projectHrn: string } | { realmHrn: string }, allowedActions: string[]) =>
        this.request('POST', `${AUTHZ}/resources/${segment(resource)}/linkable`, LinkableResource, {
          json: { resource, ...to, allowedActions },
        }),
      get: (resource: string, to: string) => this.request('GET', this.#linkablePath(resource, to), LinkableResource),
      update: (resource: string, to: string, allowedActions: string[]) =>
        this.request('PUT', this.#linkablePath(resource, to), LinkableResource, { json: { allowedActions } }),
      remove: (resource: string, to: string) => this.request('DELETE', this.#linkablePath(resource, to), z.undefined()),
    },
  };

  #linkablePath(resource: string, to: string) {
    return `${AUTHZ}/resources/${segment(resource)}/linkable/${segment(to)}`;
  }

  /** The catalog of services Gatehouse decides for, their resource types and the actions of each. */
  readonly services = {
    list: (filter: Page & { serviceIdAlias?: string } = {}) =>
      this.request('GET', `${AUTHZ}/services`, ServiceList, { query: { ...filter } }),
    /** By `SERVICE-…` id or alias (`data`, `pipeline`, …). */
    get: (service: string) => this.request('GET', `${AUTHZ}/services/${segment(service)}`, Service),
    resourceTypes: (page: Page = {}) =>
      this.request('GET', `${AUTHZ}/services/resourceTypes`, ResourceTypeList, { query: { ...page } }),
    /** The actions of a resource type, of one HERE action type (`projectLinkingEnabled`, …) or all. */
    actions: (resourceType: string, actionType?: string) =>
      this.request('GET', `${AUTHZ}/resourceTypes/${segment(resourceType)}/actions`, ServiceActions, {
        query: { actionType },
      }),
  };

  /** Roles of the organization, a group or a project, and who holds them. `role` is its id `ROLE-…` or HRN. */
  readonly roles = {
    list: (filter: { roleName?: string; resourceHrn?: string; count?: number; pageToken?: string } = {}) =>
      this.request('GET', `${AUTHZ}/roles`, RoleList, { query: { ...filter } }),
    /** The roles the caller holds. */
    mine: () => this.request('GET', `${AUTHZ}/roles/me`, RoleList),
    get: (role: string) => this.request('GET', `${AUTHZ}/roles/${segment(role)}`, Role),
    permissions: (role: string) => this.request('GET', `${AUTHZ}/roles/${segment(role)}/permissions`, PermissionList),
    entities: {
      list: (role: string, page: { count?: number; pageToken?: string } = {}) =>
        this.request('GET', `${AUTHZ}/roles/${segment(role)}/entities`, RoleEntityList, { query: { ...page } }),
      get: (role: string, entity: string) =>
        this.request('GET', `${AUTHZ}/roles/${segment(role)}/entities/${segment(entity)}`, RoleEntity),
      /** `entity` is a user or app HRN; a role of a group needs a member of the group. */
      assign: (role: string, entity: string) =>
        this.request('POST', `${AUTHZ}/roles/${segment(role)}/entities/${segment(entity)}`, z.unknown()),
      unassign: (role: string, entity: string) =>
        this.request('DELETE', `${AUTHZ}/roles/${segment(role)}/entities/${segment(entity)}`, z.undefined()),
    },
  };

  /**
   * Access filters: permission boundaries attached to members or to the whole organization. Filters never grant;
   * they keep categories of permissions (`unscoped`, `scoped`, `linkable`) from being evaluated. `filter` is its HRN.
   */
  readonly filters = {
    list: (filter: Page & { type?: 'here-platform' | 'custom' | 'virtual' } = {}) =>
      this.request('GET', `${AUTHZ}/filters`, AccessFilterList, { query: { ...filter } }),
    create: (filter: AccessFilterRequest) => this.request('POST', `${AUTHZ}/filters`, AccessFilter, { json: filter }),
    get: (filter: string) => this.request('GET', `${AUTHZ}/filters/${segment(filter)}`, AccessFilter),
    /** HERE updates a filter with POST and the whole request. */
    update: (filter: string, changes: AccessFilterRequest) =>
      this.request('POST', `${AUTHZ}/filters/${segment(filter)}`, AccessFilter, { json: changes }),
    delete: (filter: string) => this.request('DELETE', `${AUTHZ}/filters/${segment(filter)}`, z.undefined()),
    /** Filters attached to a user or app of the organization. */
    ofMember: (realm: string, member: string) =>
      this.request(
        'GET',
        `${AUTHZ}/realms/${segment(realm)}/members/${segment(member)}/filters`,
        AccessFilterAttachmentList,
      ),
    /** At most 5 per member; `expiresAt` (epoch milliseconds) ends the attachment. */
    attach: (realm: string, member: string, filter: string, expiresAt?: number) =>
      this.request('PUT', this.#memberFilterPath(realm, member, filter), AccessFilterAttachment, {
        json: expiresAt === undefined ? {} : { expiresAt },
      }),
    detach: (realm: string, member: string, filter: string) =>
      this.request('DELETE', this.#memberFilterPath(realm, member, filter), z.undefined()),
  };

  #memberFilterPath(realm: string, member: string, filter: string) {
    return `${AUTHZ}/realms/${segment(realm)}/members/${segment(member)}/filters/${segment(filter)}`;
  }

  /** Unscoped permissions of an organization member (user or app HRN). */
  memberPermissions(realm: string, member: string, page: Page = {}) {
    return this.request(
      'GET',
      `${AUTHZ}/realms/${segment(realm)}/members/${segment(member)}/permissions`,
      PermissionList,
      {
        query: { ...page },
      },
    );
  }

  /**
   * `POST /decision/authorize` (spec §1.9): whether the holder of `token` (default: this client) may perform the
   * actions. Resource servers pass the caller's token.
   */
  authorize(request: DecisionRequest, token?: string) {
    return this.request('POST', '/decision/authorize', DecisionResponse, {
      // A question, not a change: safe to ask again.
      idempotent: true,
      json: {
        ...(request.serviceId !== undefined ? { serviceId: request.serviceId } : {}),
        actions: request.actions,
        diagnostics: request.diagnostics ?? false,
        ...(request.operator === 'or' ? { operator: 'or' } : {}),
      },
      ...(token !== undefined ? { token } : {}),
    });
  }
}
