-- Relationships between configuration items: the source depends on, runs on or is connected to the target.
CREATE TABLE ci_relationships (
    id         TEXT NOT NULL PRIMARY KEY,
    source_id  TEXT NOT NULL REFERENCES configuration_items (id),
    target_id  TEXT NOT NULL REFERENCES configuration_items (id),
    type       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT uq_ci_relationships UNIQUE (source_id, target_id, type),
    CONSTRAINT ck_ci_relationships_type CHECK (type IN ('depends-on', 'runs-on', 'connected-to')),
    CONSTRAINT ck_ci_relationships_self CHECK (source_id <> target_id)
);
CREATE INDEX ix_ci_relationships_target ON ci_relationships (target_id, type);
