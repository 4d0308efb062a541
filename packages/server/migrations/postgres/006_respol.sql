-- Resource policies and plans (Authorization v1.1). A resource of a policy may be reached in its listed
-- subresources only; plans are attached to one identity or to the whole organization, optionally for a subscription
-- (external id), restricted to subresources per policy, until an expiry. Nothing used the attachment table of 003.
ALTER TABLE resource_policy_resources ADD COLUMN subresources TEXT;

DROP TABLE resource_plan_attachments;
CREATE TABLE resource_plan_attachments (
  realm_id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('realm', 'identity')),
  target_id TEXT NOT NULL,
  external_id TEXT,
  subresources TEXT,
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (realm_id, plan_id, target_kind, target_id),
  FOREIGN KEY (realm_id, plan_id) REFERENCES resource_plans (realm_id, id) ON DELETE CASCADE
);
CREATE INDEX resource_plan_attachments_target ON resource_plan_attachments (realm_id, target_kind, target_id);

-- Outcomes of batches of resources added to a resource policy (GET .../resources/status/{statusId}).
CREATE TABLE resource_policy_batches (
  id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  status TEXT NOT NULL,
  items TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (realm_id, policy_id) REFERENCES resource_policies (realm_id, id) ON DELETE CASCADE
);
