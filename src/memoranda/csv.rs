//! Memoranda as CSV: the export of the list.

use super::api::Memorandum;
use crate::consignees::scope::CsvFormat;
use crate::http::csv::{cell, name};

const HEADER: [&str; 15] = [
    "id",
    "consignee_id",
    "title",
    "external_ref",
    "version_label",
    "status",
    "in_force",
    "signed_on",
    "effective_from",
    "expires_on",
    "current_term_ends_on",
    "notice_deadline",
    "terminated_on",
    "created_at",
    "updated_at",
];

fn row(m: &Memorandum) -> Vec<String> {
    vec![
        m.id.to_string(),
        m.consignee_id.to_string(),
        m.title.clone(),
        cell(&m.external_ref),
        cell(&m.version_label),
        name(&m.status),
        m.in_force.to_string(),
        cell(&m.signed_on),
        cell(&m.effective_from),
        cell(&m.expires_on),
        cell(&m.current_term_ends_on),
        cell(&m.notice_deadline),
        cell(&m.terminated_on),
        m.created_at.to_rfc3339(),
        m.updated_at.to_rfc3339(),
    ]
}

/// The memoranda list as CSV.
pub const FORMAT: CsvFormat<Memorandum> =
    CsvFormat { filename: "memoranda.csv", header: &HEADER, key: |m| m.id.to_string(), row };
