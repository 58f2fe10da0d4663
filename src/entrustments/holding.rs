//! DESIGN.md's one definition of holding data, as SQL: a consignee holds a category while an
//! entrustment of it is active (from `started_on` through `ended_on`, inclusive) or has ended
//! without deletion confirmed. [`EntrustmentRow::holding`](super::model::EntrustmentRow::holding)
//! is the same rule for one loaded row; a test checks they agree.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::entrustments as e;
use crate::db::DbConnection;

/// A boxed query over `entrustments` on either backend.
pub type Query<'a> = e::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>;

/// Keeps the entrustments active on `day`; with `include_ended`, also those that ended before
/// it without deletion confirmed (together: every entrustment that holds data on `day`).
pub fn filter(query: Query<'_>, day: NaiveDate, include_ended: bool) -> Query<'_> {
    let started = e::started_on.le(day);
    let running = e::ended_on.is_null().or(e::ended_on.ge(day));
    if include_ended {
        query.filter(started.and(running.or(e::deletion_confirmed_on.is_null())))
    } else {
        query.filter(started.and(running))
    }
}

/// Keeps the entrustments not active on `day` (not started yet, or ended).
pub fn filter_inactive(query: Query<'_>, day: NaiveDate) -> Query<'_> {
    query.filter(e::started_on.gt(day).or(e::ended_on.lt(day)))
}

/// What a consignee holds on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// Category codes, sorted.
    pub categories: Vec<String>,
    /// Whether any is special care-required personal information.
    pub sensitive: bool,
    /// The entrustments through which it holds them.
    pub entrustment_ids: Vec<String>,
}

/// What each of `consignee_ids` holds on `day` (two queries for any number of consignees).
pub fn held_by(
    conn: &mut DbConnection,
    consignee_ids: &[String],
    day: NaiveDate,
) -> Result<std::collections::HashMap<String, Held>, crate::error::ApiError> {
    use crate::db::schema::{data_categories as dc, entrustment_categories as ec};
    let rows: Vec<(String, String)> =
        filter(e::table.filter(e::consignee_id.eq_any(consignee_ids.to_vec())).into_boxed(), day, true)
            .select((e::id, e::consignee_id))
            .order(e::id.asc())
            .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    let codes: Vec<(String, String, bool)> = ec::table
        .inner_join(dc::table)
        .filter(ec::entrustment_id.eq_any(ids))
        .select((ec::entrustment_id, ec::category_code, dc::sensitive))
        .load(conn)?;
    let mut held: std::collections::HashMap<String, Held> = std::collections::HashMap::new();
    for (entrustment_id, consignee_id) in rows {
        let entry = held.entry(consignee_id).or_default();
        for (_, code, sensitive) in codes.iter().filter(|(id, _, _)| *id == entrustment_id) {
            entry.sensitive |= *sensitive;
            if !entry.categories.contains(code) {
                entry.categories.push(code.clone());
            }
        }
        entry.entrustment_ids.push(entrustment_id);
    }
    held.values_mut().for_each(|h| h.categories.sort());
    Ok(held)
}

/// The entrustments of a consignee that have not started by `day` (data is yet to flow).
pub fn scheduled(
    conn: &mut DbConnection,
    consignee_id: &str,
    day: NaiveDate,
) -> Result<Vec<String>, crate::error::ApiError> {
    Ok(e::table
        .filter(e::consignee_id.eq(consignee_id))
        .filter(e::started_on.gt(day))
        .select(e::id)
        .order(e::id.asc())
        .load(conn)?)
}
