//! Consignees as responses show them: with their memoranda summary today, and a tag that
//! changes when it does.

use chrono::NaiveDate;

use super::api::Consignee;
use super::model::ConsigneeRow;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::Tag;
use crate::memoranda::summary;

/// The API view and ETag of each row (two queries for the summaries of all of them).
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<ConsigneeRow>,
    today: NaiveDate,
) -> Result<Vec<(Consignee, Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut summaries = summary::for_consignees(conn, &ids, today)?;
    rows.into_iter()
        .map(|row| {
            let summary = summaries.remove(&row.id).unwrap_or_default();
            let tag = Tag::derived(row.version, &summary);
            Ok((row.to_api(summary)?, tag))
        })
        .collect()
}

/// The API view and ETag of one row.
pub fn present_one(conn: &mut DbConnection, row: ConsigneeRow, today: NaiveDate) -> Result<(Consignee, Tag), ApiError> {
    present(conn, vec![row], today)?.pop().ok_or_else(|| ApiError::internal("a presented consignee vanished"))
}
