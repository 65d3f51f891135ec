-- Users, their roles and the groups that tasks are routed to.
CREATE TABLE users (
    id                  TEXT NOT NULL PRIMARY KEY,
    username            TEXT NOT NULL,
    normalized_username TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    email               TEXT NULL,
    password_hash       TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'process-owner', 'agent')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_groups (
    id   TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX ix_group_members_user ON group_members (user_id);
