//! Deliveries: queued with the event, claimed by one worker at a time (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL, the single writer on SQLite), every attempt recorded.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::api::{Delivery, DeliveryAttempt, DeliveryQuery, DeliveryStatus};
use crate::db::schema::{events as ev, webhook_attempts as a, webhook_deliveries as d, webhooks as w};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::events::api::EventType;

/// A stored delivery.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = d, treat_none_as_default_value = false)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_seq: i64,
    pub status: String,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub retry_from: NaiveDateTime,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub leased_until: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// A stored attempt.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = a, treat_none_as_default_value = false)]
pub struct AttemptRow {
    pub delivery_id: String,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

fn pending(webhook_id: String, event_seq: i64, at: NaiveDateTime) -> DeliveryRow {
    DeliveryRow {
        id: Uuid::now_v7().to_string(),
        webhook_id,
        event_seq,
        status: DeliveryStatus::Pending.as_ref().to_owned(),
        attempts: 0,
        created_at: at,
        retry_from: at,
        next_attempt_at: Some(at),
        leased_until: None,
        delivered_at: None,
    }
}

/// Queues the event for every webhook that wants its type (inside the event's transaction); a
/// disabled webhook's deliveries wait until it is enabled again.
pub fn queue(conn: &mut DbConnection, seq: i64, event_type: EventType, at: NaiveDateTime) -> Result<(), ApiError> {
    let hooks: Vec<(String, String)> = w::table.select((w::id, w::event_types)).load(conn)?;
    for (id, types) in hooks {
        let wanted = match super::store::stored_types(&types) {
            Ok(types) => types.is_empty() || types.contains(&event_type),
            Err(error) => {
                tracing::error!(webhook = %id, %error, "stored webhook event types are unreadable; not queued");
                false
            }
        };
        if wanted {
            diesel::insert_into(d::table).values(&pending(id, seq, at)).execute(conn)?;
        }
    }
    Ok(())
}

/// Queues the event of `delivery_id` again for its webhook (409 while the webhook is disabled).
pub fn redeliver(
    conn: &mut DbConnection,
    webhook_id: &str,
    delivery_id: &str,
    at: DateTime<Utc>,
) -> Result<DeliveryRow, ApiError> {
    let hook = super::store::get(conn, webhook_id)?;
    if !hook.enabled {
        return Err(ApiError::Conflict("the webhook is disabled; enable it first (PATCH enabled: true)".to_owned()));
    }
    let seq: i64 = d::table
        .filter(d::id.eq(delivery_id))
        .filter(d::webhook_id.eq(webhook_id))
        .select(d::event_seq)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::NotFound(format!("no delivery {delivery_id} of webhook {webhook_id}")))?;
    let row = pending(webhook_id.to_owned(), seq, at.naive_utc());
    diesel::insert_into(d::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Restarts the retries of a re-enabled webhook's pending deliveries from `at`.
pub fn resume(conn: &mut DbConnection, webhook_id: &str, at: NaiveDateTime) -> Result<(), ApiError> {
    let pending = d::table.filter(d::webhook_id.eq(webhook_id)).filter(d::status.eq(DeliveryStatus::Pending.as_ref()));
    diesel::update(pending).set((d::retry_from.eq(at), d::next_attempt_at.eq(at))).execute(conn)?;
    Ok(())
}

/// Deletes finished deliveries (and their attempts) created before `before`; pending ones stay.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, ApiError> {
    let finished = [DeliveryStatus::Succeeded.as_ref(), DeliveryStatus::Failed.as_ref()];
    let old = d::table.filter(d::created_at.lt(before.naive_utc())).filter(d::status.eq_any(finished));
    Ok(diesel::delete(old).execute(conn)?)
}

/// The delivery `id`, with its attempts.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Delivery, ApiError> {
    let row: (DeliveryRow, String) = d::table
        .inner_join(ev::table)
        .filter(d::id.eq(id))
        .select((DeliveryRow::as_select(), ev::event_type))
        .first(conn)?;
    let attempts: Vec<AttemptRow> =
        a::table.filter(a::delivery_id.eq(id)).order(a::attempt.asc()).select(AttemptRow::as_select()).load(conn)?;
    present(row.0, &row.1, &attempts)
}

/// A page of a webhook's deliveries (newest first) with their attempts.
pub fn list(
    conn: &mut DbConnection,
    webhook_id: &str,
    query: &DeliveryQuery,
    limit: i64,
) -> Result<Vec<Delivery>, ApiError> {
    let mut select = d::table
        .inner_join(ev::table)
        .filter(d::webhook_id.eq(webhook_id))
        .select((DeliveryRow::as_select(), ev::event_type))
        .order(d::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = query.status {
        select = select.filter(d::status.eq(status.as_ref().to_owned()));
    }
    if let Some(cursor) = query.cursor {
        select = select.filter(d::id.lt(cursor.to_string()));
    }
    let rows: Vec<(DeliveryRow, String)> = select.load(conn)?;
    let ids: Vec<String> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    let attempts: Vec<AttemptRow> = a::table
        .filter(a::delivery_id.eq_any(ids))
        .order((a::delivery_id.asc(), a::attempt.asc()))
        .select(AttemptRow::as_select())
        .load(conn)?;
    rows.into_iter().map(|(row, event_type)| present(row, &event_type, &attempts)).collect()
}

fn present(row: DeliveryRow, event_type: &str, attempts: &[AttemptRow]) -> Result<Delivery, ApiError> {
    let stored = |what: &str| ApiError::internal(format!("stored delivery {what} is unknown"));
    Ok(Delivery {
        event_type: event_type.parse().map_err(|_| stored("event type"))?,
        status: row.status.parse().map_err(|_| stored("status"))?,
        attempts: attempts
            .iter()
            .filter(|a| a.delivery_id == row.id)
            .map(|a| DeliveryAttempt {
                attempt: a.attempt,
                at: a.at.and_utc(),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                error: a.error.clone(),
            })
            .collect(),
        created_at: row.created_at.and_utc(),
        next_attempt_at: row.next_attempt_at.map(|at| at.and_utc()),
        delivered_at: row.delivered_at.map(|at| at.and_utc()),
        id: row.id,
        webhook_id: row.webhook_id,
        event_seq: row.event_seq,
    })
}
