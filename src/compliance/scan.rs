//! Judging consignees in batches: the SQL filters narrow the consignees read, the compliance
//! filter (derived) is applied after judging, and a page scans batches until it is full.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::api::{Check, ComplianceStatus};
use super::evaluate::evaluate_many;
use super::rules::Context;
use crate::consignees::api::RiskTier;
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::{consignees as c, entrustment_categories as ec, entrustments as e};
use crate::db::DbConnection;
use crate::entrustments::holding;
use crate::error::ApiError;

/// Consignees read and judged per batch.
pub const BATCH: i64 = 200;

/// Which consignees a report covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this standing (derived: applied after judging).
    pub compliance: Option<ComplianceStatus>,
    /// Only this risk tier.
    pub risk_tier: Option<RiskTier>,
    /// Only consignees holding this data category on the day judged.
    pub category: Option<String>,
}

/// A consignee with its standing and checks.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The consignee.
    pub row: ConsigneeRow,
    /// Its standing.
    pub status: ComplianceStatus,
    /// Every check.
    pub checks: Vec<Check>,
}

/// Up to [`BATCH`] consignees after `after` in id order (the SQL filters applied), and where the
/// next batch starts (`None` when every consignee has been read).
pub fn read(
    conn: &mut DbConnection,
    filter: &Filter,
    after: Option<&str>,
) -> Result<(Vec<ConsigneeRow>, Option<String>), ApiError> {
    let mut select = c::table.into_boxed();
    if let Some(tier) = filter.risk_tier {
        select = select.filter(c::risk_tier.eq(tier.as_str()));
    }
    if let Some(after) = after {
        select = select.filter(c::id.gt(after.to_owned()));
    }
    let rows: Vec<ConsigneeRow> = select.order(c::id.asc()).limit(BATCH).load(conn)?;
    let next = (rows.len() as i64 == BATCH).then(|| rows.last().map(|r| r.id.clone())).flatten();
    Ok((rows, next))
}

/// Which of `rows` hold `category` on `day` (one query, its binds bounded by the batch).
fn holding_category(
    conn: &mut DbConnection,
    rows: Vec<ConsigneeRow>,
    category: &str,
    day: NaiveDate,
) -> Result<Vec<ConsigneeRow>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let entrusted = ec::table.filter(ec::category_code.eq(category.to_owned())).select(ec::entrustment_id);
    let held = e::table.filter(e::consignee_id.eq_any(ids)).filter(e::id.eq_any(entrusted)).into_boxed();
    let holders: std::collections::HashSet<String> =
        holding::filter(held, day, true).select(e::consignee_id).load::<String>(conn)?.into_iter().collect();
    Ok(rows.into_iter().filter(|r| holders.contains(&r.id)).collect())
}

/// One batch after `after`: the judged consignees matching the filter, and where the next batch
/// starts (`None` when every consignee has been read).
pub fn batch(
    conn: &mut DbConnection,
    filter: &Filter,
    after: Option<&str>,
    ctx: &Context,
) -> Result<(Vec<Judged>, Option<String>), ApiError> {
    let (rows, next) = read(conn, filter, after)?;
    let rows = match &filter.category {
        Some(category) => holding_category(conn, rows, category, ctx.today)?,
        None => rows,
    };
    let judged = evaluate_many(conn, &rows, ctx)?;
    let matching = rows
        .into_iter()
        .zip(judged)
        .filter(|(_, (status, _))| filter.compliance.is_none_or(|wanted| wanted == *status))
        .map(|(row, (status, checks))| Judged { row, status, checks })
        .collect();
    Ok((matching, next))
}

/// Up to `limit + 1` judged consignees after `after`, scanning batches until the page is full.
pub fn page(
    conn: &mut DbConnection,
    filter: &Filter,
    after: Option<String>,
    limit: i64,
    ctx: &Context,
) -> Result<Vec<Judged>, ApiError> {
    fill(after, limit, |after| batch(conn, filter, after, ctx))
}

/// Up to `limit + 1` items from the batches `read` answers after `after` (the matching items and
/// where the next batch starts, `None` once all are read), reading on until the page is full.
pub fn fill<T>(
    mut after: Option<String>,
    limit: i64,
    mut read: impl FnMut(Option<&str>) -> Result<(Vec<T>, Option<String>), ApiError>,
) -> Result<Vec<T>, ApiError> {
    let mut found = Vec::new();
    loop {
        let (matching, next) = read(after.as_deref())?;
        found.extend(matching);
        if next.is_none() || found.len() as i64 > limit {
            found.truncate(limit as usize + 1);
            return Ok(found);
        }
        after = next;
    }
}
