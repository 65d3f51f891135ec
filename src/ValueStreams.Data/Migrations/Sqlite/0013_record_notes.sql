-- Work notes and comments written on records of every kind, oldest first. Never updated or deleted: an audit trail.
CREATE TABLE record_notes (
    id          TEXT NOT NULL PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    at          TEXT NOT NULL,
    author      TEXT NOT NULL,
    visibility  TEXT NOT NULL CHECK (visibility IN ('work', 'comment')),
    text        TEXT NOT NULL
);
CREATE INDEX ix_record_notes_record ON record_notes (record_kind, record_id, at);
