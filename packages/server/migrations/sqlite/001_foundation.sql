-- Organizations, identities, users, sessions, one-time links, the mail outbox, invitations, roles and signing keys.
-- Times are milliseconds since the epoch; booleans are 0/1; lists are JSON text. PostgreSQL keeps the same shape.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  id_normalized TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Every identity that can hold roles, memberships and permissions. Deleting the identity row removes, by cascade,
-- everything that belongs to it.
CREATE TABLE identities (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'app', 'group')),
  created_at INTEGER NOT NULL
);
CREATE INDEX identities_realm ON identities (realm_id, kind);

CREATE TABLE users (
  id TEXT PRIMARY KEY REFERENCES identities (id) ON DELETE CASCADE,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  email_normalized TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  firstname TEXT NOT NULL,
  lastname TEXT NOT NULL,
  dob TEXT,
  country_code TEXT,
  language TEXT,
  phone_number TEXT,
  marketing_enabled INTEGER NOT NULL CHECK (marketing_enabled IN (0, 1)),
  email_verified INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('enabled', 'disabled')),
  deactivated_by TEXT CHECK (deactivated_by IN ('self', 'admin')),
  password_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (realm_id, email_normalized)
);
CREATE INDEX users_email ON users (email_normalized);

-- Invalid sign-in attempts per (email, orgId), keyed by a hash so unknown addresses are not stored.
CREATE TABLE sign_in_guards (
  key TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL,
  locked_until INTEGER,
  updated_at INTEGER NOT NULL
);

-- A user session: one sign-in and the chain of refresh tokens rotated from it.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Single-use links: setup, email verification, password reset. Only the SHA-256 of the token is kept.
CREATE TABLE one_time_tokens (
  token_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'email_verification', 'password_reset')),
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  sent_at INTEGER,
  last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  email_normalized TEXT NOT NULL,
  firstname TEXT,
  lastname TEXT,
  role_ids TEXT NOT NULL,
  group_ids TEXT NOT NULL,
  allow_password_login INTEGER NOT NULL CHECK (allow_password_login IN (0, 1)),
  creator_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'cancelled')),
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  accepted_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX invites_realm ON invites (realm_id, state, created_at);
CREATE INDEX invites_email ON invites (email_normalized, state);
-- At most one pending invitation per address and organization, however many requests race.
CREATE UNIQUE INDEX invites_pending_email ON invites (realm_id, email_normalized) WHERE state = 'pending';

-- Roles are HERE-defined bundles of permissions, instantiated per organization, group or project.
CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  resource_hrn TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (realm_id, name, resource_hrn)
);

CREATE TABLE role_assignments (
  role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  identity_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (role_id, identity_id)
);
CREATE INDEX role_assignments_identity ON role_assignments (identity_id);

-- Token signing keys; the private key is sealed with the master key (AES-256-GCM).
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  private_key_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER,
  expires_at INTEGER
);
