//! The erasure request and what it answers: which records changed and which were withheld, by
//! id and field name only, never the values.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The kinds of record that hold a person's data (for `CR_ERASURE_RETAIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
pub enum RecordType {
    /// A consignee's contact person (name, e-mail, phone).
    Consignee,
    /// A memorandum's signatories.
    Memorandum,
    /// An entrustment's responsible person.
    Entrustment,
    /// A review's reviewer.
    Review,
    /// The changes recorded in an audit event (redacted; the chain keeps their hash).
    AuditEvent,
    /// A response kept for an `Idempotency-Key` retry.
    IdempotentResponse,
}

impl RecordType {
    /// The name used in answers and counts.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consignee => "consignee",
            Self::Memorandum => "memorandum",
            Self::Entrustment => "entrustment",
            Self::Review => "review",
            Self::AuditEvent => "audit_event",
            Self::IdempotentResponse => "idempotent_response",
        }
    }
}

/// Whose data to erase, and the request it answers.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reference": "DSR-2026-0042", "email": "hanako.yamada@example.co.jp", "name": "山田 花子"}))]
pub struct ErasureRequest {
    /// The data subject request's reference (your ticket number); the erasure record keeps it.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub reference: String,
    /// The person's e-mail address (matched without regard to case).
    #[serde(default)]
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = "email")]
    pub email: Option<String>,
    /// The person's name, as recorded.
    #[serde(default)]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

/// A record the erasure changed: its kind, id and the fields it emptied.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["contact.name", "contact.email", "contact.phone"]}))]
pub struct ErasedRecord {
    /// Kind of record.
    pub record_type: RecordType,
    /// Its id (an audit event's `seq`).
    pub record_id: String,
    /// The fields emptied (`[erased]` where a value is required).
    pub fields: Vec<String>,
}

/// A record that holds the person's data and was kept, with the reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"record_type": "memorandum", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f71", "reason": "a retention duty applies to memorandum records (CR_ERASURE_RETAIN; GDPR Art. 17(3)(b))"}))]
pub struct WithheldRecord {
    /// Kind of record.
    pub record_type: RecordType,
    /// Its id.
    pub record_id: String,
    /// Why it was kept.
    pub reason: String,
}

/// A stored erasure: the reference, who and when, and counts per kind of record.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f72", "reference": "DSR-2026-0042",
    "erased_at": "2026-11-28T05:00:00Z", "erased_by": "privacy-admin",
    "erased": {"consignee": 1, "audit_event": 4}, "withheld": {"memorandum": 1}}))]
pub struct Erasure {
    /// Erasure id.
    pub id: String,
    /// The data subject request's reference.
    pub reference: String,
    /// When.
    pub erased_at: DateTime<Utc>,
    /// Who (token subject).
    pub erased_by: String,
    /// Records changed, per kind.
    pub erased: BTreeMap<RecordType, i64>,
    /// Records kept, per kind.
    pub withheld: BTreeMap<RecordType, i64>,
}

/// What an erasure did: the stored record and every record changed or kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"erasure": {"id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f72", "reference": "DSR-2026-0042",
    "erased_at": "2026-11-28T05:00:00Z", "erased_by": "privacy-admin", "erased": {"consignee": 1}, "withheld": {}},
    "changed": [{"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["contact.name", "contact.email", "contact.phone"]}],
    "withheld": []}))]
pub struct ErasureReport {
    /// The stored erasure.
    pub erasure: Erasure,
    /// Every record changed.
    pub changed: Vec<ErasedRecord>,
    /// Every record kept, with the reason.
    pub withheld: Vec<WithheldRecord>,
}
