-- The inbox: every action on a task (the audit trail), comments and work log, and messages to people
-- (in-app notifications and emails or webhooks waiting to be delivered).
CREATE TABLE task_events (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NULL
);
CREATE INDEX ix_task_events_task ON task_events (task_id, id);

CREATE TABLE task_comments (
    id          TEXT NOT NULL PRIMARY KEY,
    task_id     TEXT NOT NULL REFERENCES tasks (id),
    instance_id TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    author      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX ix_task_comments_task ON task_comments (task_id, at);
CREATE INDEX ix_task_comments_instance ON task_comments (instance_id, at);

CREATE TABLE messages (
    id           TEXT NOT NULL PRIMARY KEY,
    channel      TEXT NOT NULL,
    recipient    TEXT NULL,
    subject      TEXT NULL,
    body         TEXT NOT NULL,
    url          TEXT NULL,
    instance_id  TEXT NULL,
    task_id      TEXT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    delivered_at TIMESTAMPTZ NULL,
    error        TEXT NULL
);
CREATE INDEX ix_messages_status ON messages (status, created_at);

CREATE TABLE notifications (
    id         TEXT NOT NULL PRIMARY KEY,
    username   TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    text       TEXT NOT NULL,
    task_id    TEXT NULL,
    read_at    TIMESTAMPTZ NULL
);
CREATE INDEX ix_notifications_user ON notifications (username, at);
