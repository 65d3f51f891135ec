-- Trigram matching, so that record lists search text fields ("contains", any case) through an index instead of
-- reading every row. pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
