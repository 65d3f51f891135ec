-- The warning ladders of service level clocks: one row per threshold of a clock's period (a reset starts a new period),
-- planned when the clock starts and planned again (due_at) when it pauses, resumes or its priority changes; due_at is
-- null while the clock is paused short of the threshold. Firing is the guarded change of fired_at from null, and the
-- threshold's actions commit with it. cause is the change that set the due time; outcome says what the actions did.
CREATE TABLE sla_thresholds (
    id            TEXT NOT NULL PRIMARY KEY,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    clock         TEXT NOT NULL,
    percent       INTEGER NOT NULL,
    policy        TEXT NOT NULL,
    calendar      TEXT NOT NULL,
    period_start  TIMESTAMPTZ NOT NULL,
    target        TEXT NOT NULL,
    due_at        TIMESTAMPTZ NULL,
    cause         TEXT NOT NULL,
    actions       TEXT NOT NULL,
    planned_at    TIMESTAMPTZ NOT NULL,
    fired_at      TIMESTAMPTZ NULL,
    outcome       TEXT NULL
);
CREATE INDEX ix_sla_thresholds_unfired_due ON sla_thresholds (due_at) WHERE fired_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX ix_sla_thresholds_subject ON sla_thresholds (subject_kind, subject_id);
