-- A task that is done (completed, cancelled, timed out) marks read the notifications that told people of it,
-- in the same transaction: this finds the unread ones of a task without reading everyone's notifications.
CREATE INDEX ix_notifications_unread_task ON notifications (task_id) WHERE read_at IS NULL;
