-- Sorting a filtered page by last change without sorting every match (PostgreSQL also gains a trigram search index here).
CREATE INDEX ix_incidents_updated ON incidents (updated_at, id);
