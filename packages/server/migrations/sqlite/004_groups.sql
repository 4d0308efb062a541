-- Groups, roles and realm members APIs: keyset paging of an organization's users in creation order (apps have
-- apps_realm already), and roles by the resource they are scoped to (a group's GroupAdmin, /roles?resourceHrn=).
CREATE INDEX users_realm ON users (realm_id, created_at, id);
CREATE INDEX roles_resource ON roles (resource_hrn);
