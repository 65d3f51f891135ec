-- Assets: one typed row each (see Core/Records/Assets/AssetKind for the fields and states).
CREATE TABLE assets (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL,
    asset_tag          TEXT NOT NULL,
    model              TEXT NULL,
    location           TEXT NULL,
    configuration_item TEXT NULL,
    assigned_to        TEXT NULL,
    replaces           TEXT NULL,
    notes              TEXT NULL
);
CREATE INDEX ix_assets_created ON assets (created_at, id);
CREATE INDEX ix_assets_tag ON assets (asset_tag);
-- Spare stock counts in-stock assets per model and location.
CREATE INDEX ix_assets_stock ON assets (model, location, state);
CREATE INDEX ix_assets_assigned ON assets (assigned_to, state);
CREATE INDEX ix_assets_ci ON assets (configuration_item);
