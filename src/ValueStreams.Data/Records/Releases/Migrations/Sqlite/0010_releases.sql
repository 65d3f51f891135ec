-- Releases: one typed row each (see Core/Records/Releases/ReleaseKind for the fields and states).
CREATE TABLE releases (
    id            TEXT NOT NULL PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    version       TEXT NULL,
    service       TEXT NULL,
    description   TEXT NULL,
    planned_date  TEXT NULL,
    release_notes TEXT NULL,
    change        TEXT NULL
);
CREATE INDEX ix_releases_created ON releases (created_at, id);
CREATE INDEX ix_releases_state ON releases (state, planned_date);
CREATE INDEX ix_releases_service ON releases (service, created_at);
CREATE INDEX ix_releases_change ON releases (change);
