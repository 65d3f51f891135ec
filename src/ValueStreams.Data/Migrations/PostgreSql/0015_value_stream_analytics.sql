-- Value stream analytics read a stream's instances by when they started and when they ended, and each instance's
-- steps entered (visits, rework, the paths taken) without reading the rest of its journal.
CREATE INDEX ix_instances_stream_created ON instances (value_stream_id, created_at);
CREATE INDEX ix_instances_stream_completed ON instances (value_stream_id, completed_at);
CREATE INDEX ix_journal_step_entered ON journal (instance_id, step_id) WHERE event = 'step-entered';
