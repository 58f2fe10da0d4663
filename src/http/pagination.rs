//! Keyset pagination: `{items, next_cursor}` and the `Link: rel="next"` header.
//!
//! A cursor is the key of the last item of a page (an id or a sequence number); clients
//! pass it back unchanged, and any well-typed key is a valid position.

use std::borrow::Cow;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size.
pub const MAX_LIMIT: i64 = 200;

/// Paging of a list keyed by id with no filters: page size and the previous page's cursor.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IdPage {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<uuid::Uuid>,
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items of this page, in list order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The schema of `Page<T>`, named `Page_T`, whose `items` refer to `T`'s own schema, so generated
/// clients return `T` itself (utoipa's derive would inline a copy of `T`).
impl<T: ToSchema> utoipa::__dev::ComposeSchema for Page<T> {
    fn compose(_: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        #[allow(deprecated)] // utoipa writes `#[schema(example = …)]` into the 3.0-style `example`
        let example = match T::schema() {
            RefOr::T(Schema::Object(item)) => item.example.or_else(|| item.examples.first().cloned()),
            _ => None,
        };
        ObjectBuilder::new()
            .description(Some(format!("One page of {}, in list order.", T::name())))
            .property("items", ArrayBuilder::new().items(Ref::from_schema_name(T::name())))
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some("Pass as `cursor` to get the next page; `null` on the last page.")),
            )
            .required("next_cursor")
            .examples(example.map(|item| serde_json::json!({"items": [item], "next_cursor": null})))
            .into()
    }
}

impl<T: ToSchema> ToSchema for Page<T> {
    /// `Page`; the document names each use `Page_<T>`.
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Page")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// Checks `limit` (1..=200, default 50).
pub fn limit(value: Option<i64>) -> Result<i64, ApiError> {
    match value {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", "range", "must be between 1 and 200")),
    }
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
    let next_cursor = if more { rows.last().map(&key) } else { None };
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
