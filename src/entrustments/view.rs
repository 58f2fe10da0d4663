//! Entrustments as responses show them, with a tag that changes when `active`/`holds_data` do.

use chrono::NaiveDate;

use super::api::Entrustment;
use super::model::EntrustmentRow;
use super::store::{self, Loaded};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::Tag;

/// The API view and ETag of each row, loading their categories in one query.
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<EntrustmentRow>,
    today: NaiveDate,
) -> Result<Vec<(Entrustment, Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut categories = store::categories_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let codes = categories.remove(&row.id).unwrap_or_default();
            present_loaded((row, codes), today)
        })
        .collect()
}

/// The API view and ETag of a row already loaded with its categories.
pub fn present_loaded((row, categories): Loaded, today: NaiveDate) -> Result<(Entrustment, Tag), ApiError> {
    let tag = Tag::derived(row.version, &row.holding(today));
    Ok((row.to_api(categories, today)?, tag))
}
