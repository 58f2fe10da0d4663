-- Domain events: one per audited change to the register (seq = the audit event's seq, written in
-- the same transaction under the chain's lock) and one per scheduled occurrence (a memorandum
-- expiring, a review overdue, ...), whose `occurrence` key makes it happen once.
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    event_type TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version BIGINT,
    occurred_at TIMESTAMP NOT NULL,
    data TEXT NOT NULL,
    occurrence TEXT UNIQUE
);
CREATE INDEX events_type_idx ON events (event_type, seq);

-- Endpoints events are delivered to, signed by the Standard Webhooks scheme. The secret is kept
-- to sign with; after a rotation the previous one also signs until its grace period ends.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT,
    event_types TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires_at TIMESTAMP,
    enabled BOOLEAN NOT NULL,
    disabled_reason TEXT,
    disabled_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- One event to one endpoint, retried until delivered or given up (`retry_for` after `retry_from`,
-- which re-enabling the webhook moves to then); `leased_until` marks the worker that claimed it.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq BIGINT NOT NULL REFERENCES events (seq),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retry_from TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP,
    leased_until TIMESTAMP,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);

-- Every attempt at a delivery: when, the answer's status or the error, and how long it took.
CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
