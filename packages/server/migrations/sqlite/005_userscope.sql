-- Project-scoped user sessions: the project HRN a session's access tokens are scoped to (`scp`), kept by refreshes.
ALTER TABLE sessions ADD COLUMN scope TEXT;

-- Resources made linkable by their home project: to one project (project_id) or to the whole organization
-- (project_id NULL), with the actions links into it may allow. `target` is the project or realm HRN.
CREATE TABLE resource_linkables (
  resource_hrn TEXT NOT NULL REFERENCES resources (hrn) ON DELETE CASCADE,
  target TEXT NOT NULL,
  realm_id TEXT NOT NULL,
  project_id TEXT,
  allowed_actions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (resource_hrn, target),
  FOREIGN KEY (realm_id, project_id) REFERENCES projects (realm_id, id) ON DELETE CASCADE
);
