-- seq: the audit seq of the revocation, assigned under the chain lock, so a node's cache can load
-- only what committed since its last load. expires_at: when no token it covers can still be valid.
ALTER TABLE token_revocations ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE token_revocations ADD COLUMN expires_at TEXT;
UPDATE token_revocations SET seq = COALESCE((SELECT e.seq FROM audit_events e
    WHERE e.action = 'token.revoked' AND e.resource_id = token_revocations.id), 0);
CREATE INDEX token_revocations_seq_idx ON token_revocations (seq);
