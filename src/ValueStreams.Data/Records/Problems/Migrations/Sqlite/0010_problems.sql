-- Problems: one typed row each (see Core/Records/Problems/ProblemKind for the fields and states).
CREATE TABLE problems (
    id                  TEXT NOT NULL PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    state               TEXT NOT NULL,
    revision            INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL,
    description         TEXT NULL,
    symptoms            TEXT NULL,
    service             TEXT NULL,
    configuration_item  TEXT NULL,
    category            TEXT NULL,
    impact              TEXT NOT NULL,
    urgency             TEXT NOT NULL,
    priority            TEXT NULL,
    assignment_group    TEXT NULL,
    assignee            TEXT NULL,
    root_cause          TEXT NULL,
    workaround          TEXT NULL,
    resolution          TEXT NULL,
    related_incidents   TEXT NULL
);
CREATE INDEX ix_problems_created ON problems (created_at, id);
CREATE INDEX ix_problems_state ON problems (state, priority, created_at);
CREATE INDEX ix_problems_group ON problems (assignment_group, state, created_at);
CREATE INDEX ix_problems_service ON problems (service, state);
