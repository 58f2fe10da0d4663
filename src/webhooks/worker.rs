//! The delivery worker: claims due deliveries, POSTs each signed event, records the attempt and
//! schedules the next with exponential backoff and jitter, giving up (and disabling the webhook)
//! once a delivery has failed for the configured time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;

use super::api::DeliveryStatus;
use super::deliveries::{AttemptRow, DeliveryRow};
use super::policy::{self, CheckedResolver};
use super::signing;
use super::store::WebhookRow;
use super::WebhookSettings;
use crate::db::schema::{events as ev, webhook_attempts as a, webhook_deliveries as d, webhooks as w};
use crate::db::{dispatch, DbConnection};
use crate::error::ApiError;
use crate::events::api::Event;
use crate::events::store::EventRow;
use crate::state::AppState;

/// Deliveries one worker claims at a time.
const CLAIM: i64 = 16;

/// How many claim cycles the worker has finished (found work or not): a test that shows nothing
/// was delivered waits until the worker has looked twice, instead of sleeping.
#[derive(Debug, Default)]
pub struct Polls(AtomicU64);

impl Polls {
    /// Claim cycles finished so far.
    pub fn completed(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn record(&self) {
        self.0.fetch_add(1, Ordering::Release);
    }
}

/// A claimed delivery with what it needs to go out.
pub struct Job {
    delivery: DeliveryRow,
    url: String,
    secrets: Vec<String>,
    event_id: String,
    /// The event's JSON, or why it cannot be sent (the delivery then fails at once).
    body: Result<String, String>,
}

/// What one attempt came to.
#[derive(Debug)]
pub struct Outcome {
    status_code: Option<u16>,
    error: Option<String>,
    latency_ms: i64,
}

/// The HTTP client deliveries use: no redirects, no proxy, addresses checked on resolution.
pub fn client(settings: &WebhookSettings) -> Result<reqwest::Client, String> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .dns_resolver(Arc::new(CheckedResolver(settings.allow.clone())))
        .user_agent(concat!("consignee-registry-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the webhook client: {e}"))
}

diesel::alias!(crate::db::schema::webhook_deliveries as busy: BusyDeliveries);

/// Due deliveries of enabled webhooks with no delivery in flight (one at a time per endpoint, so
/// a slow one holds up no other), oldest first: (delivery id, webhook id).
macro_rules! due {
    ($now:expr, $limit:expr) => {
        d::table
            .filter(d::status.eq(DeliveryStatus::Pending.as_ref()))
            .filter(d::next_attempt_at.le($now))
            .filter(d::leased_until.is_null().or(d::leased_until.lt($now)))
            .filter(d::webhook_id.eq_any(w::table.filter(w::enabled.eq(true)).select(w::id)))
            .filter(
                d::webhook_id.ne_all(
                    busy.filter(busy.field(d::leased_until).ge($now))
                        .filter(busy.field(d::status).eq(DeliveryStatus::Pending.as_ref()))
                        .select(busy.field(d::webhook_id)),
                ),
            )
            .order(d::next_attempt_at.asc())
            .limit($limit)
            .select((d::id, d::webhook_id))
    };
}

/// Whether any delivery is due (read-only, so an idle worker never takes the write lock).
fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<bool, ApiError> {
    Ok(!due!(now, 1).load::<(String, String)>(conn)?.is_empty())
}

/// Claims up to `room` due deliveries, one per webhook, for `lease` (rows other workers hold are
/// skipped).
fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease: chrono::Duration,
    room: i64,
) -> Result<Vec<Job>, ApiError> {
    let candidates: Vec<(String, String)> = dispatch::load_skip_locked!(conn, due!(now, room * 4))?;
    let mut webhooks = std::collections::HashSet::new();
    let ids: Vec<String> = candidates
        .into_iter()
        .filter(|(_, webhook)| webhooks.insert(webhook.clone()))
        .map(|(id, _)| id)
        .take(room as usize)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let until = now + lease;
    diesel::update(d::table.filter(d::id.eq_any(&ids))).set(d::leased_until.eq(until)).execute(conn)?;
    let rows: Vec<(DeliveryRow, WebhookRow, EventRow)> = d::table
        .inner_join(w::table)
        .inner_join(ev::table)
        .filter(d::id.eq_any(&ids))
        .select((DeliveryRow::as_select(), WebhookRow::as_select(), EventRow::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(mut delivery, hook, event)| {
            delivery.leased_until = Some(until);
            let event_id = format!("evt_{}", event.seq);
            let body = Event::try_from(event).and_then(|e| serde_json::to_string(&e).map_err(ApiError::internal));
            let body = body.map_err(|e| format!("the stored event cannot be read: {e}"));
            Job { delivery, url: hook.url.clone(), secrets: hook.signing_secrets(now), event_id, body }
        })
        .collect())
}

/// POSTs the job's event once.
async fn attempt(client: &reqwest::Client, settings: &WebhookSettings, job: &Job, at: DateTime<Utc>) -> Outcome {
    let started = Instant::now();
    let sent = send(client, settings, job, at).await;
    let latency_ms = started.elapsed().as_millis() as i64;
    match sent {
        Ok(status) if (200..300).contains(&status) => Outcome { status_code: Some(status), error: None, latency_ms },
        Ok(status) if (300..400).contains(&status) => Outcome {
            status_code: Some(status),
            error: Some(format!("HTTP {status}: redirects are not followed")),
            latency_ms,
        },
        Ok(status) => Outcome { status_code: Some(status), error: Some(format!("HTTP {status}")), latency_ms },
        Err(error) => Outcome { status_code: None, error: Some(error), latency_ms },
    }
}

