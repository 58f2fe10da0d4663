//! Consignees as responses show them: with what is derived today from their memoranda and
//! entrustments, and a tag that changes when that does.

use chrono::NaiveDate;
use serde::Serialize;

use super::api::{Consignee, ConsigneeStatus, Warning};
use super::model::ConsigneeRow;
use crate::db::DbConnection;
use crate::entrustments::holding;
use crate::error::ApiError;
use crate::http::conditional::Tag;
use crate::memoranda::summary::{self, MemorandaSummary};

/// The values of a consignee derived from its other records on a day; part of its ETag.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Derived {
    /// Memoranda in force and missing clauses.
    pub memoranda_summary: MemorandaSummary,
    /// Categories held.
    pub categories_held: Vec<String>,
    /// Whether any is sensitive.
    pub holds_sensitive: bool,
}

/// The API view and ETag of each row (four queries for the derived values of all of them).
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<ConsigneeRow>,
    today: NaiveDate,
) -> Result<Vec<(Consignee, Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut summaries = summary::for_consignees(conn, &ids, today)?;
    let mut held = holding::held_by(conn, &ids, today)?;
    rows.into_iter()
        .map(|row| {
            let held = held.remove(&row.id).unwrap_or_default();
            let derived = Derived {
                memoranda_summary: summaries.remove(&row.id).unwrap_or_default(),
                categories_held: held.categories,
                holds_sensitive: held.sensitive,
            };
            let tag = Tag::derived(row.version, &derived);
            Ok((row.to_api(derived)?, tag))
        })
        .collect()
}

/// The API view and ETag of one row.
pub fn present_one(conn: &mut DbConnection, row: ConsigneeRow, today: NaiveDate) -> Result<(Consignee, Tag), ApiError> {
    present(conn, vec![row], today)?.pop().ok_or_else(|| ApiError::internal("a presented consignee vanished"))
}

/// After a move to `suspended` or `terminated`: a warning listing the entrustments through which
/// the consignee still holds data.
pub fn status_warnings(
    conn: &mut DbConnection,
    row: &ConsigneeRow,
    today: NaiveDate,
) -> Result<Option<Vec<Warning>>, ApiError> {
    if !matches!(row.status()?, ConsigneeStatus::Suspended | ConsigneeStatus::Terminated) {
        return Ok(None);
    }
    let held = holding::held_by(conn, std::slice::from_ref(&row.id), today)?.remove(&row.id).unwrap_or_default();
    if held.entrustment_ids.is_empty() {
        return Ok(None);
    }
    let ids = held.entrustment_ids.iter().map(|id| uuid::Uuid::parse_str(id).map_err(ApiError::internal));
    let entrustment_ids = ids.collect::<Result<Vec<_>, _>>()?;
    let message = format!(
        "the consignee still holds data through {} entrustment(s); end them and confirm deletion",
        entrustment_ids.len()
    );
    Ok(Some(vec![Warning { code: "still_holds_data".to_owned(), message, entrustment_ids }]))
}
