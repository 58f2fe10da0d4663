//! The dashboard summary: counts over the whole register, in a fixed number of queries (plus one
//! batch of compliance judging per 200 consignees).

use chrono::{Days, NaiveDate};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::api::{ComplianceCounts, SeverityCounts, StatusCounts, Summary, TierCounts};
use crate::compliance::rules::Context;
use crate::compliance::scan::{self, Filter};
use crate::consignees::view_cache::ViewCache;
use crate::db::schema::{
    consignees as c, data_categories as dc, entrustment_categories as ec, entrustments as e, findings as f,
    memoranda as m,
};
use crate::db::DbConnection;
use crate::entrustments::holding;
use crate::error::ApiError;
use crate::findings::api::FindingStatus;
use crate::memoranda::api::MemorandumStatus;
use crate::memoranda::model::MemorandumRow;

fn grouped(conn: &mut DbConnection, column: &str) -> Result<Vec<(String, i64)>, ApiError> {
    Ok(match column {
        "status" => c::table.group_by(c::status).select((c::status, count_star())).load(conn)?,
        _ => c::table.group_by(c::risk_tier).select((c::risk_tier, count_star())).load(conn)?,
    })
}

fn by_status(conn: &mut DbConnection) -> Result<StatusCounts, ApiError> {
    let mut counts = StatusCounts::default();
    for (status, n) in grouped(conn, "status")? {
        match status.as_str() {
            "candidate" => counts.candidate = n,
            "approved" => counts.approved = n,
            "rejected" => counts.rejected = n,
            "suspended" => counts.suspended = n,
            _ => counts.terminated += n,
        }
    }
    Ok(counts)
}

fn by_tier(conn: &mut DbConnection) -> Result<TierCounts, ApiError> {
    let mut counts = TierCounts::default();
    for (tier, n) in grouped(conn, "risk_tier")? {
        match tier.as_str() {
            "low" => counts.low = n,
            "high" => counts.high = n,
            _ => counts.medium += n,
        }
    }
    Ok(counts)
}

/// Consignees by standing, a batch at a time, reusing the standings still current in `cache` (a
/// dashboard polls the summary).
fn by_compliance(conn: &mut DbConnection, ctx: &Context, cache: &ViewCache) -> Result<ComplianceCounts, ApiError> {
    let (mut counts, mut after) = (ComplianceCounts::default(), None);
    loop {
        let (rows, next) = scan::read(conn, &Filter::default(), after.as_deref())?;
        let presented = crate::consignees::view::present_cached(conn, rows, ctx, cache)?;
        presented.iter().for_each(|(consignee, _)| counts.add(consignee.compliance_status, 1));
        match next {
            Some(next) => after = Some(next),
            None => return Ok(counts),
        }
    }
}

fn within(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

/// Memoranda ending within 30/60/90 days, and notice deadlines within 30.
fn memoranda(conn: &mut DbConnection, today: NaiveDate) -> Result<([i64; 3], i64), ApiError> {
    let rows: Vec<MemorandumRow> = m::table.filter(m::status.eq(MemorandumStatus::Signed.as_str())).load(conn)?;
    let (mut ending, mut notices) = ([0; 3], 0);
    for row in rows {
        let standing = row.standing(today)?;
        if standing.status != MemorandumStatus::Signed {
            continue;
        }
        if let Some(notice) = standing.notice_deadline {
            notices += i64::from(notice <= within(today, 30));
        } else if let Some(end) = row.expires_on.filter(|end| *end >= today) {
            for (i, days) in [30, 60, 90].into_iter().enumerate() {
                ending[i] += i64::from(end <= within(today, days));
            }
        }
    }
    Ok((ending, notices))
}

fn findings(conn: &mut DbConnection) -> Result<SeverityCounts, ApiError> {
    let open = [FindingStatus::Open.as_str(), FindingStatus::ActionPlanned.as_str()];
    let rows: Vec<(String, i64)> =
        f::table.filter(f::status.eq_any(open)).group_by(f::severity).select((f::severity, count_star())).load(conn)?;
    let mut counts = SeverityCounts::default();
    for (severity, n) in rows {
        match severity.as_str() {
            "low" => counts.low = n,
            "medium" => counts.medium = n,
            "high" => counts.high = n,
            _ => counts.critical += n,
        }
    }
    Ok(counts)
}

fn sensitive_holders(conn: &mut DbConnection, today: NaiveDate) -> Result<i64, ApiError> {
    let sensitive = ec::table.inner_join(dc::table).filter(dc::sensitive.eq(true)).select(ec::entrustment_id);
    let holders: Vec<String> = holding::filter(e::table.filter(e::id.eq_any(sensitive)).into_boxed(), today, true)
        .select(e::consignee_id)
        .distinct()
        .load(conn)?;
    Ok(holders.len() as i64)
}

/// Incidents not closed, and those of them with a report to the PPC overdue (two queries).
fn incidents(conn: &mut DbConnection, ctx: &Context) -> Result<(i64, i64), ApiError> {
    let rows = crate::incidents::store::not_closed(conn, None)?;
    let sensitive = crate::incidents::view::sensitive_codes(conn)?;
    let judging = crate::incidents::model::Judging::on(&sensitive, ctx);
    let mut overdue = 0;
    for row in &rows {
        overdue += i64::from(row.standing(&judging)?.overdue());
    }
    Ok((rows.len() as i64, overdue))
}

/// The summary on `ctx.today`, with the standings still current in `cache`.
pub fn summary(conn: &mut DbConnection, ctx: &Context, cache: &ViewCache) -> Result<Summary, ApiError> {
    let today = ctx.today;
    let (ending, notices) = memoranda(conn, today)?;
    let due = |conn: &mut DbConnection, from: NaiveDate, to: NaiveDate| -> Result<i64, ApiError> {
        Ok(c::table.filter(c::next_review_due.ge(from)).filter(c::next_review_due.le(to)).count().get_result(conn)?)
    };
    let reviews_due_within_30_days = due(conn, today, within(today, 30))?;
    let reviews_overdue: i64 = c::table.filter(c::next_review_due.lt(today)).count().get_result(conn)?;
    let awaiting: i64 =
        e::table.filter(e::ended_on.lt(today)).filter(e::deletion_confirmed_on.is_null()).count().get_result(conn)?;
    let (open_incidents, incidents_with_overdue_reports) = incidents(conn, ctx)?;
    Ok(Summary {
        on: today,
        consignees_by_status: by_status(conn)?,
        consignees_by_risk_tier: by_tier(conn)?,
        consignees_by_compliance: by_compliance(conn, ctx, cache)?,
        memoranda_expiring_within_30_days: ending[0],
        memoranda_expiring_within_60_days: ending[1],
        memoranda_expiring_within_90_days: ending[2],
        notice_deadlines_within_30_days: notices,
        reviews_due_within_30_days,
        reviews_overdue,
        open_findings_by_severity: findings(conn)?,
        entrustments_awaiting_deletion_confirmation: awaiting,
        sensitive_category_holders: sensitive_holders(conn, today)?,
        open_incidents,
        incidents_with_overdue_reports,
    })
}
