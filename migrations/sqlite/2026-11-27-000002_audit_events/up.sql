CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    consignee_id TEXT,
    request_id TEXT,
    changes TEXT,
    changes_sha256 TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    redacted_at TEXT,
    redacted_by TEXT,
    redaction_reason TEXT
);
CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, seq);
CREATE INDEX audit_events_consignee_idx ON audit_events (consignee_id, seq);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, seq);
