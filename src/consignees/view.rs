//! Consignees as responses show them: with what is derived today from their memoranda and
//! entrustments, and a tag that changes when that does.

use chrono::NaiveDate;
use serde::Serialize;

use super::api::{Consignee, ConsigneeStatus, Warning};
use super::model::ConsigneeRow;
use super::view_cache::{self, ViewCache};
use crate::compliance::api::ComplianceStatus;
use crate::compliance::rules::Context;
use crate::db::DbConnection;
use crate::entrustments::holding;
use crate::error::ApiError;
use crate::findings::summary::OpenFindings;
use crate::http::conditional::Tag;
use crate::memoranda::summary::{self, MemorandaSummary};

/// The values of a consignee derived from its other records on a day; part of its ETag.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Derived {
    /// Memoranda in force and missing clauses.
    pub memoranda_summary: MemorandaSummary,
    /// Categories held.
    pub categories_held: Vec<String>,
    /// Whether any is sensitive.
    pub holds_sensitive: bool,
    /// The last review's date and the next one's due date (cached in the row, moved by reviews
    /// without a new version).
    pub last_reviewed_on: Option<NaiveDate>,
    /// See `last_reviewed_on`.
    pub next_review_due: Option<NaiveDate>,
    /// Whether it has passed.
    pub review_overdue: bool,
    /// Open findings.
    pub open_findings: OpenFindings,
    /// The standing the compliance rules derive.
    pub compliance_status: ComplianceStatus,
}

/// The API view and ETag of each row, judged in `ctx` (a fixed number of queries for the derived
/// values of all of them).
pub fn present(
    conn: &mut DbConnection,
    rows: Vec<ConsigneeRow>,
    ctx: &Context,
) -> Result<Vec<(Consignee, Tag)>, ApiError> {
    let derived = derive(conn, &rows, ctx)?;
    rows.into_iter().zip(derived).map(|(row, derived)| assemble(row, derived)).collect()
}

/// As [`present`], taking the derived values still current from `cache` and deriving (and
/// keeping) only the others; for reads, never inside a write.
pub fn present_cached(
    conn: &mut DbConnection,
    rows: Vec<ConsigneeRow>,
    ctx: &Context,
    cache: &ViewCache,
) -> Result<Vec<(Consignee, Tag)>, ApiError> {
    let stamps = view_cache::stamps(conn, &rows, ctx.today)?;
    let mut kept: Vec<Option<Derived>> =
        rows.iter().zip(&stamps).map(|(row, stamp)| cache.get(&row.id, stamp)).collect();
    let missing: Vec<ConsigneeRow> =
        rows.iter().zip(&kept).filter(|(_, derived)| derived.is_none()).map(|(row, _)| row.clone()).collect();
    let mut fresh = derive(conn, &missing, ctx)?.into_iter();
    for ((row, stamp), slot) in rows.iter().zip(stamps).zip(kept.iter_mut()) {
        if slot.is_none() {
            let derived = fresh.next().ok_or_else(|| ApiError::internal("a derived consignee vanished"))?;
            cache.put(&row.id, stamp, &derived);
            *slot = Some(derived);
        }
    }
    rows.into_iter().zip(kept).map(|(row, derived)| assemble(row, derived.unwrap_or_default())).collect()
}

/// The derived values of each row, in order (a fixed number of queries for all of them).
fn derive(conn: &mut DbConnection, rows: &[ConsigneeRow], ctx: &Context) -> Result<Vec<Derived>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let today = ctx.today;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut standings = crate::compliance::evaluate::evaluate_many(conn, rows, ctx)?.into_iter();
    let mut summaries = summary::for_consignees(conn, &ids, today)?;
    let mut held = holding::held_by(conn, &ids, today)?;
    let mut findings = crate::findings::summary::for_consignees(conn, &ids, today)?;
    Ok(rows
        .iter()
        .map(|row| {
            let held = held.remove(&row.id).unwrap_or_default();
            Derived {
                memoranda_summary: summaries.remove(&row.id).unwrap_or_default(),
                categories_held: held.categories,
                holds_sensitive: held.sensitive,
                last_reviewed_on: row.last_reviewed_on,
                next_review_due: row.next_review_due,
                review_overdue: row.next_review_due.is_some_and(|due| due < today),
                open_findings: findings.remove(&row.id).unwrap_or_default(),
                compliance_status: standings.next().map(|(status, _)| status).unwrap_or_default(),
            }
        })
        .collect())
}

fn assemble(row: ConsigneeRow, derived: Derived) -> Result<(Consignee, Tag), ApiError> {
    let tag = Tag::derived(row.version, &derived);
    Ok((row.to_api(derived)?, tag))
}

/// The API view and ETag of one row.
pub fn present_one(conn: &mut DbConnection, row: ConsigneeRow, ctx: &Context) -> Result<(Consignee, Tag), ApiError> {
    only(present(conn, vec![row], ctx)?)
}

/// As [`present_one`], through `cache` (see [`present_cached`]).
pub fn present_one_cached(
    conn: &mut DbConnection,
    row: ConsigneeRow,
    ctx: &Context,
    cache: &ViewCache,
) -> Result<(Consignee, Tag), ApiError> {
    only(present_cached(conn, vec![row], ctx, cache)?)
}

fn only(mut presented: Vec<(Consignee, Tag)>) -> Result<(Consignee, Tag), ApiError> {
    presented.pop().ok_or_else(|| ApiError::internal("a presented consignee vanished"))
}

/// After a move to `suspended` or `terminated`: warnings listing the entrustments through which
/// the consignee still holds data, and those scheduled to start (data is yet to flow to it).
pub fn status_warnings(
    conn: &mut DbConnection,
    row: &ConsigneeRow,
    today: NaiveDate,
) -> Result<Option<Vec<Warning>>, ApiError> {
    if !matches!(row.status()?, ConsigneeStatus::Suspended | ConsigneeStatus::Terminated) {
        return Ok(None);
    }
    let held = holding::held_by(conn, std::slice::from_ref(&row.id), today)?.remove(&row.id).unwrap_or_default();
    let scheduled = holding::scheduled(conn, &row.id, today)?;
    let warnings: Vec<Warning> = [
        (
            "still_holds_data",
            "the consignee still holds data through these entrustments; end them and confirm deletion",
            held.entrustment_ids,
        ),
        ("scheduled_entrustment", "these entrustments are still due to start; end or move them", scheduled),
    ]
    .into_iter()
    .filter(|(_, _, ids)| !ids.is_empty())
    .map(|(code, message, ids)| {
        let entrustment_ids = ids.iter().map(|id| crate::db::stored_id(id)).collect::<Result<_, _>>()?;
        Ok(Warning { code: code.to_owned(), message: message.to_owned(), entrustment_ids })
    })
    .collect::<Result<_, ApiError>>()?;
    Ok((!warnings.is_empty()).then_some(warnings))
}
