//! The one list of places an erasure does not rewrite, each with the reason. An occurrence of the
//! person there is reported as withheld with that reason; the erasure test reads this list, so it
//! stays the only exception.

/// Any table, or any column (in [`Kept::table`] / [`Kept::column`]).
pub const ANY: &str = "*";
/// The primary key columns of a table (in [`Kept::column`]).
pub const PRIMARY_KEY: &str = "<primary key>";

/// A column (or table) an erasure leaves as it is.
#[derive(Debug, Clone, Copy)]
pub struct Kept {
    /// The table, or [`ANY`].
    pub table: &'static str,
    /// The column, [`ANY`] for the whole table (not searched), or [`PRIMARY_KEY`].
    pub column: &'static str,
    /// Only the rows this SQL condition holds for; `None` for every row.
    pub rows: Option<&'static str>,
    /// Why.
    pub reason: &'static str,
}

const HASHED: &str = "chained into the audit trail's hashes: rewriting it would break the chain";
const SUBJECT: &str = "a token subject: identifies the account that acted (use opaque subjects, not e-mail addresses)";

const fn kept(table: &'static str, column: &'static str, reason: &'static str) -> Kept {
    Kept { table, column, rows: None, reason }
}

/// Every exception.
pub const KEPT: [Kept; 27] = [
    kept("audit_events", "at", HASHED),
    kept("audit_events", "actor", HASHED),
    kept("audit_events", "actor_role", HASHED),
    kept("audit_events", "action", HASHED),
    kept("audit_events", "resource_type", HASHED),
    kept("audit_events", "resource_id", HASHED),
    kept("audit_events", "consignee_id", HASHED),
    kept("audit_events", "changes_sha256", HASHED),
    kept("audit_events", "prev_hash", HASHED),
    kept("audit_events", "hash", HASHED),
    Kept {
        table: "audit_events",
        column: "request_id",
        rows: Some("hash_format = 1"),
        reason: "chained into the audit trail's hashes in events recorded before hash format 2: rewriting it would break the chain",
    },
    Kept {
        table: "audit_events",
        column: "changes",
        rows: Some("action = 'audit_event.redacted'"),
        reason: "a redaction record: verification pairs it with the event it redacted",
    },
    kept("audit_events", "redacted_by", SUBJECT),
    kept(ANY, "created_by", SUBJECT),
    kept(ANY, "updated_by", SUBJECT),
    kept("documents", "uploaded_by", SUBJECT),
    kept("memoranda", "signed_by", SUBJECT),
    kept("reviews", "completed_by", SUBJECT),
    kept("erasures", "erased_by", SUBJECT),
    kept("token_revocations", "subject", "a revoked token subject: rewriting it would let the subject's tokens through"),
    kept("token_revocations", "jti", "a revoked token id: rewriting it would let the token through"),
    kept(
        ANY,
        PRIMARY_KEY,
        "the record's key (server ids, catalog codes, an Idempotency-Key, which expires after CR_IDEMPOTENCY_TTL): other records refer to it",
    ),
    kept("document_chunks", "bytes", "the contents of uploaded documents are not searched: replace a document that mentions the person"),
    kept("audit_checkpoints", ANY, "signed checkpoints of the audit trail: hashes and signatures only"),
    kept("audit_signing_keys", ANY, "the audit trail's public keys and their endorsements"),
    kept("derived_settings", ANY, "values the server derives from its own configuration, never from a request"),
    kept("__diesel_schema_migrations", ANY, "the migrations applied"),
];

impl Kept {
    /// Whether this exception covers `column` of `table` (`pk`: it is part of the primary key).
    pub fn covers(&self, table: &str, column: &str, pk: bool) -> bool {
        (self.table == ANY || self.table == table)
            && (self.column == ANY || self.column == column || (self.column == PRIMARY_KEY && pk))
    }
}

/// Whether `table` is left out of the erasure entirely.
pub fn table_is_kept(table: &str) -> bool {
    KEPT.iter().any(|k| k.table == table && k.column == ANY)
}

/// The exceptions covering `column` of `table`.
pub fn covering<'a>(table: &'a str, column: &'a str, pk: bool) -> impl Iterator<Item = &'static Kept> + 'a {
    KEPT.iter().filter(move |k| k.covers(table, column, pk))
}
