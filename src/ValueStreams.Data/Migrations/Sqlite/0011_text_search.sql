-- PostgreSQL gains trigram matching here for record search; the embedded store searches without it.
SELECT 1;
