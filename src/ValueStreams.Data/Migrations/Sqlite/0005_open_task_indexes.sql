-- Inbox queries read open tasks, a group or a person at a time, earliest due first: partial indexes in
-- that order keep them fast however many tasks are done.
CREATE INDEX ix_tasks_open_group_due ON tasks (candidate_group, due_at, created_at) WHERE status IN ('open', 'claimed');
CREATE INDEX ix_tasks_open_assignee_due ON tasks (assignee, due_at, created_at) WHERE status IN ('open', 'claimed');
CREATE INDEX ix_tasks_open_claimed_by_due ON tasks (claimed_by, due_at, created_at) WHERE status IN ('open', 'claimed');
