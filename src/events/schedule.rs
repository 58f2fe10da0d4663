//! Scheduled events: what time brings (a memorandum about to end, a review or finding overdue, an
//! incident report late), noticed by a scan in the server and announced once per occurrence,
//! even with several servers on one database (the occurrence key is checked under the audit
//! chain's lock and is unique).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use super::api::EventType;
use super::snapshot::EventDraft;
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::compliance::facts::{self, Facts};
use crate::compliance::rules::{latest_certifications, Context};
use crate::compliance::scan;
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
    let (rows, next) = scan::read(conn, &scan::Filter::default(), after)?;
    let all = facts::load(conn, &rows, ctx)?;
    let found = rows.iter().zip(&all).flat_map(|(row, facts)| occurrences(&row.id, facts, ctx)).collect();
    Ok((found, next))
}

/// The batch's occurrences not announced yet, and where the next batch starts.
fn fresh(
    conn: &mut DbConnection,
    after: Option<&str>,
    ctx: &Context,
) -> Result<(Vec<Occurrence>, Option<String>), ApiError> {
    let (found, next) = batch(conn, after, ctx)?;
    if found.is_empty() {
        return Ok((found, next));
    }
    let done = super::store::announced(conn, found.iter().map(Occurrence::key).collect())?;
    Ok((found.into_iter().filter(|o| !done.contains(&o.key())).collect(), next))
}

/// The resource's current version and snapshot (`None` once it is gone).
fn draft_of(conn: &mut DbConnection, o: &Occurrence) -> Result<Option<EventDraft>, ApiError> {
    let id = o.resource_id.as_str();
    let found = match o.resource_type {
        "memorandum" => crate::memoranda::store::get(conn, id).map(|r| EventDraft::from(&r)),
        "finding" => crate::findings::store::get(conn, id).map(|r| EventDraft::from(&r)),
        "incident" => crate::incidents::store::get(conn, id).map(|r| EventDraft::from(&r)),
        "certification" => crate::certifications::store::get(conn, id).map(|r| EventDraft::from(&r)),
        "consignee" => crate::consignees::store::get(conn, id).map(|r| EventDraft::from(&r)),
        other => return Err(ApiError::internal(format!("no scheduled events of {other}"))),
    };
    match found {
        Ok(draft) => Ok(Some(draft)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Under the audit chain's lock, judges the batch after `after` again (so nothing changed since
/// the read pass is announced) and announces what was not announced yet; answers how many.
fn announce(conn: &mut DbConnection, at: DateTime<Utc>, after: Option<&str>, ctx: &Context) -> Result<usize, ApiError> {
    dispatch::lock_audit_chain(conn)?;
    let (found, _) = fresh(conn, after, ctx)?;
    let mut count = 0;
    for o in found {
        let Some(mut draft) = draft_of(conn, &o)? else { continue };
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
        count += 1;
    }
    Ok(count)
}

/// Scans every consignee and announces what is due; answers how many events it announced. Only
/// batches with something new to announce take the write lock; a batch that fails is logged and the
/// scan goes on.
pub async fn tick(db: &Db, ctx: Context, at: DateTime<Utc>) -> Result<usize, ApiError> {
    let (mut after, mut announced) = (None::<String>, 0);
    loop {
        let from = after.clone();
        let (found, next) = db.run(move |conn| fresh(conn, from.as_deref(), &ctx)).await?;
        if !found.is_empty() {
            let from = after.clone();
            match db.write(move |conn| announce(conn, at, from.as_deref(), &ctx)).await {
                Ok(n) => announced += n,
                Err(error) => tracing::warn!(%error, "scheduled events of a batch could not be announced"),
            }
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
