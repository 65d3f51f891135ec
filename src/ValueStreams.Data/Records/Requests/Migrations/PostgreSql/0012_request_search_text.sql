-- Text search over service requests (number, title and the text fields joined, as RecordRepository.SearchText builds
-- it) through one trigram index over that same expression.
CREATE INDEX ix_requests_search ON requests USING gin ((
    number || ' ' || title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(description, '') || ' ' ||
    coalesce(approval_notes, '') || ' ' || coalesce(fulfilment_target, '') || ' ' || coalesce(fulfilment_notes, '')
) gin_trgm_ops);
