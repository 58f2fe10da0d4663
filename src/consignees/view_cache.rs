//! The derived values of consignees kept between reads.
//!
//! An entry is used only while its stamp is current, and the stamp is read from the database on
//! every read: the row's version and cached review dates, the newest audit event of the
//! consignee's records (every change to a memorandum, entrustment, review, finding, certification,
//! incident or sub-consignment is audited with the consignee's id, in the same transaction), the
//! newest audit event of the register's shared records (categories, clauses, checklist items,
//! audited without one), and the day judged. So no node serves a value another node's write has
//! made stale, and a read that races a write at worst recomputes. Only reads fill it: a write's
//! own transaction could still roll back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use diesel::dsl::max;
use diesel::prelude::*;

use super::model::ConsigneeRow;
use super::view::Derived;
use crate::db::schema::audit_events as ae;
use crate::db::DbConnection;
use crate::error::ApiError;

/// Entries kept at most; the cache starts over when it is full (a few hundred bytes each).
const CAPACITY: usize = 20_000;

/// What a consignee's derived values depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    version: i64,
    last_reviewed_on: Option<NaiveDate>,
    next_review_due: Option<NaiveDate>,
    own_seq: Option<i64>,
    shared_seq: Option<i64>,
    today: NaiveDate,
}

/// Derived values by consignee id, each with the stamp it was derived under; shared by the workers.
#[derive(Debug, Clone, Default)]
pub struct ViewCache(Arc<Mutex<HashMap<String, (Stamp, Derived)>>>);

/// The current stamps of `rows` on `today` (two queries).
pub fn stamps(conn: &mut DbConnection, rows: &[ConsigneeRow], today: NaiveDate) -> Result<Vec<Stamp>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let own: HashMap<String, i64> = ae::table
        .filter(ae::consignee_id.eq_any(&ids))
        .group_by(ae::consignee_id)
        .select((ae::consignee_id, max(ae::seq)))
        .load::<(Option<String>, Option<i64>)>(conn)?
        .into_iter()
        .filter_map(|(id, seq)| Some((id?, seq?)))
        .collect();
    let shared_seq: Option<i64> = ae::table.filter(ae::consignee_id.is_null()).select(max(ae::seq)).first(conn)?;
    Ok(rows
        .iter()
        .map(|row| Stamp {
            version: row.version,
            last_reviewed_on: row.last_reviewed_on,
            next_review_due: row.next_review_due,
            own_seq: own.get(&row.id).copied(),
            shared_seq,
            today,
        })
        .collect())
}

impl ViewCache {
    /// The derived values of `id` if they were derived under `stamp`.
    pub fn get(&self, id: &str, stamp: &Stamp) -> Option<Derived> {
        let entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(id).filter(|(kept, _)| kept == stamp).map(|(_, derived)| derived.clone())
    }

    /// Keeps `derived` for `id` under `stamp`.
    pub fn put(&self, id: &str, stamp: Stamp, derived: &Derived) {
        let mut entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(id) {
            entries.clear();
        }
        entries.insert(id.to_owned(), (stamp, derived.clone()));
    }
}
