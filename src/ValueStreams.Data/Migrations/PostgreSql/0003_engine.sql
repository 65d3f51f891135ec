-- Running value streams: instances (state as JSON), their journal, human tasks, timers, event
-- subscriptions, the outbox of scheduler jobs, and the ITIL records steps create.
CREATE TABLE instances (
    id                 TEXT NOT NULL PRIMARY KEY,
    value_stream_id    TEXT NOT NULL,
    version            INTEGER NOT NULL,
    status             TEXT NOT NULL,
    correlation_id     TEXT NULL,
    parent_instance_id TEXT NULL,
    created_by         TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    completed_at       TIMESTAMPTZ NULL,
    revision           INTEGER NOT NULL,
    state              TEXT NOT NULL,
    FOREIGN KEY (value_stream_id, version) REFERENCES value_stream_versions (value_stream_id, version)
);
CREATE INDEX ix_instances_stream ON instances (value_stream_id, status);
CREATE INDEX ix_instances_correlation ON instances (correlation_id);

CREATE TABLE journal (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    step_id     TEXT NULL,
    event       TEXT NOT NULL,
    actor       TEXT NULL,
    outcome     TEXT NULL,
    detail      TEXT NULL
);
CREATE INDEX ix_journal_instance ON journal (instance_id, id);

CREATE TABLE tasks (
    id              TEXT NOT NULL PRIMARY KEY,
    instance_id     TEXT NOT NULL REFERENCES instances (id),
    step_id         TEXT NOT NULL,
    token_id        TEXT NOT NULL,
    title           TEXT NOT NULL,
    candidate_group TEXT NULL,
    assignee        TEXT NULL,
    status          TEXT NOT NULL,
    priority        INTEGER NULL,
    completion      TEXT NOT NULL,
    outcomes        TEXT NOT NULL,
    form            TEXT NOT NULL,
    due_at          TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    claimed_by      TEXT NULL,
    claimed_at      TIMESTAMPTZ NULL,
    completed_by    TEXT NULL,
    completed_at    TIMESTAMPTZ NULL,
    outcome         TEXT NULL,
    data            TEXT NULL
);
CREATE INDEX ix_tasks_group ON tasks (candidate_group, status, due_at);
CREATE INDEX ix_tasks_assignee ON tasks (assignee, status, due_at);
CREATE INDEX ix_tasks_instance ON tasks (instance_id);

CREATE TABLE timers (
    id          TEXT NOT NULL PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id),
    token_id    TEXT NOT NULL,
    step_id     TEXT NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    status      TEXT NOT NULL,
    fired_at    TIMESTAMPTZ NULL
);
CREATE INDEX ix_timers_instance ON timers (instance_id, status);
CREATE INDEX ix_timers_due ON timers (status, due_at);

CREATE TABLE event_subscriptions (
    id             TEXT NOT NULL PRIMARY KEY,
    instance_id    TEXT NOT NULL REFERENCES instances (id),
    token_id       TEXT NOT NULL,
    step_id        TEXT NOT NULL,
    event_name     TEXT NOT NULL,
    correlation_id TEXT NOT NULL
);
CREATE INDEX ix_event_subscriptions_event ON event_subscriptions (event_name, correlation_id);
CREATE INDEX ix_event_subscriptions_instance ON event_subscriptions (instance_id);

CREATE TABLE outbox (
    id            TEXT NOT NULL PRIMARY KEY,
    kind          TEXT NOT NULL,
    target_id     TEXT NOT NULL,
    due_at        TIMESTAMPTZ NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    dispatched_at TIMESTAMPTZ NULL
);
CREATE INDEX ix_outbox_undispatched ON outbox (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE records (
    id          TEXT NOT NULL PRIMARY KEY,
    record_type TEXT NOT NULL,
    data        JSONB NOT NULL,
    instance_id TEXT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_records_type ON records (record_type, created_at);
