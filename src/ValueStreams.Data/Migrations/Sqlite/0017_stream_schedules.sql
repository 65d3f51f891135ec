-- Streams that start by themselves on a schedule (a start step with the schedule trigger): the published version's cron
-- expression and time zone, and the next moment it starts. Written when a version is published; the next moment moves
-- on in the same transaction that starts the instance, so each moment starts one instance across nodes.
CREATE TABLE stream_schedules (
    value_stream_id TEXT NOT NULL PRIMARY KEY REFERENCES value_streams (id),
    version         INTEGER NOT NULL,
    cron            TEXT NOT NULL,
    time_zone       TEXT NOT NULL,
    next_at         TEXT NOT NULL,
    last_started_at TEXT NULL
);
CREATE INDEX ix_stream_schedules_next ON stream_schedules (next_at);
