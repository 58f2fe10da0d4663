//! Entrustments as responses show them, with a tag that changes when `active`/`holds_data` do.

use chrono::NaiveDate;

use super::api::Entrustment;
use super::model::EntrustmentRow;
use super::store::{self, Loaded};
use crate::db::DbConnection;
use crate::documents::store as documents;
use crate::error::ApiError;
use crate::http::conditional::Tag;

/// The API view and ETag of each row, loading their categories and certificates in two queries.
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<EntrustmentRow>,
    today: NaiveDate,
) -> Result<Vec<(Entrustment, Tag)>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut categories = store::categories_of(conn, &ids)?;
    let certificate_ids: Vec<String> = rows.iter().filter_map(|r| r.deletion_document_id.clone()).collect();
    let certificates = documents::get_many(conn, &certificate_ids)?;
    rows.into_iter()
        .map(|row| {
            let codes = categories.remove(&row.id).unwrap_or_default();
            let certificate = row
                .deletion_document_id
                .as_ref()
                .and_then(|id| certificates.get(id))
                .map(|d| d.to_api())
                .transpose()?;
            let tag = Tag::derived(row.version, &row.holding(today));
            Ok((row.to_api(codes, certificate, today)?, tag))
        })
        .collect()
}

/// The API view and ETag of a row already loaded with its categories.
pub fn present_loaded(
    conn: &mut DbConnection,
    (row, categories): Loaded,
    today: NaiveDate,
) -> Result<(Entrustment, Tag), ApiError> {
    let certificate = row.deletion_document_id.as_deref().map(|id| documents::get(conn, id)?.to_api()).transpose()?;
    let tag = Tag::derived(row.version, &row.holding(today));
    Ok((row.to_api(categories, certificate, today)?, tag))
}
