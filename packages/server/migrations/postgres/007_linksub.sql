-- Links of a resource into a project may be limited to subresources (JSON array; null: the whole resource).
ALTER TABLE project_resource_links ADD COLUMN subresources TEXT;
