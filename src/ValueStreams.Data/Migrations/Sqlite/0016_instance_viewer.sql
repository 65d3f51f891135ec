-- The instance list reads newest first and filters by when instances started; the instance page lists an instance's children.
CREATE INDEX ix_instances_created ON instances (created_at, id);
CREATE INDEX ix_instances_parent ON instances (parent_instance_id);
