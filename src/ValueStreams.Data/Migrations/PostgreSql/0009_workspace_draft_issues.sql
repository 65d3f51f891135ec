-- A draft may be saved while it does not validate yet; the list shows how many errors and warnings it has.
ALTER TABLE value_stream_drafts ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE value_stream_drafts ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0;
