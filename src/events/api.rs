//! The event feed's wire types: an event, its type, and the small snapshot it carries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// What happened: `{resource}.{what}`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
)]
pub enum EventType {
    #[serde(rename = "consignee.created")]
    #[strum(serialize = "consignee.created")]
    ConsigneeCreated,
    #[serde(rename = "consignee.updated")]
    #[strum(serialize = "consignee.updated")]
    ConsigneeUpdated,
    #[serde(rename = "consignee.status_changed")]
    #[strum(serialize = "consignee.status_changed")]
    ConsigneeStatusChanged,
    #[serde(rename = "consignee.deleted")]
    #[strum(serialize = "consignee.deleted")]
    ConsigneeDeleted,
    #[serde(rename = "memorandum.created")]
    #[strum(serialize = "memorandum.created")]
    MemorandumCreated,
    #[serde(rename = "memorandum.updated")]
    #[strum(serialize = "memorandum.updated")]
    MemorandumUpdated,
    #[serde(rename = "memorandum.signed")]
    #[strum(serialize = "memorandum.signed")]
    MemorandumSigned,
    #[serde(rename = "memorandum.terminated")]
    #[strum(serialize = "memorandum.terminated")]
    MemorandumTerminated,
    #[serde(rename = "memorandum.document_uploaded")]
    #[strum(serialize = "memorandum.document_uploaded")]
    MemorandumDocumentUploaded,
    /// Scheduled: a memorandum that does not renew ends within the warning window.
    #[serde(rename = "memorandum.expiring")]
    #[strum(serialize = "memorandum.expiring")]
    MemorandumExpiring,
    /// Scheduled: the last day to give notice not to renew is within the warning window.
    #[serde(rename = "memorandum.notice_deadline")]
    #[strum(serialize = "memorandum.notice_deadline")]
    MemorandumNoticeDeadline,
    #[serde(rename = "entrustment.started")]
    #[strum(serialize = "entrustment.started")]
    EntrustmentStarted,
    #[serde(rename = "entrustment.updated")]
    #[strum(serialize = "entrustment.updated")]
    EntrustmentUpdated,
    #[serde(rename = "entrustment.ended")]
    #[strum(serialize = "entrustment.ended")]
    EntrustmentEnded,
    #[serde(rename = "entrustment.deletion_confirmed")]
    #[strum(serialize = "entrustment.deletion_confirmed")]
    EntrustmentDeletionConfirmed,
    #[serde(rename = "entrustment.deletion_certificate_uploaded")]
    #[strum(serialize = "entrustment.deletion_certificate_uploaded")]
    EntrustmentDeletionCertificateUploaded,
    #[serde(rename = "sub_consignment.created")]
    #[strum(serialize = "sub_consignment.created")]
    SubConsignmentCreated,
    #[serde(rename = "sub_consignment.updated")]
    #[strum(serialize = "sub_consignment.updated")]
    SubConsignmentUpdated,
    #[serde(rename = "review.created")]
    #[strum(serialize = "review.created")]
    ReviewCreated,
    #[serde(rename = "review.updated")]
    #[strum(serialize = "review.updated")]
    ReviewUpdated,
    #[serde(rename = "review.completed")]
    #[strum(serialize = "review.completed")]
    ReviewCompleted,
    #[serde(rename = "review.document_uploaded")]
    #[strum(serialize = "review.document_uploaded")]
    ReviewDocumentUploaded,
    /// Scheduled: a consignee's next review is past due (the resource is the consignee).
    #[serde(rename = "review.overdue")]
    #[strum(serialize = "review.overdue")]
    ReviewOverdue,
    #[serde(rename = "finding.created")]
    #[strum(serialize = "finding.created")]
    FindingCreated,
    #[serde(rename = "finding.updated")]
    #[strum(serialize = "finding.updated")]
    FindingUpdated,
    /// Scheduled: an open finding is past its due date.
    #[serde(rename = "finding.overdue")]
    #[strum(serialize = "finding.overdue")]
    FindingOverdue,
    #[serde(rename = "certification.created")]
    #[strum(serialize = "certification.created")]
    CertificationCreated,
    #[serde(rename = "certification.updated")]
    #[strum(serialize = "certification.updated")]
    CertificationUpdated,
    #[serde(rename = "certification.document_uploaded")]
    #[strum(serialize = "certification.document_uploaded")]
    CertificationDocumentUploaded,
    /// Scheduled: the latest certification of a scheme expires within the warning window.
    #[serde(rename = "certification.expiring")]
    #[strum(serialize = "certification.expiring")]
    CertificationExpiring,
    #[serde(rename = "incident.recorded")]
    #[strum(serialize = "incident.recorded")]
    IncidentRecorded,
    #[serde(rename = "incident.updated")]
    #[strum(serialize = "incident.updated")]
    IncidentUpdated,
    #[serde(rename = "incident.closed")]
    #[strum(serialize = "incident.closed")]
    IncidentClosed,
    #[serde(rename = "incident.document_uploaded")]
    #[strum(serialize = "incident.document_uploaded")]
    IncidentDocumentUploaded,
    /// Scheduled: a report to the PPC is past its deadline.
    #[serde(rename = "incident.report_overdue")]
    #[strum(serialize = "incident.report_overdue")]
    IncidentReportOverdue,
    /// The server signed a checkpoint of the audit chain (for witnesses outside the service).
    #[serde(rename = "audit.checkpoint_created")]
    #[strum(serialize = "audit.checkpoint_created")]
    AuditCheckpointCreated,
}

