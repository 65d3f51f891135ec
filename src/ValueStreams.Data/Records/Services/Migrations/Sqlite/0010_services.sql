-- Services in the portfolio: one typed row each (see Core/Records/Services/ServiceKind for the fields and states).
CREATE TABLE services (
    id            TEXT NOT NULL PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    description   TEXT NULL,
    owner         TEXT NULL,
    owner_group   TEXT NULL,
    service_level TEXT NULL,
    audience      TEXT NULL,
    offerings     TEXT NULL
);
CREATE INDEX ix_services_created ON services (created_at, id);
CREATE INDEX ix_services_state ON services (state, created_at);
CREATE INDEX ix_services_owner ON services (owner, state);
CREATE INDEX ix_services_owner_group ON services (owner_group, state);
