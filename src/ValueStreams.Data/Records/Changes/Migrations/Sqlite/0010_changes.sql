-- Changes: one typed row each (see Core/Records/Changes/ChangeKind). The planned window is what the change schedule and its clashes read.
CREATE TABLE changes (
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
    reason              TEXT NULL,
    change_type         TEXT NOT NULL,
    change_model        TEXT NULL,
    risk                TEXT NOT NULL,
    configuration_item  TEXT NULL,
    service             TEXT NULL,
    related_record      TEXT NULL,
    planned_start       TEXT NULL,
    planned_end         TEXT NULL,
    implementation_plan TEXT NULL,
    backout_plan        TEXT NULL,
    change_authority    TEXT NULL,
    authorisation_notes TEXT NULL,
    test_results        TEXT NULL,
    implementation_notes TEXT NULL,
    review_outcome      TEXT NULL,
    review_notes        TEXT NULL,
    assignment_group    TEXT NULL,
    assignee            TEXT NULL
);
CREATE INDEX ix_changes_created ON changes (created_at, id);
CREATE INDEX ix_changes_state ON changes (state, created_at);
CREATE INDEX ix_changes_window ON changes (planned_start, planned_end);
CREATE INDEX ix_changes_ci_window ON changes (configuration_item, planned_start);
CREATE INDEX ix_changes_service_window ON changes (service, planned_start);
CREATE INDEX ix_changes_group ON changes (assignment_group, state, created_at);
