//! Scheduled events: what time brings (a memorandum about to end, a review or finding overdue, an
//! incident report late), noticed by a scan in the server and announced once per occurrence,
//! even with several servers on one database (the occurrence key is checked under the audit
//! chain's lock and is unique).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::api::EventType;
use super::snapshot::EventDraft;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::compliance::facts::{self, Facts};
use crate::compliance::rules::{latest_certifications, Context};
use crate::compliance::scan::BATCH;
use crate::consignees::model::ConsigneeRow;
use crate::db::schema::consignees as c;
use crate::db::{dispatch, Db, DbConnection};
use crate::error::ApiError;
use crate::state::AppState;

/// Something time brought about, on the day it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The event announcing it.
    pub event_type: EventType,
    /// The resource concerned.
    pub resource_type: &'static str,
    /// Its id.
    pub resource_id: String,
    /// Its consignee.
    pub consignee_id: String,
    /// The day near or passed (an end, a notice deadline, a due date).
    pub due_on: NaiveDate,
}

impl Occurrence {
    /// The key that makes it announced once: the event, the resource and the day.
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.event_type.as_str(), self.resource_id, self.due_on)
    }
}

/// What a consignee's facts hold that is due to be announced on `ctx.today`.
pub fn occurrences(consignee_id: &str, facts: &Facts, ctx: &Context) -> Vec<Occurrence> {
    let ahead = |day: NaiveDate| ctx.today <= day && day <= ctx.within(ctx.windows.memorandum_days);
    let at = |event_type, resource_type, id: &str, due_on| Occurrence {
        event_type,
        resource_type,
        resource_id: id.to_owned(),
        consignee_id: consignee_id.to_owned(),
        due_on,
    };
    let mut found = Vec::new();
    for m in facts.memoranda.iter().filter(|m| m.in_force) {
        match (m.notice_deadline, m.ends_on) {
            (Some(deadline), _) if ahead(deadline) => {
                found.push(at(EventType::MemorandumNoticeDeadline, "memorandum", &m.id, deadline))
            }
            (None, Some(end)) if ahead(end) => found.push(at(EventType::MemorandumExpiring, "memorandum", &m.id, end)),
            _ => {}
        }
    }
    if let Some(due) = facts.next_review_due.filter(|due| *due < ctx.today) {
        found.push(at(EventType::ReviewOverdue, "consignee", consignee_id, due));
    }
    for f in &facts.findings {
        if let Some(due) = f.due_on.filter(|due| *due < ctx.today) {
            found.push(at(EventType::FindingOverdue, "finding", &f.id, due));
        }
    }
    for i in facts.incidents.iter().filter(|i| i.overdue) {
        if let Some(due) = i.due_by {
            found.push(at(EventType::IncidentReportOverdue, "incident", &i.id, due));
        }
    }
    for cert in latest_certifications(facts, ctx.today) {
        if let Some(end) = cert.expires_on.filter(|end| ahead(*end)) {
            found.push(at(EventType::CertificationExpiring, "certification", &cert.id, end));
        }
    }
    found
}

/// One batch of consignees after `after`: their occurrences, and where the next batch starts.
fn batch(
    conn: &mut DbConnection,
    after: Option<&str>,
    ctx: &Context,
) -> Result<(Vec<Occurrence>, Option<String>), ApiError> {
    let mut select = c::table.order(c::id.asc()).limit(BATCH).into_boxed();
    if let Some(after) = after {
        select = select.filter(c::id.gt(after.to_owned()));
    }
    let rows: Vec<ConsigneeRow> = select.load(conn)?;
    let next = (rows.len() as i64 == BATCH).then(|| rows.last().map(|r| r.id.clone())).flatten();
    let all = facts::load(conn, &rows, ctx)?;
    let found = rows.iter().zip(&all).flat_map(|(row, facts)| occurrences(&row.id, facts, ctx)).collect();
    Ok((found, next))
}

/// The resource's current version and snapshot.
fn draft_of(conn: &mut DbConnection, o: &Occurrence) -> Result<EventDraft, ApiError> {
    let id = o.resource_id.as_str();
    Ok(match o.resource_type {
        "memorandum" => (&crate::memoranda::store::get(conn, id)?).into(),
        "finding" => (&crate::findings::store::get(conn, id)?).into(),
        "incident" => (&crate::incidents::store::get(conn, id)?).into(),
        "certification" => (&crate::certifications::store::get(conn, id)?).into(),
        _ => (&crate::consignees::store::get(conn, id)?).into(),
    })
}

/// Announces the occurrences not announced yet; answers how many it announced.
fn announce(conn: &mut DbConnection, at: DateTime<Utc>, found: Vec<Occurrence>) -> Result<usize, ApiError> {
    dispatch::lock_audit_chain(conn)?;
    let done = super::store::announced(conn, found.iter().map(Occurrence::key).collect())?;
    let fresh: Vec<Occurrence> = found.into_iter().filter(|o| !done.contains(&o.key())).collect();
    for o in &fresh {
        let mut draft = draft_of(conn, o)?;
        draft.data.due_on = Some(o.due_on);
        draft.occurrence = Some(o.key());
        let change = Change {
            action: o.event_type.as_str().to_owned(),
            resource_type: o.resource_type,
            resource_id: o.resource_id.clone(),
            consignee_id: Some(o.consignee_id.clone()),
            changes: serde_json::json!({ "due_on": o.due_on }),
            event: Some(draft),
        };
        audit::append(conn, &Caller::system(), at, change)?;
    }
    Ok(fresh.len())
}

/// Scans every consignee and announces what is due; answers how many events it announced.
pub async fn tick(db: &Db, ctx: Context, at: DateTime<Utc>) -> Result<usize, ApiError> {
    let (mut after, mut announced) = (None::<String>, 0);
    loop {
        let (found, next) = db.run(move |conn| batch(conn, after.as_deref(), &ctx)).await?;
        if !found.is_empty() {
            announced += db.write(move |conn| announce(conn, at, found)).await?;
        }
        match next {
            Some(next) => after = Some(next),
            None => return Ok(announced),
        }
    }
}

/// Scans at start-up and then every `interval` (the business day's turn is caught within one).
pub fn spawn(state: actix_web::web::Data<AppState>, interval: Duration) {
    tokio::spawn(async move {
        loop {
            let ctx = state.supervision().compliance();
            match tick(&state.db, ctx, state.clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(announced = n, "scheduled events announced"),
                Err(error) => tracing::warn!(%error, "scheduled events scan failed"),
            }
            tokio::time::sleep(interval).await;
        }
    });
}
