-- Improvement register entries: one typed row each (see Core/Records/Improvements/ImprovementKind for the fields and states).
CREATE TABLE improvements (
    id               TEXT NOT NULL PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    state            TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    updated_by       TEXT NOT NULL,
    description      TEXT NULL,
    source           TEXT NULL,
    related_record   TEXT NULL,
    benefit          TEXT NULL,
    effort           TEXT NULL,
    priority         TEXT NULL,
    owner            TEXT NULL,
    assignment_group TEXT NULL,
    objectives       TEXT NULL,
    plan             TEXT NULL,
    results          TEXT NULL,
    lessons_learned  TEXT NULL
);
CREATE INDEX ix_improvements_created ON improvements (created_at, id);
CREATE INDEX ix_improvements_state ON improvements (state, priority, created_at);
CREATE INDEX ix_improvements_related ON improvements (related_record);
CREATE INDEX ix_improvements_owner ON improvements (owner, state);
CREATE INDEX ix_improvements_group ON improvements (assignment_group, state);
