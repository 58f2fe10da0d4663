//! Reviews as CSV: the export of the list.

use super::api::Review;
use crate::consignees::scope::CsvFormat;
use crate::http::csv::{cell, name};

const HEADER: [&str; 12] = [
    "id",
    "consignee_id",
    "kind",
    "method",
    "status",
    "scheduled_for",
    "performed_on",
    "reviewer",
    "outcome",
    "answers",
    "summary",
    "completed_at",
];

fn row(r: &Review) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.consignee_id.to_string(),
        name(&r.kind),
        name(&r.method),
        name(&r.status),
        cell(&r.scheduled_for),
        cell(&r.performed_on),
        r.reviewer.clone(),
        r.outcome.map(|o| name(&o)).unwrap_or_default(),
        r.answers.len().to_string(),
        cell(&r.summary),
        r.completed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
    ]
}

/// The review list as CSV.
pub const FORMAT: CsvFormat<Review> =
    CsvFormat { filename: "reviews.csv", header: &HEADER, key: |r| r.id.to_string(), row };