async fn send(
    client: &reqwest::Client,
    settings: &WebhookSettings,
    job: &Job,
    at: DateTime<Utc>,
) -> Result<u16, String> {
    let body = job.body.clone()?;
    let url = policy::check_url(&job.url, &settings.allow)?;
    let timestamp = at.timestamp();
    let signature = signing::header(&job.secrets, &job.event_id, timestamp, body.as_bytes())?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &job.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| describe(&e.without_url()))?;
    Ok(response.status().as_u16())
}

/// The error with its causes (reqwest's own message hides them).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The wait before attempt `attempt + 1`: base·2^(attempt−1), capped, times a jitter in [½, 1].
pub fn backoff(settings: &WebhookSettings, attempt: i32, jitter: f64) -> Duration {
    let exponent = attempt.clamp(1, 30) as u32 - 1;
    let full = settings.retry_base.saturating_mul(1u32 << exponent.min(30)).min(settings.retry_max);
    full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

fn jitter() -> f64 {
    let mut byte = [0u8; 2];
    let _ = aws_lc_rs::rand::fill(&mut byte);
    f64::from(u16::from_be_bytes(byte)) / f64::from(u16::MAX)
}

/// Records the attempt and what follows: delivered, retried later, or given up (`None` when the
/// lease ran out and another worker took the delivery over).
fn finish(
    conn: &mut DbConnection,
    settings: &WebhookSettings,
    job: &Job,
    outcome: &Outcome,
    at: DateTime<Utc>,
) -> Result<Option<DeliveryStatus>, ApiError> {
    let now = at.naive_utc();
    let delivery = &job.delivery;
    let attempt = delivery.attempts + 1;
    let ours = d::table
        .find(&delivery.id)
        .filter(d::leased_until.eq(delivery.leased_until))
        .filter(d::status.eq(DeliveryStatus::Pending.as_ref()));
    let unreadable = job.body.is_err();
    let (status, next, delivered) = if outcome.error.is_none() {
        (DeliveryStatus::Succeeded, None, Some(now))
    } else if unreadable || now - delivery.retry_from >= settings.retry_for_chrono() {
        (DeliveryStatus::Failed, None, None)
    } else {
        let wait = chrono::Duration::from_std(backoff(settings, attempt, jitter())).map_err(ApiError::internal)?;
        (DeliveryStatus::Pending, Some(now + wait), None)
    };
    let changes = (
        d::status.eq(status.as_ref()),
        d::attempts.eq(attempt),
        d::next_attempt_at.eq(next),
        d::leased_until.eq(None::<NaiveDateTime>),
        d::delivered_at.eq(delivered),
    );
    if diesel::update(ours).set(changes).execute(conn)? == 0 {
        return Ok(None); // the lease ran out and another worker took it over
    }
    let row = AttemptRow {
        delivery_id: delivery.id.clone(),
        attempt,
        at: now,
        status_code: outcome.status_code.map(i32::from),
        latency_ms: outcome.latency_ms,
        error: outcome.error.clone(),
    };
    diesel::insert_into(a::table).values(&row).execute(conn)?;
    if status == DeliveryStatus::Failed && !unreadable {
        let last = outcome.error.clone().unwrap_or_default();
        let reason = format!(
            "event {} could not be delivered for {}: {last}",
            delivery.event_seq,
            humantime::format_duration(settings.retry_for)
        );
        super::store::disable(conn, at, &delivery.webhook_id, reason)?;
    }
    Ok(Some(status))
}

/// Attempts one job and records what came of it.
async fn deliver(state: &AppState, client: &reqwest::Client, job: Job) {
    let settings = state.webhooks.clone();
    let outcome = attempt(client, &settings, &job, state.clock.now()).await;
    let at = state.clock.now();
    match state.db.write(move |conn| finish(conn, &settings, &job, &outcome, at)).await {
        Ok(Some(status)) => state.metrics.count_delivery(status),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not record a webhook delivery attempt"),
    }
}

/// Claims as many due deliveries as there are free slots; answers them.
async fn claim_due(state: &AppState, room: usize) -> Result<Vec<Job>, ApiError> {
    let (now, lease) = (state.clock.now().naive_utc().trunc_subsecs(6), state.webhooks.lease());
    if room == 0 || !state.db.run(move |conn| any_due(conn, now)).await? {
        return Ok(Vec::new());
    }
    state.db.write(move |conn| claim(conn, now, lease, room as i64)).await
}

/// Delivers in the background, up to [`CLAIM`] attempts at once (each in its own task, so a slow
/// endpoint holds one slot, never the others): claims at once while there is work, else every
/// poll interval.
pub fn spawn(state: actix_web::web::Data<AppState>, client: reqwest::Client) {
    let slots = Arc::new(tokio::sync::Semaphore::new(CLAIM as usize));
    tokio::spawn(async move {
        loop {
            let claimed = claim_due(&state, slots.available_permits()).await;
            state.webhook_polls.record();
            match claimed {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        let Ok(slot) = slots.clone().acquire_owned().await else { return };
                        let (state, client) = (state.clone(), client.clone());
                        tokio::spawn(async move {
                            deliver(&state, &client, job).await;
                            drop(slot);
                        });
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not claim webhook deliveries"),
            }
            tokio::time::sleep(state.webhooks.poll).await;
        }
    });
}
