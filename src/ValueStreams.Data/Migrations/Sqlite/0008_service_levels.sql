-- Service-level targets of human tasks (from the step's sla) and when each was missed and escalated (times as ISO-8601 text).
ALTER TABLE tasks ADD COLUMN respond_by TEXT NULL;
ALTER TABLE tasks ADD COLUMN resolve_by TEXT NULL;
ALTER TABLE tasks ADD COLUMN escalate_to TEXT NULL;
ALTER TABLE tasks ADD COLUMN response_missed_at TEXT NULL;
ALTER TABLE tasks ADD COLUMN resolution_missed_at TEXT NULL;
-- What the reconciler looks for: targets that have passed on open work and were not escalated yet.
CREATE INDEX ix_tasks_response_watch ON tasks (respond_by) WHERE status = 'open' AND respond_by IS NOT NULL AND response_missed_at IS NULL;
CREATE INDEX ix_tasks_resolution_watch ON tasks (resolve_by) WHERE status IN ('open', 'claimed') AND resolve_by IS NOT NULL AND resolution_missed_at IS NULL;
