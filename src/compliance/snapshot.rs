//! The daily compliance snapshot: every consignee's standing and checks recorded once per
//! business day (exactly once, even with several nodes on one PostgreSQL), for the trend and for
//! answering what the standing was on a past day.

use std::collections::BTreeMap;
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
pub async fn tick(db: &Db, ctx: Context, at: DateTime<Utc>) -> Result<bool, ApiError> {
    db.write(move |conn| {
        dispatch::lock_snapshots(conn)?;
        let taken: Option<NaiveDate> = sd::table.find(ctx.today).select(sd::day).first(conn).optional()?;
        if taken.is_some() {
            return Ok(false);
        }
        let count = record_all(conn, &ctx)?;
        let day_row = (sd::day.eq(ctx.today), sd::taken_at.eq(at.naive_utc()), sd::consignees.eq(count));
        diesel::insert_into(sd::table).values(day_row).execute(conn)?;
        let change = Change::of(
            "compliance_snapshot",
            ctx.today.to_string(),
            None,
            "taken",
            serde_json::json!({"after": {"day": ctx.today, "consignees": count}}),
        );
        audit::append(conn, &Caller::system(), at, change)?;
        Ok(true)
    })
    .await
}

fn record_all(conn: &mut DbConnection, ctx: &Context) -> Result<i64, ApiError> {
    let (mut after, mut count) = (None, 0);
    loop {
        let (judged, next) = scan::batch(conn, &Filter::default(), after.as_deref(), ctx)?;
        for j in judged {
            let checks = serde_json::to_string(&j.checks).map_err(ApiError::internal)?;
            let row = (
                s::day.eq(ctx.today),
                s::consignee_id.eq(&j.row.id),
                s::status.eq(j.status.as_str()),
                s::checks.eq(checks),
            );
            diesel::insert_into(s::table).values(row).execute(conn)?;
            count += 1;
        }
        match next {
            Some(next) => after = Some(next),
            None => return Ok(count),
        }
    }
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
    let rows: Vec<(NaiveDate, String, i64)> = s::table
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
