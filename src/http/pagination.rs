//! Keyset pagination: opaque cursors, `{items, next_cursor}` and the `Link: rel="next"` header.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size.
pub const MAX_LIMIT: i64 = 200;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page, in list order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Checks `limit` (1..=200, default 50).
pub fn limit(value: Option<i64>) -> Result<i64, ApiError> {
    match value {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", "range", "must be between 1 and 200")),
    }
}

/// Encodes the key of the last item as an opaque cursor.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Decodes a cursor made by [`encode_cursor`]; 400 when it was not.
pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(Some)
        .ok_or_else(|| ApiError::invalid("cursor", "format", "not a cursor returned by this list"))
}

/// Splits `limit + 1` fetched rows into a page, using `key` for the cursor.
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> String,
    map: impl Fn(R) -> Result<T, ApiError>,
) -> Result<Page<T>, ApiError> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more { rows.last().map(|r| encode_cursor(&key(r))) } else { None };
    let items = rows.into_iter().map(map).collect::<Result<_, _>>()?;
    Ok(Page { items, next_cursor })
}

/// The list response: `no-store`, with `Link: <…>; rel="next"` when there is a next page.
pub fn respond<T: Serialize>(req: &HttpRequest, page: &Page<T>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(cursor) = &page.next_cursor {
        response.insert_header((header::LINK, format!("<{}>; rel=\"next\"", next_url(req, cursor))));
    }
    response.json(page)
}

fn next_url(req: &HttpRequest, cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        url_pairs(req.query_string()).into_iter().filter(|(k, _)| k != "cursor").collect();
    pairs.push(("cursor".to_owned(), cursor.to_owned()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{}", req.path(), query)
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap_or_default()
}
