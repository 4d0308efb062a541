-- Authorization: groups, projects, registered resources, policies and plans, access filters, resource policies.
-- Lists are JSON text. Rows that point at an identity through a polymorphic id are cleaned up by the repositories.

CREATE TABLE groups (
  id TEXT PRIMARY KEY REFERENCES identities (id) ON DELETE CASCADE,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX groups_realm ON groups (realm_id, created_at, id);

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  member_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_members_member ON group_members (member_id);

CREATE TABLE projects (
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  scope_access TEXT NOT NULL CHECK (scope_access IN ('thisProjectOnly', 'thisProjectOrNoProject')),
  default_member_policies TEXT NOT NULL,
  creator_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, id)
);
CREATE INDEX projects_realm ON projects (realm_id, created_at, id);

-- Direct members of a project: users, apps and groups.
CREATE TABLE project_members (
  realm_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  member_id TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, project_id, member_id),
  FOREIGN KEY (realm_id, project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);
CREATE INDEX project_members_member ON project_members (member_id);

-- Custom project policies: permissions on resources (or resource types) of the project.
CREATE TABLE project_policies (
  realm_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  permissions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, project_id, id),
  FOREIGN KEY (realm_id, project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);

-- Policies (custom or HERE-managed, by HRN) attached to one member of a project.
CREATE TABLE project_member_policies (
  realm_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  policy_hrn TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, project_id, member_id, policy_hrn),
  FOREIGN KEY (realm_id, project_id, member_id) REFERENCES project_members (realm_id, project_id, member_id)
    ON DELETE CASCADE
);

-- Policies attached to the whole project: they apply to every member.
CREATE TABLE project_attached_policies (
  realm_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  policy_hrn TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, project_id, policy_hrn),
  FOREIGN KEY (realm_id, project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);

-- Resources registered by services (catalogs, schemas, pipelines, …), each owned by an organization and created
-- either outside projects (home_project_id NULL) or in a project (its home).
CREATE TABLE resources (
  hrn TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  home_project_id TEXT,
  referenceable INTEGER NOT NULL CHECK (referenceable IN (0, 1)),
  creator_id TEXT,
  created_at INTEGER NOT NULL,
  FOREIGN KEY (realm_id, home_project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);
CREATE INDEX resources_home ON resources (realm_id, home_project_id);

-- Resources linked into a project from elsewhere (relation "reference"), with the actions the link allows.
CREATE TABLE project_resource_links (
  realm_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  resource_hrn TEXT NOT NULL REFERENCES resources (hrn) ON DELETE CASCADE,
  external_id TEXT NOT NULL,
  allowed_actions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, project_id, resource_hrn, external_id),
  FOREIGN KEY (realm_id, project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);
CREATE INDEX project_resource_links_resource ON project_resource_links (resource_hrn);

-- Organization policies (collections of permissions) and plans (collections of policies). They reach only
-- resources outside projects, and only with unscoped tokens.
CREATE TABLE policies (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  permissions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX policies_realm ON policies (realm_id, created_at, id);

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  policy_ids TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX plans_realm ON plans (realm_id, created_at, id);

-- A policy or plan attached to the whole organization (target_id = realm id) or to one identity.
CREATE TABLE policy_attachments (
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('policy', 'plan')),
  source_id TEXT NOT NULL,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('realm', 'identity')),
  target_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (source_kind, source_id, target_kind, target_id)
);
CREATE INDEX policy_attachments_target ON policy_attachments (target_kind, target_id);

-- Access filters: permission boundaries made of prioritized statements.
CREATE TABLE access_filters (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  statements TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX access_filters_realm ON access_filters (realm_id, created_at, id);

CREATE TABLE access_filter_attachments (
  filter_id TEXT NOT NULL REFERENCES access_filters (id) ON DELETE CASCADE,
  realm_id TEXT NOT NULL,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('identity', 'realm', 'role', 'project')),
  target_id TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (filter_id, target_kind, target_id)
);
CREATE INDEX access_filter_attachments_target ON access_filter_attachments (target_kind, target_id);

-- Resource policies: resources created in projects, with allowed actions, that other projects may link.
CREATE TABLE resource_policies (
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, id)
);

CREATE TABLE resource_policy_resources (
  realm_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  resource_hrn TEXT NOT NULL REFERENCES resources (hrn) ON DELETE CASCADE,
  allowed_actions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, policy_id, resource_hrn),
  FOREIGN KEY (realm_id, policy_id) REFERENCES resource_policies (realm_id, id) ON DELETE CASCADE
);

-- Resource plans bundle resource policies; attached to an organization, they make those resources linkable into
-- its projects.
CREATE TABLE resource_plans (
  realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  policy_ids TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, id)
);

CREATE TABLE resource_plan_attachments (
  realm_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  target_realm_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (realm_id, plan_id, target_realm_id),
  FOREIGN KEY (realm_id, plan_id) REFERENCES resource_plans (realm_id, id) ON DELETE CASCADE
);
