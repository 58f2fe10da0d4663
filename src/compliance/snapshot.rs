//! The daily compliance snapshot: every consignee's standing and checks recorded once per
//! business day (exactly once, even with several nodes on one PostgreSQL), for the trend and for
//! answering what the standing was on a past day.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{Check, Compliance, ComplianceStatus};
use super::rules::Context;
use super::scan::{self, Filter};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::{compliance_snapshot_days as sd, compliance_snapshots as s};
use crate::db::{dispatch, Db, DbConnection};
use crate::error::ApiError;
use crate::state::AppState;

/// Takes the snapshot of `ctx.today` unless it exists; answers whether it took it.
///
/// The register is judged batch by batch outside any write lock, each batch's standings written
/// in a short transaction of its own (skipping consignees already recorded that day, by another
/// node or an attempt that failed part-way); the day counts as taken, exactly once, when the
/// last batch is in and its row is written with the audit event.
pub async fn tick(db: &Db, ctx: Context, at: DateTime<Utc>) -> Result<bool, ApiError> {
    let today = ctx.today;
    if db.run(move |conn| taken(conn, today)).await? {
        return Ok(false);
    }
    let mut after: Option<String> = None;
    loop {
        let (standings, next) = db.run(move |conn| judge_batch(conn, after.as_deref(), &ctx)).await?;
        db.write(move |conn| record_batch(conn, today, standings)).await?;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    db.write(move |conn| finish(conn, today, at)).await
}

/// Whether the snapshot of `day` has been taken.
fn taken(conn: &mut DbConnection, day: NaiveDate) -> Result<bool, ApiError> {
    Ok(sd::table.find(day).select(sd::day).first::<NaiveDate>(conn).optional()?.is_some())
}

/// A consignee's standing as the snapshot stores it: id, status and checks (JSON).
type Standing = (String, &'static str, String);

/// The standings of one batch after `after`, and where the next batch starts.
fn judge_batch(
    conn: &mut DbConnection,
    after: Option<&str>,
    ctx: &Context,
) -> Result<(Vec<Standing>, Option<String>), ApiError> {
    let (judged, next) = scan::batch(conn, &Filter::default(), after, ctx)?;
    let standings = judged
        .into_iter()
        .map(|j| Ok((j.row.id, j.status.as_str(), serde_json::to_string(&j.checks).map_err(ApiError::internal)?)))
        .collect::<Result<_, ApiError>>()?;
    Ok((standings, next))
}

/// Writes the standings of a batch not yet recorded for `day`.
fn record_batch(conn: &mut DbConnection, day: NaiveDate, standings: Vec<Standing>) -> Result<(), ApiError> {
    // Another node may be recording the same batch: what it wrote is seen after its lock.
    dispatch::lock_snapshots(conn)?;
    let ids: Vec<&String> = standings.iter().map(|(id, _, _)| id).collect();
    let recorded: HashSet<String> = s::table
        .filter(s::day.eq(day))
        .filter(s::consignee_id.eq_any(ids))
        .select(s::consignee_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (id, status, checks) in standings.into_iter().filter(|(id, _, _)| !recorded.contains(id)) {
        let row = (s::day.eq(day), s::consignee_id.eq(id), s::status.eq(status), s::checks.eq(checks));
        diesel::insert_into(s::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Marks `day` taken and audits it, once across nodes; `false` when another got there first.
fn finish(conn: &mut DbConnection, day: NaiveDate, at: DateTime<Utc>) -> Result<bool, ApiError> {
    dispatch::lock_snapshots(conn)?;
    if taken(conn, day)? {
        return Ok(false);
    }
    let count: i64 = s::table.filter(s::day.eq(day)).count().get_result(conn)?;
    let day_row = (sd::day.eq(day), sd::taken_at.eq(at.naive_utc()), sd::consignees.eq(count));
    diesel::insert_into(sd::table).values(day_row).execute(conn)?;
    let after = serde_json::json!({"after": {"day": day, "consignees": count}});
    let change = Change::of("compliance_snapshot", day.to_string(), None, "taken", after);
    audit::append(conn, &Caller::system(), at, change)?;
    Ok(true)
}

/// The consignee's standing on `day` as its snapshot recorded it, or 404.
pub fn on(conn: &mut DbConnection, consignee_id: uuid::Uuid, day: NaiveDate) -> Result<Compliance, ApiError> {
    let found: Option<(String, String, NaiveDateTime)> = s::table
        .inner_join(sd::table.on(sd::day.eq(s::day)))
        .filter(s::day.eq(day))
        .filter(s::consignee_id.eq(consignee_id.to_string()))
        .select((s::status, s::checks, sd::taken_at))
        .first(conn)
        .optional()?;
    let (status, checks, taken_at) = found
        .ok_or_else(|| ApiError::NotFound(format!("no compliance snapshot of consignee {consignee_id} on {day}")))?;
    let status: ComplianceStatus =
        status.parse().map_err(|_| ApiError::internal(format!("stored compliance status {status:?} is unknown")))?;
    let checks: Vec<Check> = serde_json::from_str(&checks).map_err(ApiError::internal)?;
    Ok(Compliance { consignee_id, status, evaluated_at: taken_at.and_utc(), on: day, checks })
}

/// Consignees per standing on each snapshot day from `from` through `to` (one query).
pub fn counts(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<NaiveDate, Vec<(ComplianceStatus, i64)>>, ApiError> {
    // Only days whose snapshot is complete: one being taken has rows but no day row yet.
    let rows: Vec<(NaiveDate, String, i64)> = s::table
        .inner_join(sd::table.on(sd::day.eq(s::day)))
        .filter(s::day.ge(from))
        .filter(s::day.le(to))
        .group_by((s::day, s::status))
        .select((s::day, s::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut days: BTreeMap<NaiveDate, Vec<(ComplianceStatus, i64)>> = BTreeMap::new();
    for (day, status, n) in rows {
        let status = status
            .parse()
            .map_err(|_| ApiError::internal(format!("stored compliance status {status:?} is unknown")))?;
        days.entry(day).or_default().push((status, n));
    }
    let taken: Vec<NaiveDate> = sd::table.filter(sd::day.ge(from)).filter(sd::day.le(to)).select(sd::day).load(conn)?;
    for day in taken {
        days.entry(day).or_default();
    }
    Ok(days)
}

/// Takes each day's snapshot from the server, checking once a minute, until the process ends.
pub fn spawn_schedule(state: actix_web::web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            let ctx = state.supervision().compliance();
            if let Err(error) = tick(&state.db, ctx, state.clock.now()).await {
                tracing::warn!(%error, "the daily compliance snapshot failed; retrying in a minute");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}
