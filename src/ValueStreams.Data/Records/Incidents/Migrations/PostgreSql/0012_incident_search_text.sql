-- Text search reads one value per incident: number, title and the text fields joined (RecordRepository.SearchText),
-- through one trigram index over that same expression. One index scan with statistics of its own replaces an OR
-- over nine columns, whose estimates led the planner to count common matches by reading the whole table.
DROP INDEX ix_incidents_search;
CREATE INDEX ix_incidents_search ON incidents USING gin ((
    number || ' ' || title || ' ' || coalesce(description, '') || ' ' || coalesce(business_impact, '') || ' ' ||
    coalesce(contact, '') || ' ' || coalesce(location, '') || ' ' || coalesce(category, '') || ' ' ||
    coalesce(on_hold_reason, '') || ' ' || coalesce(resolution_notes, '')
) gin_trgm_ops);
