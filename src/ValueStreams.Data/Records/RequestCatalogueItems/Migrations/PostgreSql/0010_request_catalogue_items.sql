-- Request catalogue items: one typed row each (see Core/Records/RequestCatalogueItems/RequestCatalogueItemKind).
CREATE TABLE request_catalogue_items (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL,
    description        TEXT NULL,
    approval_policy    TEXT NOT NULL,
    fulfilment_target  TEXT NULL,
    fulfilment_group   TEXT NULL,
    value_stream       TEXT NULL,
    available_to       TEXT NULL
);
CREATE INDEX ix_request_catalogue_items_created ON request_catalogue_items (created_at, id);
CREATE INDEX ix_request_catalogue_items_state ON request_catalogue_items (state, title);
