-- How an audit event's hash was computed: 1 = the canonical form with `request_id` (every event
-- recorded before this migration), 2 = without it (a caller's request id stays erasable).
ALTER TABLE audit_events ADD COLUMN hash_format INTEGER NOT NULL DEFAULT 1;
