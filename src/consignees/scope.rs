//! Lists of records that belong to consignees: one consignee's (`/consignees/{id}/…`, 404 when it
//! does not exist) or everyone's, optionally filtered by `consignee_id`.

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::store;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::Tag;
use crate::http::pagination;
use crate::state::AppState;

/// Whose records a list covers.
pub enum Scope {
    /// The consignee named in the path; 404 when there is none.
    Path(String),
    /// Every consignee's, or only this one's (a filter: no 404).
    Filter(Option<String>),
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
            let consignee_id = match scope {
                Scope::Path(id) => Some(store::get(c, &id)?.id),
                Scope::Filter(id) => id,
            };
            load(c, consignee_id.as_deref(), today)
        })
        .await?;
    let page = pagination::page(rows, limit, |(item, _)| key(item), |(item, _)| Ok(item))?;
    Ok(pagination::respond(req, &page))
}
