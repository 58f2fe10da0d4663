//! The erasure request and what it answers: which records changed and which were withheld, by
//! id and field name only, never the values.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The kinds of record that can hold a person's data (in answers, counts and `CR_ERASURE_RETAIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
pub enum RecordType {
    /// A consignee: its contact person (name, e-mail, phone) and its free text.
    Consignee,
    /// A memorandum: its signatories and its free text.
    Memorandum,
    /// An entrustment: its responsible person and its free text.
    Entrustment,
    /// A sub-consignment: who consented, and its free text.
    SubConsignment,
    /// A review: its reviewer and its free text.
    Review,
    /// A review finding.
    Finding,
    /// A certification.
    Certification,
    /// An incident.
    Incident,
    /// An uploaded document's file name and type (its contents are not searched).
    Document,
    /// A data category of the taxonomy.
    DataCategory,
    /// A required-clause template.
    ClauseTemplate,
    /// A review checklist item.
    ReviewChecklistItem,
    /// A daily compliance snapshot.
    ComplianceSnapshot,
    /// A token revocation's reason.
    TokenRevocation,
    /// A domain event of the feed.
    Event,
    /// A webhook subscription.
    Webhook,
    /// A webhook delivery.
    WebhookDelivery,
    /// A webhook delivery attempt.
    WebhookAttempt,
    /// An audit event: its recorded changes (redacted; the chain keeps their hash) and request id.
    AuditEvent,
    /// A response kept for an `Idempotency-Key` retry.
    IdempotentResponse,
    /// A stored erasure.
    Erasure,
}

/// Each table that can hold a person and the record type it holds: the one mapping.
const TABLES: [(&str, RecordType); 21] = [
    ("consignees", RecordType::Consignee),
    ("memoranda", RecordType::Memorandum),
    ("entrustments", RecordType::Entrustment),
    ("sub_consignments", RecordType::SubConsignment),
    ("reviews", RecordType::Review),
    ("findings", RecordType::Finding),
    ("certifications", RecordType::Certification),
    ("incidents", RecordType::Incident),
    ("documents", RecordType::Document),
    ("data_categories", RecordType::DataCategory),
    ("clause_templates", RecordType::ClauseTemplate),
    ("review_checklist_items", RecordType::ReviewChecklistItem),
    ("compliance_snapshots", RecordType::ComplianceSnapshot),
    ("token_revocations", RecordType::TokenRevocation),
    ("events", RecordType::Event),
    ("webhooks", RecordType::Webhook),
    ("webhook_deliveries", RecordType::WebhookDelivery),
    ("webhook_attempts", RecordType::WebhookAttempt),
    ("audit_events", RecordType::AuditEvent),
    ("idempotency_keys", RecordType::IdempotentResponse),
    ("erasures", RecordType::Erasure),
];

impl RecordType {
    /// The name used in answers, counts and audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consignee => "consignee",
            Self::Memorandum => "memorandum",
            Self::Entrustment => "entrustment",
            Self::SubConsignment => "sub_consignment",
            Self::Review => "review",
            Self::Finding => "finding",
            Self::Certification => "certification",
            Self::Incident => "incident",
            Self::Document => "document",
            Self::DataCategory => "data_category",
            Self::ClauseTemplate => "clause_template",
            Self::ReviewChecklistItem => "review_checklist_item",
            Self::ComplianceSnapshot => "compliance_snapshot",
            Self::TokenRevocation => "token_revocation",
            Self::Event => "event",
            Self::Webhook => "webhook",
            Self::WebhookDelivery => "webhook_delivery",
            Self::WebhookAttempt => "webhook_attempt",
            Self::AuditEvent => "audit_event",
            Self::IdempotentResponse => "idempotent_response",
            Self::Erasure => "erasure",
        }
    }

    /// The record type a table holds; `None` for a table no record type names.
    pub fn of_table(table: &str) -> Option<Self> {
        TABLES.iter().find(|(t, _)| *t == table).map(|(_, kind)| *kind)
    }

    /// The record type an audit event's `resource_type` names, if any.
    pub fn of_resource(resource_type: &str) -> Option<Self> {
        TABLES.iter().map(|(_, kind)| *kind).find(|kind| kind.as_str() == resource_type)
    }
}

/// Whose data to erase, and the request it answers.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reference": "DSR-2026-0042", "email": "hanako.yamada@example.co.jp", "name": "山田 花子"}))]
pub struct ErasureRequest {
    /// The data subject request's reference (your ticket number); the erasure record keeps it, so
    /// it may not hold the person's e-mail or name.
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
#[schema(example = json!({"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["contact_name", "contact_email", "contact_phone"]}))]
pub struct ErasedRecord {
    /// Kind of record.
    pub record_type: RecordType,
    /// Its id (an audit event's `seq`; the key's parts joined by `/` where it has several).
    pub record_id: String,
    /// The fields changed: a person emptied (`[erased]` where a value is required), or the
    /// e-mail replaced by `[erased]` inside text.
    pub fields: Vec<String>,
}

/// A record that still holds the person's name inside free text, which an erasure does not
/// rewrite (a part of other words could be taken): edit these fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["notes"]}))]
pub struct ReviewNeeded {
    /// Kind of record.
    pub record_type: RecordType,
    /// Its id.
    pub record_id: String,
    /// The fields whose text still names the person.
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
    "changed": [{"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["contact_name", "contact_email", "contact_phone", "notes"]}],
    "needs_review": [{"record_type": "consignee", "record_id": "019ac8a0-4d2e-7c3b-9f1a-2b3c4d5e6f70", "fields": ["notes"]}],
    "withheld": []}))]
pub struct ErasureReport {
    /// The stored erasure.
    pub erasure: Erasure,
    /// Every record changed.
    pub changed: Vec<ErasedRecord>,
    /// Every record whose free text still names the person: for the privacy officer to edit.
    pub needs_review: Vec<ReviewNeeded>,
    /// Every record kept, with the reason.
    pub withheld: Vec<WithheldRecord>,
}
