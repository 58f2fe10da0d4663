//! Report endpoints.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::api::{
    ComplianceCounts, ComplianceReportQuery, ComplianceStanding, LedgerEntry, Summary, Trend, TrendDay, TrendQuery,
};
use super::compliance;
use crate::compliance::scan::{self, Filter};
use crate::entrustments::api::EntrustmentQuery;
use crate::error::{ApiError, Problem};
use crate::http::csv::FormatQuery;
use crate::http::{csv, pagination};
use crate::state::AppState;
use crate::validation;

/// The compliance report.
///
/// Every consignee's standing today with the checks that fail or warn, in creation order;
/// filtered by standing, risk tier and a data category held. As CSV (`?format=csv` or
/// `Accept: text/csv`) the whole report is streamed, judged a batch at a time.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_compliance_standings",
    security(("bearer" = ["read_register"])),
    params(ComplianceReportQuery),
    responses(
        (status = 200, description = "A page of the report, or all of it as CSV", content(
            (pagination::Page<ComplianceStanding> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/compliance")]
pub async fn compliance_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ComplianceReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let limit = pagination::limit(query.limit)?;
    let ctx = state.supervision().compliance();
    let filter = Filter { compliance: query.compliance, risk_tier: query.risk_tier, category: query.category.clone() };
    if csv::wanted(&req, query.format) {
        return csv::respond(state.db.clone(), "compliance.csv", compliance::export(filter, ctx)).await;
    }
    let after = query.cursor.map(|id| id.to_string());
    let judged = state.db.run(move |c| scan::page(c, &filter, after, limit, &ctx)).await?;
    let page = pagination::page(judged, limit, |j| j.row.id.clone(), compliance::item)?;
    Ok(pagination::respond(&req, &page))
}

/// The dashboard summary.
///
/// Counts over the whole register today: consignees by status, risk tier and compliance
/// standing, memoranda ending soon, notice deadlines, reviews due and overdue, open findings by
/// severity, entrustments awaiting deletion confirmation, and holders of sensitive categories.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_summary_report",
    security(("bearer" = ["read_register"])),
    responses((status = 200, description = "The summary", body = Summary)),
)]
#[get("/reports/summary")]
pub async fn summary_report(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let ctx = state.supervision().compliance();
    let cache = state.consignee_views.clone();
    let summary = state.db.run(move |c| super::summary::summary(c, &ctx, &cache)).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(summary))
}

/// The compliance trend.
///
/// Consignees per standing on each day from `from` through `to` (at most 366 days) that has a
/// daily snapshot; the server records one each business day.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_compliance_trend",
    security(("bearer" = ["read_register"])),
    params(TrendQuery),
    responses(
        (status = 200, description = "The trend", body = Trend),
        (status = 422, description = "`from` after `to`, or a span over 366 days", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/reports/compliance/trend")]
pub async fn compliance_trend(
    state: web::Data<AppState>,
    query: web::Query<TrendQuery>,
) -> Result<HttpResponse, ApiError> {
    validation::check(&*query)?;
    let to = query.to.unwrap_or_else(|| state.today());
    let from = query.from.unwrap_or_else(|| to - chrono::Days::new(30));
    if from > to {
        return Err(ApiError::invalid("from", "date_order", "cannot be after to"));
    }
    if (to - from).num_days() > 366 {
        return Err(ApiError::invalid("to", "range", "at most 366 days after from"));
    }
    let days = state.db.run(move |c| crate::compliance::snapshot::counts(c, from, to)).await?;
    let days = days
        .into_iter()
        .map(|(day, counts)| {
            let mut total = ComplianceCounts::default();
            counts.into_iter().for_each(|(status, n)| total.add(status, n));
            TrendDay { day, counts: total }
        })
        .collect();
    let trend = Trend { from, to, days };
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(trend))
}

/// The ledger of entrusted personal data.
///
/// One row per entrustment with its consignee, categories, purpose, data subjects, approximate
/// records, memorandum, transfers abroad, responsible department and person, start and end — the
/// consignment side of a Privacy Mark personal-information ledger and the recipients part of a
/// GDPR Art. 30 record. As CSV with `?format=csv` or `Accept: text/csv`.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_ledger_entries",
    security(("bearer" = ["read_register"])),
    params(crate::memoranda::api::ConsigneeFilter, EntrustmentQuery, FormatQuery),
    responses(
        (status = 200, description = "A page of the ledger, or all of it as CSV", content(
            (pagination::Page<LedgerEntry> = "application/json"),
            (String = "text/csv"),
        ), headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page (JSON)"))),
    ),
)]
#[get("/reports/ledger")]
pub async fn ledger(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<crate::memoranda::api::ConsigneeFilter>,
    query: web::Query<EntrustmentQuery>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    validation::check(&query)?;
    let (consignee_id, today) = (filter.into_inner().consignee_id.map(|id| id.to_string()), state.today());
    if csv::wanted(&req, format.format) {
        let scope = crate::consignees::scope::Scope::Filter(consignee_id);
        return crate::consignees::scope::csv(
            &state,
            scope,
            super::ledger::FORMAT,
            move |c, consignee_id, after, today, limit| {
                let page = EntrustmentQuery { cursor: after, ..query.clone() };
                let rows = crate::entrustments::store::list(c, consignee_id, &page, today, limit)?;
                super::ledger::entries(c, rows)
            },
        )
        .await;
    }
    let limit = pagination::limit(query.limit)?;
    let entries = state
        .db
        .run(move |c| {
            let rows = crate::entrustments::store::list(c, consignee_id.as_deref(), &query, today, limit + 1)?;
            super::ledger::entries(c, rows)
        })
        .await?;
    let page = pagination::page(entries, limit, |e| e.entrustment_id.to_string(), Ok)?;
    Ok(pagination::respond(&req, &page))
}
