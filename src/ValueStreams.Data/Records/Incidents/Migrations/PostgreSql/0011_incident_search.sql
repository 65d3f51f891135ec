-- The incident list's text search ("q": number, title and the text fields, any case) through one trigram index; the
-- planner combines its columns for the search's OR. The columns are the kind's searchable fields (IncidentKind).
CREATE INDEX ix_incidents_search ON incidents USING gin (
    number gin_trgm_ops, title gin_trgm_ops, description gin_trgm_ops, business_impact gin_trgm_ops, contact gin_trgm_ops,
    location gin_trgm_ops, category gin_trgm_ops, on_hold_reason gin_trgm_ops, resolution_notes gin_trgm_ops);
-- Sorting a filtered page by priority or by last change without sorting every match.
CREATE INDEX ix_incidents_updated ON incidents (updated_at, id);
