//! "Which consignees hold this kind of data?" — every consignee holding a category through an
//! entrustment, with the memorandum and the sub-consignees it passes the category on to.
//! A fixed number of queries per page, whatever its size.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{holding, store};
use crate::consignees::api::ConsigneeStatus;
use crate::data_categories::store as categories;
use crate::db::schema::{consignees as c, entrustment_categories as ec, entrustments as e, memoranda as m};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::pagination;
use crate::memoranda::api::MemorandumStatus;
use crate::memoranda::model::MemorandumRow;
use crate::state::AppState;
use crate::sub_consignments::store::{self as sub_consignments, SubConsignmentRow};

/// Which holders to include.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoldersQuery {
    /// Also entrustments that ended without deletion confirmed (they still hold the data), and
    /// sub-consignees that have ended (no deletion is confirmed for them).
    pub include_ended: Option<bool>,
    /// Also the category's sub-categories.
    pub include_children: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (an entrustment id).
    pub cursor: Option<Uuid>,
}

/// The consignee holding the data.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "legal_name": "株式会社サンプル物流", "status": "approved"}))]
pub struct HoldingConsignee {
    /// Consignee id.
    pub id: Uuid,
    /// Legal name.
    pub legal_name: String,
    /// Status.
    pub status: ConsigneeStatus,
}

/// The entrustment the data is held under.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e06-1111-7aaa-8bbb-000000000001", "purpose": "Shipping course materials",
    "categories": ["contact_details"], "started_on": "2026-04-01", "ended_on": null, "active": true}))]
pub struct HoldingEntrustment {
    /// Entrustment id.
    pub id: Uuid,
    /// Purpose.
    pub purpose: String,
    /// Its categories that matched the query.
    pub categories: Vec<String>,
    /// First day.
    pub started_on: NaiveDate,
    /// Last day, when ended.
    pub ended_on: Option<NaiveDate>,
    /// Active today.
    pub active: bool,
}

/// The memorandum the data is entrusted under.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "title": "個人情報の取扱いに関する覚書", "status": "signed"}))]
pub struct HoldingMemorandum {
    /// Memorandum id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Status today.
    pub status: MemorandumStatus,
}

/// A sub-consignee receiving the category through the entrustment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e07-2222-7aaa-8bbb-000000000002", "name": "株式会社配送パートナー",
    "country": "JP", "categories": ["contact_details"], "parent_id": null, "ended_on": null}))]
pub struct HoldingSubConsignee {
    /// Sub-consignment id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Country (ISO 3166-1 alpha-2).
    #[schema(value_type = crate::domain::country::CountryCode)]
    pub country: String,
    /// Its categories that matched the query.
    pub categories: Vec<String>,
    /// The sub-consignment it receives the data through, if any.
    pub parent_id: Option<Uuid>,
    /// Last day it received the data; ended ones are listed only with `include_ended`.
    pub ended_on: Option<NaiveDate>,
}

/// One consignee holding the category through one entrustment, and whom it passes it on to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "consignee": {"id": "01a21e05-499e-71c8-8e2d-5e558e08dc15", "legal_name": "株式会社サンプル物流", "status": "approved"},
    "entrustment": {"id": "01a21e06-1111-7aaa-8bbb-000000000001", "purpose": "Shipping course materials",
        "categories": ["contact_details"], "started_on": "2026-04-01", "ended_on": null, "active": true},
    "memorandum": {"id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "title": "個人情報の取扱いに関する覚書", "status": "signed"},
    "sub_consignees": [{"id": "01a21e07-2222-7aaa-8bbb-000000000002", "name": "株式会社配送パートナー",
        "country": "JP", "categories": ["contact_details"], "parent_id": null, "ended_on": null}]
}))]
pub struct Holder {
    /// The consignee.
    pub consignee: HoldingConsignee,
    /// The entrustment.
    pub entrustment: HoldingEntrustment,
    /// The memorandum.
    pub memorandum: HoldingMemorandum,
    /// Sub-consignees receiving the category through this entrustment.
    pub sub_consignees: Vec<HoldingSubConsignee>,
}

