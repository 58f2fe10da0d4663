//! Lists of records that belong to consignees: one consignee's (`/consignees/{id}/…`, 404 when it
//! does not exist) or everyone's, optionally filtered by `consignee_id`.

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::store;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::Tag;
use crate::http::csv::{next_key, Paged};
use crate::http::pagination;
use crate::state::AppState;

/// Whose records a list covers.
pub enum Scope {
    /// The consignee named in the path; 404 when there is none.
    Path(String),
    /// Every consignee's, or only this one's (a filter: no 404).
    Filter(Option<String>),
}

/// The consignee a scope narrows to, if any; 404 for a path naming none.
pub fn resolve(conn: &mut DbConnection, scope: &Scope) -> Result<Option<String>, ApiError> {
    match scope {
        Scope::Path(id) => Ok(Some(store::get(conn, id)?.id)),
        Scope::Filter(id) => Ok(id.clone()),
    }
}

/// A page of up to `limit` records that `load` reads (asked for `limit + 1`) for the scope on
/// today's date; `key` gives the cursor of a record.
pub async fn page<T, L>(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    limit: i64,
    key: fn(&T) -> String,
    load: L,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    L: FnOnce(&mut DbConnection, Option<&str>, NaiveDate) -> Result<Vec<(T, Tag)>, ApiError> + Send + 'static,
{
    let today = state.today();
    let rows = state
        .db
        .run(move |c| {
            let consignee_id = resolve(c, &scope)?;
            load(c, consignee_id.as_deref(), today)
        })
        .await?;
    let page = pagination::page(rows, limit, |(item, _)| key(item), |(item, _)| Ok(item))?;
    Ok(pagination::respond(req, &page))
}

/// Records read per CSV batch.
const CSV_BATCH: i64 = 500;

/// How a list writes its records as CSV: the columns, each record's key (its cursor) and row.
pub struct CsvFormat<T: 'static> {
    /// The file name offered.
    pub filename: &'static str,
    /// The columns.
    pub header: &'static [&'static str],
    /// A record's cursor.
    pub key: fn(&T) -> String,
    /// A record's cells.
    pub row: fn(&T) -> Vec<String>,
}

/// The records of a scope as streamed CSV: `load` reads up to a batch of records after a cursor
/// (with the scope's consignee, today), `format` writes them.
pub async fn csv<T, L>(
    state: &AppState,
    scope: Scope,
    format: CsvFormat<T>,
    mut load: L,
) -> Result<HttpResponse, ApiError>
where
    T: 'static,
    L: FnMut(&mut DbConnection, Option<&str>, Option<uuid::Uuid>, NaiveDate, i64) -> Result<Vec<T>, ApiError>
        + Send
        + 'static,
{
    let today = state.today();
    let CsvFormat { filename, header, key, row } = format;
    let export = Paged::new(header, move |c, after| {
        let consignee_id = resolve(c, &scope)?;
        let after = after.map(str::parse).transpose().map_err(ApiError::internal)?;
        let items = load(c, consignee_id.as_deref(), after, today, CSV_BATCH)?;
        let next = next_key(&items, CSV_BATCH, key);
        Ok((items.iter().map(row).collect(), next))
    });
    crate::http::csv::respond(state.db.clone(), filename, export).await
}
