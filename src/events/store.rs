//! Events in the feed: written beside their audit event, read in `seq` order.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::api::{Event, EventData, EventType};
use super::snapshot::EventDraft;
use crate::db::schema::events as ev;
use crate::db::DbConnection;
use crate::error::ApiError;

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ev, treat_none_as_default_value = false)]
pub struct EventRow {
    pub seq: i64,
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    pub version: Option<i64>,
    pub occurred_at: NaiveDateTime,
    pub data: String,
    pub occurrence: Option<String>,
}

impl TryFrom<EventRow> for Event {
    type Error = ApiError;

    fn try_from(row: EventRow) -> Result<Self, ApiError> {
        let event_type = row
            .event_type
            .parse()
            .map_err(|_| ApiError::internal(format!("stored event type {:?}", row.event_type)))?;
        Ok(Event {
            seq: row.seq,
            event_type,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            version: row.version,
            occurred_at: DateTime::from_naive_utc_and_offset(row.occurred_at, Utc),
            data: serde_json::from_str::<EventData>(&row.data).map_err(ApiError::internal)?,
        })
    }
}

/// What the audit chain hands over for the feed.
pub struct Appended<'a> {
    /// The audit event's seq.
    pub seq: i64,
    /// Its time.
    pub at: NaiveDateTime,
    /// Its action, e.g. `memorandum.signed`.
    pub action: &'a str,
    /// The resource.
    pub resource_type: &'a str,
    /// The resource's id.
    pub resource_id: &'a str,
    /// The audit diff, for the names of the fields changed.
    pub changes: &'a serde_json::Value,
}

/// Writes the event of an audited change (none when the action is not a domain event) and queues
/// its deliveries; call inside the audit append, under the chain's lock.
pub fn insert(conn: &mut DbConnection, audited: Appended, draft: EventDraft) -> Result<(), ApiError> {
    let Some(event_type) = EventType::of_action(audited.action) else {
        return Ok(());
    };
    let mut data = draft.data;
    if data.changed.is_none() {
        (data.changed, data.previous_status) = super::snapshot::what_changed(audited.changes);
    }
    let row = EventRow {
        seq: audited.seq,
        event_type: event_type.as_str().to_owned(),
        resource_type: audited.resource_type.to_owned(),
        resource_id: audited.resource_id.to_owned(),
        version: draft.version,
        occurred_at: audited.at,
        data: serde_json::to_string(&data).map_err(ApiError::internal)?,
        occurrence: draft.occurrence,
    };
    diesel::insert_into(ev::table).values(&row).execute(conn)?;
    crate::webhooks::deliveries::queue(conn, row.seq, event_type, audited.at)
}

/// Up to `limit` events after `after`, of `types` when given, in `seq` order.
pub fn list(conn: &mut DbConnection, after: i64, types: &[EventType], limit: i64) -> Result<Vec<EventRow>, ApiError> {
    let mut select = ev::table.filter(ev::seq.gt(after)).into_boxed();
    if !types.is_empty() {
        select = select.filter(ev::event_type.eq_any(types.iter().map(|t| t.as_str().to_owned()).collect::<Vec<_>>()));
    }
    Ok(select.order(ev::seq.asc()).limit(limit).select(EventRow::as_select()).load(conn)?)
}

/// Which of `keys` have been announced already.
pub fn announced(conn: &mut DbConnection, keys: Vec<String>) -> Result<Vec<String>, ApiError> {
    let found: Vec<Option<String>> = ev::table.filter(ev::occurrence.eq_any(keys)).select(ev::occurrence).load(conn)?;
    Ok(found.into_iter().flatten().collect())
}
