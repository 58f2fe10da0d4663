//! Memoranda as responses show them: with their standing today, their document, and a tag that
//! changes when either does.

use chrono::NaiveDate;

use super::api::Memorandum;
use super::model::MemorandumRow;
use crate::db::DbConnection;
use crate::documents::store as documents;
use crate::error::ApiError;
use crate::http::conditional::Tag;

/// The API view and ETag of each row, loading their documents in one query.
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<MemorandumRow>,
    today: NaiveDate,
) -> Result<Vec<(Memorandum, Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.document_id.clone()).collect();
    let docs = documents::get_many(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let document = row.document_id.as_ref().and_then(|id| docs.get(id)).map(|d| d.to_api()).transpose()?;
            let standing = row.standing(today)?;
            Ok((row.to_api(today, document)?, Tag::derived(row.version, &standing)))
        })
        .collect()
}

/// The API view and ETag of one row.
pub fn present_one(
    conn: &mut DbConnection,
    row: MemorandumRow,
    today: NaiveDate,
) -> Result<(Memorandum, Tag), ApiError> {
    present(conn, vec![row], today)?.pop().ok_or_else(|| ApiError::internal("a presented memorandum vanished"))
}
