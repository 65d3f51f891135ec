-- Configuration items: one typed row each (see Core/Records/ConfigurationItems/ConfigurationItemKind for the fields and states).
CREATE TABLE configuration_items (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    ci_type              TEXT NOT NULL,
    description          TEXT NULL,
    owner                TEXT NULL,
    owner_group          TEXT NULL,
    service              TEXT NULL,
    location             TEXT NULL,
    version              TEXT NULL,
    configuration        TEXT NULL,
    feature_flag_enabled INTEGER NOT NULL DEFAULT 0,
    last_change          TEXT NULL
);
CREATE INDEX ix_configuration_items_created ON configuration_items (created_at, id);
CREATE INDEX ix_configuration_items_title ON configuration_items (title);
CREATE INDEX ix_configuration_items_state ON configuration_items (state, ci_type, created_at);
CREATE INDEX ix_configuration_items_service ON configuration_items (service);
CREATE INDEX ix_configuration_items_owner_group ON configuration_items (owner_group, state);
