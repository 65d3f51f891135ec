-- Projects: one typed row each (see Core/Records/Projects/ProjectKind for the fields and states).
CREATE TABLE projects (
    id            TEXT NOT NULL PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    TEXT NOT NULL,
    description   TEXT NULL,
    sponsor       TEXT NULL,
    manager       TEXT NULL,
    service       TEXT NULL,
    start_date    TIMESTAMPTZ NULL,
    end_date      TIMESTAMPTZ NULL,
    budget        DOUBLE PRECISION NULL,
    outcome       TEXT NULL,
    closure_notes TEXT NULL
);
CREATE INDEX ix_projects_created ON projects (created_at, id);
CREATE INDEX ix_projects_state ON projects (state, created_at);
CREATE INDEX ix_projects_manager ON projects (manager, state);
CREATE INDEX ix_projects_sponsor ON projects (sponsor, state);
CREATE INDEX ix_projects_service ON projects (service, created_at);
