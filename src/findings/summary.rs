//! The open findings a consignee's response lists, with the oldest overdue one.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::api::FindingRef;
use super::model::FindingRow;
use super::store;
use crate::db::DbConnection;
use crate::error::ApiError;

/// How many open findings a consignee's response lists (the most urgent first).
pub const LISTED: usize = 20;

/// A consignee's findings still open (`open` or `action_planned`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"count": 1, "oldest_overdue": null, "items": [{"id": "01a21e09-4444-7aaa-8bbb-000000000001",
    "review_id": "01a21e08-3333-7aaa-8bbb-000000000001", "severity": "high", "status": "action_planned", "due_on": "2026-06-30"}]}))]
pub struct OpenFindings {
    /// How many.
    pub count: i64,
    /// The overdue one with the earliest due date, if any.
    pub oldest_overdue: Option<FindingRef>,
    /// The 20 most urgent: earliest due first, those without a due date last.
    pub items: Vec<FindingRef>,
}

fn reference(row: &FindingRow) -> Result<FindingRef, ApiError> {
    Ok(FindingRef {
        id: crate::db::stored_id(&row.id)?,
        review_id: crate::db::stored_id(&row.review_id)?,
        severity: row.severity()?,
        status: row.status()?,
        due_on: row.due_on,
    })
}

/// The open findings of each consignee in `ids` on `today` (one query for all of them).
pub fn for_consignees(
    conn: &mut DbConnection,
    ids: &[String],
    today: NaiveDate,
) -> Result<HashMap<String, OpenFindings>, ApiError> {
    let mut rows = store::open_of(conn, ids)?;
    rows.sort_by(|a, b| (a.due_on.is_none(), a.due_on, &a.id).cmp(&(b.due_on.is_none(), b.due_on, &b.id)));
    let mut map: HashMap<String, OpenFindings> = HashMap::new();
    for row in &rows {
        let entry = map.entry(row.consignee_id.clone()).or_default();
        entry.count += 1;
        if entry.oldest_overdue.is_none() && row.overdue(today)? {
            entry.oldest_overdue = Some(reference(row)?);
        }
        if entry.items.len() < LISTED {
            entry.items.push(reference(row)?);
        }
    }
    Ok(map)
}
