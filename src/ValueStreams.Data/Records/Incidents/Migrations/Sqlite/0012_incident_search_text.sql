-- PostgreSQL indexes the incident's search text here; the embedded store searches without an index.
SELECT 1;
