//! Incident endpoints: record at a consignee, follow to closure, assemble the report to the PPC.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::api::{Incident, IncidentInput, IncidentQuery, RecordOptions};
use super::model::Judging;
use super::patch::IncidentPatch;
use super::ppc::{self, PpcReport};
use super::{rules, store, view};
use crate::auth::Caller;
use crate::compliance::scan;
use crate::consignees::scope::{self, Scope};
use crate::error::{ApiError, Problem};
use crate::http::conditional::{self, IfMatch, IfNoneMatch, Tag};
use crate::http::{body, pagination};
use crate::memoranda::api::ConsigneeFilter;
use crate::state::AppState;

/// Record an incident at a consignee.
///
/// A leak, loss or damage of entrusted personal data (or a suspected one). The response derives
/// whether it must be reported to the PPC (APPI Art. 26) and by when, and answers the first
/// questions (`impact`). Unless `schedule_review=false`, an `ad_hoc` review of the consignee is
/// scheduled for today (`follow_up_review` says which, and whether this request scheduled it).
#[utoipa::path(
    tag = "incidents",
    operation_id = "create_incident",
    security(("bearer" = ["edit_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), RecordOptions),
    request_body = IncidentInput,
    responses(
        (status = 201, description = "Recorded", body = Incident,
            headers(("Location" = String, description = "URL of the new incident"), ("ETag" = String, description = "Version tag"))),
        (status = 422, description = "Invalid fields, all listed: the timeline, a category the consignee never held, another consignee's entrustment or finding", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/consignees/{id}/incidents")]
pub async fn create(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    options: web::Query<RecordOptions>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input = rules::normalized(body::json::<IncidentInput>(&req, payload, body::JSON).await?);
    let schedule_review = options.schedule_review.unwrap_or(true);
    let (consignee_id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let (incident, tag) = state
        .db
        .write(move |c| {
            let row = store::create(c, &caller, at, supervision, &consignee_id, input, schedule_review)?;
            view::present_one(c, row, supervision)
        })
        .await?;
    Ok(conditional::created(format!("/api/v1/incidents/{}", incident.id), tag, &incident))
}

/// List a consignee's incidents.
#[utoipa::path(
    tag = "incidents",
    operation_id = "list_consignee_incidents",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Consignee id"), IncidentQuery),
    responses(
        (status = 200, description = "A page of incidents", body = pagination::Page<Incident>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/consignees/{id}/incidents")]
pub async fn list_for_consignee(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    respond_list(&req, &state, Scope::Path(id.into_inner().to_string()), query.into_inner()).await
}

/// List incidents across consignees.
///
/// In recording order; filter by consignee, status, kind, whether reportable and whether a report
/// is overdue today (e.g. `?status=open&reportable=true&overdue=true`).
#[utoipa::path(
    tag = "incidents",
    operation_id = "list_incidents",
    security(("bearer" = ["read_register"])),
    params(ConsigneeFilter, IncidentQuery),
    responses(
        (status = 200, description = "A page of incidents", body = pagination::Page<Incident>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/incidents")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    filter: web::Query<ConsigneeFilter>,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = Scope::Filter(filter.into_inner().consignee_id.map(|id| id.to_string()));
    respond_list(&req, &state, scope, query.into_inner()).await
}

async fn respond_list(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    query: IncidentQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let supervision = state.supervision();
    scope::page(
        req,
        state,
        scope,
        limit,
        |i: &Incident| i.id.to_string(),
        move |c, consignee_id, _| {
            let sensitive = view::sensitive_codes(c)?;
            let judging = Judging::on(&sensitive, &supervision.compliance());
            let after = query.cursor.map(|id| id.to_string());
            let found = scan::fill(after, limit, |after| {
                let rows = store::batch(c, consignee_id, &query, after, scan::BATCH)?;
                let next = (rows.len() as i64 == scan::BATCH).then(|| rows.last().map(|r| r.id.clone())).flatten();
                let mut matching = Vec::new();
                for row in rows {
                    let standing = row.standing(&judging)?;
                    let wanted = query.reportable.is_none_or(|r| r == standing.reportable)
                        && query.overdue.is_none_or(|o| o == standing.overdue());
                    if wanted {
                        matching.push((row, standing));
                    }
                }
                Ok((matching, next))
            })?;
            view::present(c, found)
        },
    )
    .await
}

/// Get an incident.
///
/// With its derived reporting standing and its `impact`: the categories affected, other
/// consignees holding them, and the memorandum's notification clause against the consignee's
/// actual reporting time.
#[utoipa::path(
    tag = "incidents",
    operation_id = "get_incident",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Incident id"), IfNoneMatch),
    responses(
        (status = 200, description = "The incident", body = Incident, headers(("ETag" = String, description = "Version tag"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Version tag"))),
    )
)]
#[get("/incidents/{id}")]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (id, supervision) = (id.into_inner().to_string(), state.supervision());
    let (incident, tag) = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            view::present_one(c, row, supervision)
        })
        .await?;
    conditional::resource(&req, tag, &incident)
}

/// Change an incident.
///
/// JSON merge patch (RFC 7396) of an incident that is not closed (409 once closed): the facts as
/// they become known, `status` `open ↔ contained`, the times of the reports to the PPC and of
/// notifying the people affected.
#[utoipa::path(
    tag = "incidents",
    operation_id = "update_incident",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Incident id"), IfMatch),
    request_body(content(
        (IncidentPatch = "application/merge-patch+json"),
        (IncidentPatch = "application/json"),
    )),
    responses(
        (status = 200, description = "The changed incident", body = Incident, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "The incident is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/incidents/{id}")]
pub async fn update(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let changes: IncidentPatch = body::json(&req, payload, body::MERGE_PATCH).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let (incident, tag) = state
        .db
        .write(move |c| {
            let row = store::update(c, &caller, at, supervision, &id, expected, changes)?;
            view::present_one(c, row, supervision)
        })
        .await?;
    Ok(conditional::written(tag, &incident))
}

/// Close an incident.
///
/// Needs `containment` and `root_cause` (in the body or already recorded) and, for a reportable
/// incident, both reports to the PPC and the people affected notified (or a public
/// announcement). A closed incident's facts are frozen.
#[utoipa::path(
    tag = "incidents",
    operation_id = "close_incident",
    security(("bearer" = ["supervise"])),
    params(("id" = Uuid, Path, description = "Incident id"), IfMatch),
    request_body = super::api::IncidentClosure,
    responses(
        (status = 200, description = "The closed incident", body = Incident, headers(("ETag" = String, description = "Version tag"))),
        (status = 409, description = "Already closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "What closing still needs, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/incidents/{id}/close")]
pub async fn close(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Closing twice is 409 whatever the body: its media type and JSON are judged after that.
    let media = body::check_content_type(&req, body::JSON);
    let raw = body::read_limited(&req, payload).await?;
    let expected = conditional::expected_version(&req)?;
    let (id, at, supervision) = (id.into_inner().to_string(), state.clock.now(), state.supervision());
    let (incident, tag) = state
        .db
        .write(move |c| {
            let row = store::close(c, &caller, at, supervision, &id, expected, (media, &raw))?;
            view::present_one(c, row, supervision)
        })
        .await?;
    Ok(conditional::written(tag, &incident))
}

/// Get the report to the PPC for an incident.
///
/// The nine items of Enforcement Rules Art. 8(1) assembled from the record, and which items the
/// preliminary report (what is known at the time: overview, data, number of people) and the final
/// report still lack.
#[utoipa::path(
    tag = "incidents",
    operation_id = "get_incident_ppc_report",
    security(("bearer" = ["read_register"])),
    params(("id" = Uuid, Path, description = "Incident id"), IfNoneMatch),
    responses(
        (status = 200, description = "The report", body = PpcReport, headers(("ETag" = String, description = "Digest of the report"))),
        (status = 304, description = "Not modified: the ETag in If-None-Match is current", headers(("ETag" = String, description = "Digest of the report"))),
    )
)]
#[get("/incidents/{id}/ppc-report")]
pub async fn ppc_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, supervision) = (id.into_inner().to_string(), state.supervision());
    let report = state
        .db
        .run(move |c| {
            let row = store::get(c, &id)?;
            let consignee = crate::consignees::store::get(c, &row.consignee_id)?;
            let (incident, _) = view::present_one(c, row, supervision)?;
            Ok(ppc::report(&incident, &consignee.legal_name, supervision.time_zone))
        })
        .await?;
    conditional::resource(&req, Tag::digest(&report), &report)
}
