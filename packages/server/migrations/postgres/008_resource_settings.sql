-- Settings of a registered resource (HERE's ResourceSetting): who may make it linkable. `authorized_to` is
-- 'requiredToMakeLinkable' (callers must hold every action of `required_actions`, a JSON array, on the resource) or
-- 'realm' (the organization's usual rule). No row: 'realm'.
CREATE TABLE resource_settings (
  resource_hrn TEXT PRIMARY KEY REFERENCES resources (hrn) ON DELETE CASCADE,
  realm_id TEXT NOT NULL,
  authorized_to TEXT NOT NULL CHECK (authorized_to IN ('requiredToMakeLinkable', 'realm')),
  required_actions TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
