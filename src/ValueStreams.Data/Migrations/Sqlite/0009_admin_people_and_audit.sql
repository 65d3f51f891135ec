-- Administration: deactivated users, a stamp that ends a user's sessions when it changes, group managers,
-- and the audit log, which only ever grows (times as ISO-8601 text).
ALTER TABLE users ADD COLUMN deactivated_at TEXT NULL;
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
ALTER TABLE user_groups ADD COLUMN manager_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE audit_log (
    id      TEXT NOT NULL PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NULL,
    details TEXT NULL
);

CREATE INDEX ix_audit_log_at ON audit_log (at, id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, at);
CREATE INDEX ix_audit_log_action ON audit_log (action, at);

CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed');
END;

CREATE TRIGGER audit_log_never_shrinks BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never deleted from');
END;
