-- Business calendars and service level policies as admins keep them: each row holds the definition as written
-- (JSON, read and checked by the product's readers), a revision for optimistic concurrency, and who changed it last.
CREATE TABLE sla_calendars (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE sla_policies (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    definition  TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE INDEX ix_sla_policies_kind ON sla_policies (record_kind);

-- The calendar a task's service level targets are measured on (null: around the clock), so its time left reads in
-- working time.
ALTER TABLE tasks ADD COLUMN sla_calendar TEXT NULL;
