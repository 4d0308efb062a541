import { z } from 'zod';
import { displayName, EpochMillis, PageToken, pageWithToken } from './common.js';

/** Token lifetime of an app in seconds: HERE's tokens live up to 24 hours (spec §1.5). */
export const TokenDuration = z.number().int().min(60).max(86_400);
export const MAX_TOKEN_DURATION = 86_400;

export const AppStatus = z.enum(['active', 'deactivated']);
export const AppAction = z.enum(['read', 'write', 'manage', 'share']);
export type AppAction = z.infer<typeof AppAction>;

const AppFields = {
  name: displayName(255),
  description: z.string().max(1000).optional(),
  redirectUris: z
    .array(z.url({ protocol: /^https?$/ }).max(2048))
    .max(20)
    .optional(),
  allowedScopes: z
    .array(z.enum(['openid', 'email', 'profile', 'phone']))
    .max(4)
    .optional(),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']).optional(),
  tokenDuration: TokenDuration.optional(),
  responseTypes: z
    .array(z.enum(['code', 'token', 'id_token']))
    .max(3)
    .optional(),
  /** Referrer allow-list: 1-255 characters each, no wildcard, no protocol (spec §6.2). */
  referrers: z
    .array(
      z
        .string()
        .min(1)
        .max(255)
        .regex(/^[^*\s:/]+(?:\/\S*)?$/),
    )
    .max(20)
    .optional(),
  applicationType: z.enum(['application', 'service']).optional(),
};

/** `POST /authentication/v1.1/apps` (`CreateAppRequest`). */
export const CreateAppRequest = z.object(AppFields);
export type CreateAppRequest = z.infer<typeof CreateAppRequest>;

/** `PATCH /authentication/v1.1/apps/{app}`: the given fields change. */
export const PatchAppRequest = z.object(AppFields).partial();
export type PatchAppRequest = z.infer<typeof PatchAppRequest>;

/** HERE's `App`. */
export const App = z.object({
  clientId: z.string(),
  hrn: z.string(),
  realm: z.string(),
  name: z.string(),
  description: z.string().optional(),
  status: AppStatus,
  applicationType: z.enum(['application', 'service']),
  redirectUris: z.array(z.string()),
  allowedScopes: z.array(z.string()),
  responseTypes: z.array(z.string()),
  referrers: z.array(z.string()),
  tokenEndpointAuthMethod: z.string(),
  tokenDuration: z.number().int(),
  appCreationEnabled: z.boolean(),
  appCodeEnabled: z.boolean(),
  /** User or app that created the app (HERE `ownerId`). */
  ownerId: z.string().optional(),
  createdTime: EpochMillis,
});
export type App = z.infer<typeof App>;

/** HERE's `AppInfo` (list item). */
export const AppInfo = z.object({
  id: z.string(),
  hrn: z.string(),
  realm: z.string(),
  name: z.string(),
  description: z.string().optional(),
  status: AppStatus,
  appCreationEnabled: z.boolean(),
  applicationType: z.enum(['application', 'service']),
  createdTime: EpochMillis,
});
export type AppInfo = z.infer<typeof AppInfo>;

export const AppList = pageWithToken(AppInfo);

export const PageLimitQuery = z.object({
  pageToken: PageToken.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

export const AppListQuery = PageLimitQuery.extend({ action: AppAction.optional() });

/** `POST /apps/{app}/accessKeys`: the only answer that carries the secret (spec §6.2). */
export const CreatedAccessKey = z.object({
  accessKeyId: z.string(),
  accessKeyHrn: z.string(),
  accessKeySecret: z.string(),
  clientId: z.string(),
  clientHrn: z.string(),
  tokenEndpointUrl: z.string(),
  enabled: z.boolean(),
  createdTime: EpochMillis,
  /** The `credentials.properties` file HERE's SDKs and CLIs read. */
  credentialsProperties: z.string(),
});
export type CreatedAccessKey = z.infer<typeof CreatedAccessKey>;

export const AccessKey = z.object({
  accessKeyId: z.string(),
  accessKeyHrn: z.string(),
  clientId: z.string(),
  clientHrn: z.string(),
  enabled: z.boolean(),
  createdTime: EpochMillis,
  lastTimeUsed: EpochMillis.optional(),
});
export type AccessKey = z.infer<typeof AccessKey>;

export const AccessKeyList = pageWithToken(AccessKey);

/** `expiresAt` in epoch milliseconds; -1 (HERE's default) never expires. */
const ApiKeyExpiry = z.number().int().min(-1);

export const CreateApiKeyRequest = z.object({
  name: displayName(255),
  expiresAt: ApiKeyExpiry.optional(),
  enabled: z.boolean().optional(),
});

export const UpdateApiKeyRequest = z.object({
  name: displayName(255).optional(),
  expiresAt: ApiKeyExpiry.optional(),
});
export type UpdateApiKeyRequest = z.infer<typeof UpdateApiKeyRequest>;

/**
 * HERE's `ApiKey`. `apiKeyId` is the usable key: it is in the creation answer only, since only its SHA-256 is kept.
 * `apiKey` is an HRN naming the key, not usable as a key.
 */
export const ApiKey = z.object({
  apiKeyId: z.string().optional(),
  apiKey: z.string(),
  identity: z.string(),
  realm: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  createdTime: EpochMillis,
  expiresAt: z.number().int(),
  lastTimeUsed: EpochMillis.optional(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyList = pageWithToken(ApiKey);

/** `PUT /apps/{app}/defaultScope` (spec §1.6). */
export const DefaultScopeRequest = z.object({
  scope: z.string().min(1).max(1024),
  isRestricted: z.boolean().optional(),
  alwaysProjectScope: z.boolean().optional(),
});

export const DefaultScopeResponse = z.object({
  defaultScope: z.string(),
  isRestrictedScope: z.boolean(),
  alwaysProjectScope: z.boolean(),
  /** @deprecated HERE keeps the old names too. */
  scope: z.string(),
  /** @deprecated */
  isRestricted: z.boolean(),
});

/** Deprecated APP CODE credential (`GET /apps/{app}/appCode`). */
export const AppCode = z.object({
  appCode: z.string(),
  appId: z.string(),
  identity: z.string(),
  realm: z.string(),
  createdTime: EpochMillis,
});
