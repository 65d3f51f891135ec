-- The keys that protect sign-in cookies and bearer tokens, kept in the store with everything else.
CREATE TABLE key_ring (
    name       TEXT NOT NULL PRIMARY KEY,
    xml        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
