//! Consignee endpoints.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{Consignee, ConsigneeInput, ConsigneeQuery, StatusChange};
use super::import::{self as csv_import, CsvBytes, ImportQuery, ImportResult};
use super::patch::ConsigneePatch;
use super::view_cache::ViewCache;
use super::{store, view};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch};
use crate::http::csv::FormatQuery;
use crate::http::{body, csv, pagination};
use crate::state::AppState;
use crate::validation;

/// Location of a consignee.
pub fn location(id: &str) -> String {
    format!("/api/v1/consignees/{id}")
}

/// Register a consignee.
///
/// Creates a `candidate`; it becomes `approved` only through a status change by the privacy office.
#[utoipa::path(
    tag = "consignees",
    operation_id = "create_consignee",
    security(("bearer" = ["edit_register"])),
    request_body = ConsigneeInput,
    responses(
        (status = 201, description = "Created", body = Consignee,
            headers(("Location" = String, description = "URL of the new consignee"), ("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The corporate number is already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = body::json::<ConsigneeInput>(&req, payload, body::JSON).await?.normalized();
    validation::check(&input)?;
    let (at, ctx) = (state.clock.now(), state.supervision().compliance());
    let (consignee, tag) = state
        .db
        .write(move |c| {
            let row = store::create(c, &caller, at, input)?;
            view::present_one(c, row, &ctx)
        })
        .await?;
    Ok(conditional::created(location(&consignee.id.to_string()), tag, &consignee))
}

/// List consignees.
///
/// In creation order, filtered by status, risk tier, country, a name search and today's
/// compliance standing. As CSV (`?format=csv` or `Accept: text/csv`) the whole list is streamed
/// in the columns `POST /consignees/import` reads back.
#[utoipa::path(
    tag = "consignees",
    operation_id = "list_consignees",
    security(("bearer" = ["read_register"])),
    params(ConsigneeQuery, FormatQuery),
    responses(
        (status = 200, description = "A page of consignees, or all of them as CSV", content(
            (pagination::Page<Consignee> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/consignees")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ConsigneeQuery>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    let (after, ctx) = (query.cursor.map(|id| id.to_string()), state.supervision().compliance());
    if csv::wanted(&req, format.format) {
        return csv::respond(state.db.clone(), "consignees.csv", super::csv::export(query, ctx)).await;
    }
    let cache = state.consignee_views.clone();
    let rows = state.db.run(move |c| page_of(c, &query, after, limit, &ctx, Some(&cache))).await?;
    let page = pagination::page(rows, limit, |(c, _)| c.id.to_string(), |(c, _)| Ok(c))?;
    Ok(pagination::respond(&req, &page))
}

/// Import consignees from CSV.
///
/// `text/csv` in UTF-8 (with or without BOM) or Shift_JIS/CP932 — what Excel in Japan saves —
/// as the `charset` parameter says, else detected. The header names the columns (those of the
/// CSV export; `legal_name` is required; `id`, `status`, `compliance_status`, `created_at` and
/// `updated_at` are ignored). Every row is checked first: one 422 lists every bad row and field
/// (`row` is the line, the header being row 1), and nothing is written. Otherwise all rows are
/// written in one transaction: new consignees start as `candidate`; a row whose corporate number
/// is registered updates that consignee with `upsert=true` and is an error without it.
/// `dry_run=true` checks and counts without writing.
#[utoipa::path(
    tag = "consignees",
    operation_id = "import_consignees",
    security(("bearer" = ["edit_register"])),
    params(ImportQuery),
    request_body(description = "The CSV", content((CsvBytes = "text/csv"))),
    responses(
        (status = 200, description = "Imported (or, on a dry run, checked)", body = ImportResult),
        (status = 413, description = "Larger than the import limit (CR_IMPORT_LIMIT, default 10 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv, or a charset other than UTF-8 and Shift_JIS", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows, all listed with their line; nothing was written", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/import")]
pub async fn import(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    body::check_content_type(&req, &["text/csv"])?;
    let charset =
        req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| {
            v.split(';').skip(1).find_map(|p| {
                let (name, value) = p.split_once('=')?;
                name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().to_owned())
            })
        });
    let bytes = body::read_at_most(&req, payload, state.import_limit).await?;
    let text = csv_import::decode(&bytes, charset.as_deref())?;
    let (query, at, intervals) = (query.into_inner(), state.clock.now(), state.review_intervals);
    let result = if query.dry_run {
        state
            .db
            .run(move |c| {
                let rows = csv_import::check(c, &text, query.upsert)?;
                csv_import::preview(c, &rows)
            })
            .await?
    } else {
        state
            .db
            .write(move |c| {
                let rows = csv_import::check(c, &text, query.upsert)?;
                csv_import::apply(c, &caller, at, intervals, rows)
            })
            .await?
    };
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(result))
}

/// Up to `limit + 1` consignees after `after` matching the query, their derived values from
/// `cache` where current; a `compliance` filter, which is derived, scans batches of 200 in id
/// order until the page is full.
pub fn page_of(
    conn: &mut crate::db::DbConnection,
    query: &ConsigneeQuery,
    after: Option<String>,
    limit: i64,
    ctx: &crate::compliance::rules::Context,
    cache: Option<&ViewCache>,
) -> Result<Vec<(Consignee, crate::http::conditional::Tag)>, ApiError> {
    let present = |conn: &mut crate::db::DbConnection, rows| match cache {
        Some(cache) => view::present_cached(conn, rows, ctx, cache),
        None => view::present(conn, rows, ctx),
    };
    let Some(wanted) = query.compliance else {
        let rows = store::list(conn, query, after.as_deref(), limit + 1)?;
        return present(conn, rows);
    };
    let batch = crate::compliance::scan::BATCH;
    crate::compliance::scan::fill(after, limit, |after| {
        let rows = store::list(conn, query, after, batch)?;
        let next = csv::next_key(&rows, batch, |r| r.id.clone());
        let presented = present(conn, rows)?;
        Ok((presented.into_iter().filter(|(c, _)| c.compliance_status == wanted).collect(), next))
    })
}

/// Get a consignee.
#[utoipa::path(
    tag = "consignees",
    operation_id = "get_consignee",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), IfNoneMatch),
    responses(
        (status = 200, description = "The consignee", body = Consignee, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/consignees/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, ctx) = (id.into_inner().to_string(), state.supervision().compliance());
    let cache = state.consignee_views.clone();
    let (consignee, tag) = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            view::present_one_cached(c, row, &ctx, &cache)
        })
        .await?;
    conditional::resource(&req, tag, &consignee)
}

