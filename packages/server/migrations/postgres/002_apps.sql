-- Apps (OAuth clients) and their credentials, permissions granted to identities, and revoked access tokens.

CREATE TABLE apps (
  id TEXT PRIMARY KEY REFERENCES identities (id) ON DELETE CASCADE,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'deactivated')),
  application_type TEXT NOT NULL CHECK (application_type IN ('application', 'service')),
  token_duration INTEGER NOT NULL,
  app_creation_enabled INTEGER NOT NULL CHECK (app_creation_enabled IN (0, 1)),
  redirect_uris TEXT NOT NULL,
  allowed_scopes TEXT NOT NULL,
  response_types TEXT NOT NULL,
  referrers TEXT NOT NULL,
  token_endpoint_auth_method TEXT NOT NULL,
  default_scope TEXT,
  is_restricted_scope INTEGER NOT NULL CHECK (is_restricted_scope IN (0, 1)),
  always_project_scope INTEGER NOT NULL CHECK (always_project_scope IN (0, 1)),
  -- Legacy APP CODE credential, sealed with the master key; NULL when the app has none.
  app_code_sealed TEXT,
  creator_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX apps_realm ON apps (realm_id, created_at, id);
CREATE INDEX apps_creator ON apps (creator_id);

-- OAuth 2.0 access keys: the secret is needed to check HMAC signatures, so it is sealed, not hashed.
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX access_keys_app ON access_keys (app_id, created_at);

-- API keys: 256 random bits, looked up by their SHA-256. `id` is the opaque part of the apiKey HRN.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX api_keys_app ON api_keys (app_id, created_at);

-- Permissions granted directly to an identity (user, app or group) on a resource HRN, which may be a pattern.
CREATE TABLE permissions (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  resource_hrn TEXT NOT NULL,
  effect TEXT NOT NULL CHECK (effect IN ('allow', 'deny')),
  created_at BIGINT NOT NULL,
  UNIQUE (identity_id, resource_hrn, action, effect)
);
CREATE INDEX permissions_resource ON permissions (resource_hrn, action);

-- Access tokens revoked before their expiry (RFC 7009), kept until they would have expired.
CREATE TABLE revoked_tokens (
  jti TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
