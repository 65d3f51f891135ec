-- Change models, which admins configure (see Core/Records/ChangeModels/ChangeModelKind).
CREATE TABLE change_models (
    id                  TEXT NOT NULL PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    state               TEXT NOT NULL,
    revision            INTEGER NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    updated_by          TEXT NOT NULL,
    description         TEXT NULL,
    change_type         TEXT NOT NULL,
    risk                TEXT NOT NULL,
    change_authority    TEXT NULL,
    procedure           TEXT NULL
);
CREATE INDEX ix_change_models_type ON change_models (change_type, state);
