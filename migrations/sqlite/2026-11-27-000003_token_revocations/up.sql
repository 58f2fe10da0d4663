CREATE TABLE token_revocations (
    id TEXT PRIMARY KEY NOT NULL,
    jti TEXT,
    subject TEXT,
    revoked_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((jti IS NULL) <> (subject IS NULL))
);