impl EventType {
    /// The event an audited action produces (`entrustment.created` is `entrustment.started`,
    /// `incident.created` is `incident.recorded`); `None` for actions that are not domain events.
    pub fn of_action(action: &str) -> Option<Self> {
        let name = match action {
            "entrustment.created" => "entrustment.started",
            "incident.created" => "incident.recorded",
            "audit_checkpoint.created" => "audit.checkpoint_created",
            other => other,
        };
        name.parse().ok()
    }

    /// The name, e.g. `memorandum.signed`.
    pub fn as_str(&self) -> &str {
        self.as_ref()
    }
}

/// One event: what happened to which resource, in feed order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "seq": 1042, "type": "memorandum.signed", "resource_type": "memorandum",
    "resource_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "version": 3,
    "occurred_at": "2026-11-28T01:02:03.000004Z",
    "data": {"memorandum": {"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "external_ref": "CTR-2026-0042",
        "status": "signed", "signed_on": "2026-11-27", "effective_from": "2026-12-01", "expires_on": "2027-11-30"},
        "changed": ["signed_on", "status"]}
}))]
pub struct Event {
    /// Position in the feed (the audit event's `seq`): pass the last one seen as `cursor`.
    pub seq: i64,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// Kind of resource (`consignee`, `memorandum`, `entrustment`, `sub_consignment`, `review`,
    /// `finding`, `certification`, `incident`, `audit_checkpoint`).
    pub resource_type: String,
    /// The resource's id.
    pub resource_id: String,
    /// The resource's version after the change (its ETag's number).
    pub version: Option<i64>,
    /// When it happened (for a scheduled event: when the server noticed).
    pub occurred_at: DateTime<Utc>,
    /// A small snapshot of the resource; never personal data.
    pub data: EventData,
}

/// The resource's snapshot under its kind's name, and what changed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee": {"external_ref": "V-0042", "status": "suspended", "risk_tier": "high"},
    "previous_status": "approved", "changed": ["status", "status_reason"]}))]
pub struct EventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<ConsigneeSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memorandum: Option<MemorandumSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrustment: Option<EntrustmentSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_consignment: Option<SubConsignmentSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<FindingSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<CertificationSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<IncidentSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<CheckpointSnapshot>,
    /// The top-level fields a change altered (names only, never values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<Vec<String>>,
    /// The status before a status change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<String>,
    /// Scheduled events: the day that is near or has passed (an end, a notice deadline, a due date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
}

/// A consignee (its name stays out: a sole proprietor's name is personal data).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"external_ref": "V-0042", "status": "approved", "risk_tier": "high", "next_review_due": "2027-05-28"}))]
pub struct ConsigneeSnapshot {
    pub external_ref: Option<String>,
    pub status: String,
    pub risk_tier: String,
    pub next_review_due: Option<NaiveDate>,
}

