-- Value stream definitions: one row per stream, its published versions (never changed once written) and at most one draft.
CREATE TABLE value_streams (
    id                TEXT NOT NULL PRIMARY KEY,
    name              TEXT NOT NULL,
    published_version INTEGER NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL
);

CREATE TABLE value_stream_versions (
    value_stream_id TEXT NOT NULL REFERENCES value_streams (id),
    version         INTEGER NOT NULL CHECK (version > 0),
    content         TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    published_by    TEXT NOT NULL,
    PRIMARY KEY (value_stream_id, version)
);

CREATE TRIGGER value_stream_versions_never_change BEFORE UPDATE ON value_stream_versions
BEGIN
    SELECT RAISE(ABORT, 'published value stream versions never change');
END;

CREATE TRIGGER value_stream_versions_never_go BEFORE DELETE ON value_stream_versions
BEGIN
    SELECT RAISE(ABORT, 'published value stream versions are never deleted');
END;

CREATE TABLE value_stream_drafts (
    value_stream_id  TEXT NOT NULL PRIMARY KEY REFERENCES value_streams (id),
    content          TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    based_on_version INTEGER NULL,
    saved_at         TEXT NOT NULL,
    saved_by         TEXT NOT NULL
);
