-- Events published while no instance waited for them: kept until they expire, for the first matching wait to consume.
-- A consumed event stays (with the instance that took it) until it expires, as the record of where it went.
CREATE TABLE retained_events (
    id             TEXT NOT NULL PRIMARY KEY,
    event_name     TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    payload        JSONB NULL,
    published_by   TEXT NOT NULL,
    -- The publisher's groups (JSON array), so a wait takes the event only if the publisher may see its instance; NULL: anyone's.
    publisher_groups TEXT NULL,
    published_at   TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    consumed_by    TEXT NULL,
    consumed_at    TIMESTAMPTZ NULL
);
CREATE INDEX ix_retained_events_waiting ON retained_events (event_name, correlation_id, published_at) WHERE consumed_at IS NULL;
CREATE INDEX ix_retained_events_expiry ON retained_events (expires_at);
