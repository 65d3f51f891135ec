-- The keys that protect sign-in cookies and bearer tokens, shared by every node through the database.
CREATE TABLE key_ring (
    name       TEXT NOT NULL PRIMARY KEY,
    xml        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
