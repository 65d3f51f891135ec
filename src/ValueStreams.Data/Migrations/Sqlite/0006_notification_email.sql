-- New-task notifications are written in the run that creates the task; emails go out in batches later.
ALTER TABLE notifications ADD COLUMN emailed_at TEXT NULL;
CREATE INDEX ix_notifications_unemailed ON notifications (emailed_at, at);
