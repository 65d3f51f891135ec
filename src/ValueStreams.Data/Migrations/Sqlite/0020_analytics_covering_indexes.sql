-- Analytics read a stream's instances by when they started or completed, with their status and the other moment: the
-- lead times of the completed ones, the instances started per day, and the latest completed ones whose paths make the
-- variants. With these columns in the index, those reads come from the index alone instead of fetching each instance
-- row; likewise the steps an instance entered, in order, for its path.
DROP INDEX ix_instances_stream_created;
DROP INDEX ix_instances_stream_completed;
CREATE INDEX ix_instances_stream_created ON instances (value_stream_id, created_at, status, completed_at, version);
CREATE INDEX ix_instances_stream_completed ON instances (value_stream_id, completed_at, status, created_at, version);
CREATE INDEX ix_journal_entered_path ON journal (instance_id, id, step_id) WHERE event = 'step-entered';