/// List who holds a data category.
///
/// Every consignee holding it through an active entrustment (with `include_ended`, also ended
/// ones without deletion confirmed), each with the entrustment, the memorandum and the
/// sub-consignees receiving it — the list to pass a data subject's request on to.
#[utoipa::path(
    tag = "data categories",
    operation_id = "list_category_holders",
    security(("bearer" = ["read_register"])),
    params(("code" = String, Path, description = "Category code"), HoldersQuery),
    responses(
        (status = 200, description = "A page of holders, by entrustment", body = pagination::Page<Holder>,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
    )
)]
#[get("/data-categories/{code}/holders")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<HoldersQuery>,
) -> Result<HttpResponse, ApiError> {
    let (code, query, today) = (code.into_inner(), query.into_inner(), state.today());
    let limit = pagination::limit(query.limit)?;
    let holders = state.db.run(move |c| holders(c, &code, &query, today, limit + 1)).await?;
    let page = pagination::page(holders, limit, |h| h.entrustment.id.to_string(), Ok)?;
    Ok(pagination::respond(&req, &page))
}

/// Up to `limit` holders of `code` on `today`, by entrustment id.
pub fn holders(
    conn: &mut DbConnection,
    code: &str,
    query: &HoldersQuery,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Holder>, ApiError> {
    categories::get(conn, code)?;
    let codes = if query.include_children == Some(true) {
        categories::with_descendants(conn, code)?
    } else {
        vec![code.to_owned()]
    };
    let include_ended = query.include_ended == Some(true);
    let matching = ec::table.filter(ec::category_code.eq_any(codes.clone())).select(ec::entrustment_id);
    let mut select = holding::filter(e::table.filter(e::id.eq_any(matching)).into_boxed(), today, include_ended);
    if let Some(after) = query.cursor {
        select = select.filter(e::id.gt(after.to_string()));
    }
    let rows: Vec<super::model::EntrustmentRow> = select.order(e::id.asc()).limit(limit).load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut held = store::categories_of(conn, &ids)?;
    let consignees = consignees_by_id(conn, rows.iter().map(|r| r.consignee_id.clone()).collect())?;
    let memoranda = memoranda_by_id(conn, rows.iter().map(|r| r.memorandum_id.clone()).collect())?;
    let mut passed_on: HashMap<String, Vec<SubConsignmentRow>> = HashMap::new();
    for sub in sub_consignments::of_entrustments(conn, &ids, today, include_ended)? {
        passed_on.entry(sub.entrustment_id.clone()).or_default().push(sub);
    }
    let matched = |found: Vec<String>| found.into_iter().filter(|c| codes.contains(c)).collect::<Vec<_>>();
    rows.into_iter()
        .map(|row| {
            let consignee =
                consignees.get(&row.consignee_id).ok_or_else(|| ApiError::internal("holder without consignee"))?;
            let memorandum =
                memoranda.get(&row.memorandum_id).ok_or_else(|| ApiError::internal("holder without memorandum"))?;
            let mut subs = Vec::new();
            for sub in passed_on.remove(&row.id).unwrap_or_default() {
                let categories = matched(sub.categories()?);
                if !categories.is_empty() {
                    let parent_id =
                        sub.parent_id.as_deref().map(Uuid::parse_str).transpose().map_err(ApiError::internal)?;
                    subs.push(HoldingSubConsignee {
                        id: crate::db::stored_id(&sub.id)?,
                        name: sub.name,
                        country: sub.country,
                        categories,
                        parent_id,
                        ended_on: sub.ended_on,
                    });
                }
            }
            Ok(Holder {
                consignee: consignee.clone(),
                entrustment: HoldingEntrustment {
                    id: crate::db::stored_id(&row.id)?,
                    purpose: row.purpose.clone(),
                    categories: matched(held.remove(&row.id).unwrap_or_default()),
                    started_on: row.started_on,
                    ended_on: row.ended_on,
                    active: row.holding(today).active,
                },
                memorandum: HoldingMemorandum {
                    id: crate::db::stored_id(&memorandum.id)?,
                    title: memorandum.title.clone(),
                    status: memorandum.standing(today)?.status,
                },
                sub_consignees: subs,
            })
        })
        .collect()
}

fn consignees_by_id(conn: &mut DbConnection, ids: Vec<String>) -> Result<HashMap<String, HoldingConsignee>, ApiError> {
    let rows: Vec<(String, String, String)> =
        c::table.filter(c::id.eq_any(ids)).select((c::id, c::legal_name, c::status)).load(conn)?;
    rows.into_iter()
        .map(|(id, legal_name, status)| {
            let status =
                status.parse().map_err(|_| ApiError::internal(format!("stored status {status:?} is unknown")))?;
            Ok((id.clone(), HoldingConsignee { id: crate::db::stored_id(&id)?, legal_name, status }))
        })
        .collect()
}

fn memoranda_by_id(conn: &mut DbConnection, ids: Vec<String>) -> Result<HashMap<String, MemorandumRow>, ApiError> {
    let rows: Vec<MemorandumRow> = m::table.filter(m::id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}
