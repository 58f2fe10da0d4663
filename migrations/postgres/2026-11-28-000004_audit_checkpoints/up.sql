-- Public halves of the keys that signed checkpoints. A key that took over from another vouches
-- for it (endorsed_by, endorsement), so verify trusts a chain of keys anchored at the configured one.
CREATE TABLE audit_signing_keys (
    key_id TEXT PRIMARY KEY NOT NULL,
    public_key TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    endorsed_by TEXT,
    endorsement TEXT
);
-- Signed heads of the audit chain: (seq, head_hash, at, key_id) signed with Ed25519.
CREATE TABLE audit_checkpoints (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    key_id TEXT NOT NULL REFERENCES audit_signing_keys (key_id),
    signature TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_at_idx ON audit_checkpoints (at);
