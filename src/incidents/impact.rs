//! The privacy office's first questions about an incident: which categories of data subjects'
//! data, which other consignees hold the same categories, and which memorandum's notification
//! clause applies compared with how long the consignee took to report.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::api::{AffectedCategory, IncidentImpact, NotificationClause, OtherHolder};
use super::model::IncidentRow;
use crate::db::schema::{
    consignees as c, data_categories as dc, entrustment_categories as ec, entrustments as e, memoranda as m,
};
use crate::db::DbConnection;
use crate::entrustments::holding;
use crate::error::ApiError;
use crate::memoranda::api::MemorandumStatus;
use crate::memoranda::model::MemorandumRow;
use crate::memoranda::rules::INCIDENT_NOTIFICATION;
use crate::state::Supervision;

/// Other holders listed at most.
const OTHER_HOLDERS: i64 = 100;

/// The impact of `row` today.
pub fn of(conn: &mut DbConnection, row: &IncidentRow, supervision: Supervision) -> Result<IncidentImpact, ApiError> {
    let codes = row.category_codes()?;
    let (other_holders, other_holders_truncated) = other_holders(conn, row, &codes, supervision)?;
    Ok(IncidentImpact {
        categories: categories(conn, &codes)?,
        other_holders,
        other_holders_truncated,
        notification_clauses: notification_clauses(conn, row, supervision)?,
    })
}

fn categories(conn: &mut DbConnection, codes: &[String]) -> Result<Vec<AffectedCategory>, ApiError> {
    let rows: Vec<(String, String, Option<String>, bool)> = dc::table
        .filter(dc::code.eq_any(codes))
        .select((dc::code, dc::name, dc::name_ja, dc::sensitive))
        .order(dc::code.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, name, name_ja, sensitive)| AffectedCategory { code, name, name_ja, sensitive })
        .collect())
}

/// Up to 100 other consignees holding any of `codes` today, and whether there are more.
fn other_holders(
    conn: &mut DbConnection,
    row: &IncidentRow,
    codes: &[String],
    supervision: Supervision,
) -> Result<(Vec<OtherHolder>, bool), ApiError> {
    let holding_codes = || ec::table.filter(ec::category_code.eq_any(codes.to_vec())).select(ec::entrustment_id);
    let others = e::table.filter(e::id.eq_any(holding_codes())).filter(e::consignee_id.ne(row.consignee_id.clone()));
    let mut ids: Vec<String> = holding::filter(others.into_boxed(), supervision.today, true)
        .select(e::consignee_id)
        .distinct()
        .order(e::consignee_id.asc())
        .limit(OTHER_HOLDERS + 1)
        .load(conn)?;
    let truncated = ids.len() as i64 > OTHER_HOLDERS;
    ids.truncate(OTHER_HOLDERS as usize);
    let theirs = e::table.filter(e::id.eq_any(holding_codes())).filter(e::consignee_id.eq_any(ids.clone()));
    let entrustments: Vec<(String, String)> =
        holding::filter(theirs.into_boxed(), supervision.today, true).select((e::id, e::consignee_id)).load(conn)?;
    let entrustment_ids: Vec<String> = entrustments.iter().map(|(id, _)| id.clone()).collect();
    let held = crate::entrustments::store::categories_of(conn, &entrustment_ids)?;
    let names: BTreeMap<String, String> = c::table
        .filter(c::id.eq_any(ids.clone()))
        .select((c::id, c::legal_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut by_consignee: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (entrustment_id, consignee_id) in entrustments {
        let matched = held.get(&entrustment_id).into_iter().flatten().filter(|code| codes.contains(code)).cloned();
        by_consignee.entry(consignee_id).or_default().extend(matched);
    }
    let holders = by_consignee
        .into_iter()
        .map(|(id, mut categories)| {
            categories.sort();
            categories.dedup();
            let legal_name = names.get(&id).cloned().unwrap_or_default();
            Ok(OtherHolder { consignee_id: crate::db::stored_id(&id)?, legal_name, categories })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((holders, truncated))
}

/// The memoranda of the affected entrustments, or with none named, the consignee's memoranda in
/// force on the day the incident was detected (or the company became aware).
fn covering_memoranda(
    conn: &mut DbConnection,
    row: &IncidentRow,
    supervision: Supervision,
) -> Result<Vec<MemorandumRow>, ApiError> {
    let named: Vec<String> = row.input()?.entrustments.iter().map(|id| id.to_string()).collect();
    let signed = [MemorandumStatus::Signed.as_str(), MemorandumStatus::Terminated.as_str()];
    if !named.is_empty() {
        let ids = e::table.filter(e::id.eq_any(named)).select(e::memorandum_id);
        return Ok(m::table
            .filter(m::id.eq_any(ids))
            .filter(m::status.eq_any(signed))
            .order(m::id.asc())
            .load(conn)?);
    }
    let rows: Vec<MemorandumRow> = m::table
        .filter(m::consignee_id.eq(row.consignee_id.clone()))
        .filter(m::status.eq_any(signed))
        .order(m::id.asc())
        .load(conn)?;
    let day =
        row.detected_at.unwrap_or(row.company_aware_at).and_utc().with_timezone(&supervision.time_zone).date_naive();
    let mut in_force = Vec::new();
    for memorandum in rows {
        if memorandum.in_force_on(day)? {
            in_force.push(memorandum);
        }
    }
    Ok(in_force)
}

fn notification_clauses(
    conn: &mut DbConnection,
    row: &IncidentRow,
    supervision: Supervision,
) -> Result<Vec<NotificationClause>, ApiError> {
    let detected = row.detected_at.map(|t| t.and_utc());
    let reported = row.reported_by_consignee_at.map(|t| t.and_utc());
    covering_memoranda(conn, row, supervision)?
        .into_iter()
        .map(|memorandum| {
            let clause =
                memorandum.input()?.clauses.into_iter().find(|c| c.code == INCIDENT_NOTIFICATION && c.included);
            let hours = clause.as_ref().and_then(|c| c.notify_within_hours);
            Ok(NotificationClause {
                memorandum_id: crate::db::stored_id(&memorandum.id)?,
                title: memorandum.title.clone(),
                clause_included: clause.is_some(),
                reference: clause.and_then(|c| c.reference),
                notify_within_hours: hours,
                deadline_at: deadline(detected, hours),
                took_hours: took_hours(detected, reported),
                met: deadline(detected, hours).zip(reported).map(|(by, at)| at <= by),
            })
        })
        .collect()
}

fn deadline(detected: Option<DateTime<Utc>>, hours: Option<i32>) -> Option<DateTime<Utc>> {
    detected.zip(hours).map(|(at, hours)| at + Duration::hours(hours.into()))
}

/// Hours from detection to the consignee's report, to one decimal.
pub fn took_hours(detected: Option<DateTime<Utc>>, reported: Option<DateTime<Utc>>) -> Option<f64> {
    let minutes = (reported? - detected?).num_minutes();
    Some((minutes as f64 / 6.0).round() / 10.0)
}
