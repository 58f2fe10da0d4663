//! The snapshot each resource's events carry: ids, statuses and dates, never personal data.

use chrono::{DateTime, Utc};

use super::api::*;
use crate::certifications::model::CertificationRow;
use crate::consignees::model::ConsigneeRow;
use crate::entrustments::model::EntrustmentRow;
use crate::findings::model::FindingRow;
use crate::incidents::model::IncidentRow;
use crate::memoranda::model::MemorandumRow;
use crate::reviews::model::ReviewRow;
use crate::sub_consignments::store::SubConsignmentRow;

/// What an audited change adds to the feed: the resource's version and snapshot, and for a
/// scheduled event the occurrence it announces (announced once).
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// The resource's version after the change.
    pub version: Option<i64>,
    /// The snapshot.
    pub data: EventData,
    /// The key of a scheduled occurrence, e.g. `memorandum.expiring:<id>:2027-03-31`.
    pub occurrence: Option<String>,
}

impl EventDraft {
    /// A draft of a resource at `version`.
    pub fn new(version: i64, data: EventData) -> Self {
        Self { version: Some(version), data, occurrence: None }
    }
}

impl From<&ConsigneeRow> for EventDraft {
    fn from(r: &ConsigneeRow) -> Self {
        let snapshot = ConsigneeSnapshot {
            external_ref: r.external_ref.clone(),
            status: r.status.clone(),
            risk_tier: r.risk_tier.clone(),
            next_review_due: r.next_review_due,
        };
        Self::new(r.version, EventData { consignee: Some(snapshot), ..Default::default() })
    }
}

impl From<&MemorandumRow> for EventDraft {
    fn from(r: &MemorandumRow) -> Self {
        let snapshot = MemorandumSnapshot {
            consignee_id: r.consignee_id.clone(),
            external_ref: r.external_ref.clone(),
            status: r.status.clone(),
            signed_on: r.signed_on,
            effective_from: r.effective_from,
            expires_on: r.expires_on,
            terminated_on: r.terminated_on,
        };
        Self::new(r.version, EventData { memorandum: Some(snapshot), ..Default::default() })
    }
}

impl From<&EntrustmentRow> for EventDraft {
    fn from(r: &EntrustmentRow) -> Self {
        let snapshot = EntrustmentSnapshot {
            consignee_id: r.consignee_id.clone(),
            memorandum_id: r.memorandum_id.clone(),
            started_on: r.started_on,
            ended_on: r.ended_on,
            deletion_confirmed_on: r.deletion_confirmed_on,
        };
        Self::new(r.version, EventData { entrustment: Some(snapshot), ..Default::default() })
    }
}

/// A sub-consignment's draft; its consignee is the entrustment's.
pub fn sub_consignment(r: &SubConsignmentRow, consignee_id: &str) -> EventDraft {
    let snapshot = SubConsignmentSnapshot {
        consignee_id: consignee_id.to_owned(),
        entrustment_id: r.entrustment_id.clone(),
        consented_on: r.consented_on,
        ended_on: r.ended_on,
    };
    EventDraft::new(r.version, EventData { sub_consignment: Some(snapshot), ..Default::default() })
}

impl From<&ReviewRow> for EventDraft {
    fn from(r: &ReviewRow) -> Self {
        let snapshot = ReviewSnapshot {
            consignee_id: r.consignee_id.clone(),
            kind: r.kind.clone(),
            performed_on: r.performed_on,
            outcome: r.outcome.clone(),
            completed: r.completed_at.is_some(),
        };
        Self::new(r.version, EventData { review: Some(snapshot), ..Default::default() })
    }
}

impl From<&FindingRow> for EventDraft {
    fn from(r: &FindingRow) -> Self {
        let snapshot = FindingSnapshot {
            consignee_id: r.consignee_id.clone(),
            review_id: r.review_id.clone(),
            severity: r.severity.clone(),
            status: r.status.clone(),
            due_on: r.due_on,
        };
        Self::new(r.version, EventData { finding: Some(snapshot), ..Default::default() })
    }
}

impl From<&CertificationRow> for EventDraft {
    fn from(r: &CertificationRow) -> Self {
        let snapshot = CertificationSnapshot {
            consignee_id: r.consignee_id.clone(),
            scheme: r.scheme.clone(),
            issued_on: r.issued_on,
            expires_on: r.expires_on,
        };
        Self::new(r.version, EventData { certification: Some(snapshot), ..Default::default() })
    }
}

impl From<&IncidentRow> for EventDraft {
    fn from(r: &IncidentRow) -> Self {
        let snapshot = IncidentSnapshot {
            consignee_id: r.consignee_id.clone(),
            kind: r.kind.clone(),
            status: r.status.clone(),
            suspected: r.suspected,
            company_aware_at: DateTime::<Utc>::from_naive_utc_and_offset(r.company_aware_at, Utc),
        };
        Self::new(r.version, EventData { incident: Some(snapshot), ..Default::default() })
    }
}

/// Names of the fields an audit diff (`{"before": …, "after": …}`) altered, and the status before.
pub fn what_changed(changes: &serde_json::Value) -> (Option<Vec<String>>, Option<String>) {
    let (Some(before), Some(after)) = (changes["before"].as_object(), changes["after"].as_object()) else {
        return (None, None);
    };
    let mut names: Vec<String> = before.keys().chain(after.keys()).cloned().collect();
    names.sort();
    names.dedup();
    let previous = after.contains_key("status").then(|| before.get("status")?.as_str().map(str::to_owned)).flatten();
    (Some(names), previous)
}