/// A memorandum.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "external_ref": "CTR-2026-0042",
    "status": "signed", "signed_on": "2026-11-27", "effective_from": "2026-12-01", "expires_on": "2027-11-30", "terminated_on": null}))]
pub struct MemorandumSnapshot {
    pub consignee_id: String,
    pub external_ref: Option<String>,
    pub status: String,
    pub signed_on: Option<NaiveDate>,
    pub effective_from: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
}

/// An entrustment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "memorandum_id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "started_on": "2026-12-01", "ended_on": null, "deletion_confirmed_on": null}))]
pub struct EntrustmentSnapshot {
    pub consignee_id: String,
    pub memorandum_id: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub deletion_confirmed_on: Option<NaiveDate>,
}

/// A sub-consignment (the sub-consignee's name stays out).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "entrustment_id": "01a21e05-7a2b-7c3d-8e4f-5a6b7c8d9e0f", "consented_on": "2026-11-20", "ended_on": null}))]
pub struct SubConsignmentSnapshot {
    pub consignee_id: String,
    pub entrustment_id: String,
    pub consented_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// A supervision review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "kind": "periodic",
    "performed_on": "2026-11-20", "outcome": "satisfactory", "completed": true}))]
pub struct ReviewSnapshot {
    pub consignee_id: String,
    pub kind: String,
    pub performed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub completed: bool,
}

/// A finding of a review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15",
    "review_id": "01a21e05-8b3c-7d4e-9f5a-6b7c8d9e0f1a", "severity": "high", "status": "open", "due_on": "2026-12-31"}))]
pub struct FindingSnapshot {
    pub consignee_id: String,
    pub review_id: String,
    pub severity: String,
    pub status: String,
    pub due_on: Option<NaiveDate>,
}

/// A certification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "scheme": "privacy_mark",
    "issued_on": "2025-04-01", "expires_on": "2027-03-31"}))]
pub struct CertificationSnapshot {
    pub consignee_id: String,
    pub scheme: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// An incident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"consignee_id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "kind": "leakage",
    "status": "investigating", "suspected": false, "company_aware_at": "2026-11-24T09:00:00Z"}))]
pub struct IncidentSnapshot {
    pub consignee_id: String,
    pub kind: String,
    pub status: String,
    pub suspected: bool,
    pub company_aware_at: DateTime<Utc>,
}

/// A signed checkpoint of the audit chain: everything a witness needs to check its signature with
/// the public key (`/audit/public-keys`) and to see that none was left out (`number`, `prev`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"number": 12, "seq": 57,
    "head_hash": "5f0c6e1a9b3d4c2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
    "prev": "9c1b8f3e2d4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c", "at": "2026-11-28T15:00:00Z",
    "key_id": "3f9a2c7d1e5b8a40", "signature": "k8Q0v6gH2m1sV2bQ0XnY3zq3xN6pP7Y1QnE0Zt5o0W9jJ8kq4b7YbUj1f2VvR3Yd0cS3mR6tN1aL5uQ8eW2hAw=="}))]
pub struct CheckpointSnapshot {
    /// Its place among chained checkpoints: 1, 2, 3, …
    pub number: i64,
    /// `seq` of the chain head it signs.
    pub seq: i64,
    /// `hash` of the event at `seq`.
    pub head_hash: String,
    /// SHA-256 (hex) of the previous checkpoint's signed message, a line feed and its signature.
    pub prev: String,
    /// When it was signed.
    pub at: DateTime<Utc>,
    /// Id of the signing key.
    pub key_id: String,
    /// Ed25519 signature (base64) of the message described at `Checkpoint.signature`.
    pub signature: String,
}

/// Reading the feed: after a cursor, optionally only some types.
#[derive(Debug, Default, Clone, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `seq` of the last event seen (`next_cursor` of the previous page): events after it.
    #[validate(range(min = 0, max = 9_007_199_254_740_991_i64))]
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub cursor: Option<i64>,
    /// Only these types, comma-separated (e.g. `memorandum.signed,consignee.status_changed`).
    #[param(value_type = Option<Vec<EventType>>, style = Form, explode = false)]
    pub types: Option<String>,
}