/// Change a consignee.
///
/// JSON merge patch (RFC 7396): absent fields stay, `null` clears optional fields,
/// `contact` is merged field by field. Status changes go through `/status`.
#[utoipa::path(
    tag = "consignees",
    operation_id = "update_consignee",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"),
        IfMatch),
    request_body(content(
        (ConsigneePatch = "application/merge-patch+json"),
        (ConsigneePatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed consignee", body = Consignee, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The corporate number is already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/consignees/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let patch: ConsigneePatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let ctx = supervision.compliance();
    let (consignee, tag) = state
        .db
        .write(move |c| {
            let row = store::update(c, &caller, at, supervision, &id, expected, patch)?;
            view::present_one(c, row, &ctx)
        })
        .await?;
    Ok(conditional::written(tag, &consignee))
}

/// Change a consignee's status.
///
/// `candidate → approved | rejected`, `approved → suspended | terminated`,
/// `suspended → approved | terminated`; `rejected` and `terminated` are final. Approval needs a
/// passing review: from `candidate`, the latest completed `selection` review is `satisfactory`,
/// or `needs_improvement` with every finding of it `action_planned`, `resolved` or
/// `accepted_risk`; from `suspended`, the same of a review completed and performed after the
/// suspension (409 saying what is missing otherwise). Suspending or
/// terminating a consignee that still holds data is allowed; the answer's `warnings` lists the
/// entrustments to end and confirm deletion for.
#[utoipa::path(
    tag = "consignees",
    operation_id = "change_consignee_status",
    security(("bearer" = ["decide_consignee_status"])),
    params(("id" = Uuid, Path, description = "Consignee id"),
        IfMatch),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The consignee in its new status", body = Consignee),
        (status = 409, description = "The transition is not allowed from the current status, or approval lacks a passing review", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/{id}/status")]
pub async fn change_status(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let change: StatusChange = body::json(&req, payload, body::JSON).await?;
    validation::check(&change)?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let ctx = supervision.compliance();
    let (consignee, tag) = state
        .db
        .write(move |c| {
            let row = store::change_status(c, &caller, at, supervision, &id, expected, change)?;
            let warnings = view::status_warnings(c, &row, ctx.today)?;
            let (mut consignee, tag) = view::present_one(c, row, &ctx)?;
            consignee.warnings = warnings;
            Ok((consignee, tag))
        })
        .await?;
    Ok(conditional::written(tag, &consignee))
}

/// Delete a candidate.
///
/// Only a `candidate` with nothing attached; any other consignee is kept as evidence.
#[utoipa::path(
    tag = "consignees",
    operation_id = "delete_consignee",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"),
        IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Not a candidate, or records are attached", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/consignees/{id}")]
pub async fn remove(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = conditional::expected_version(&req)?;
    let (id, at) = (id.into_inner().to_string(), state.clock.now());
    state.db.write(move |c| store::delete(c, &caller, at, &id, expected)).await?;
    Ok(HttpResponse::NoContent().finish())
}
