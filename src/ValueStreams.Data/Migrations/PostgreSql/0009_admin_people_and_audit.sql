-- Administration: deactivated users, a stamp that ends a user's sessions when it changes, group managers,
-- and the audit log, which only ever grows.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ NULL;
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
ALTER TABLE user_groups ADD COLUMN manager_id TEXT NULL REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE audit_log (
    id      TEXT NOT NULL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NULL,
    details TEXT NULL
);

CREATE INDEX ix_audit_log_at ON audit_log (at, id);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, at);
CREATE INDEX ix_audit_log_action ON audit_log (action, at);

CREATE FUNCTION audit_log_is_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is never changed or deleted from';
END;
$$;

CREATE TRIGGER audit_log_never_changes BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_insert_only();

-- TRUNCATE skips row triggers; refuse it too.
CREATE TRIGGER audit_log_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_insert_only();
