ALTER TABLE audit_events DROP COLUMN hash_format;
