//! The shared application state handed to handlers; resources import it from here, never from startup.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::audit::checkpoint::Checkpointer;
use crate::clock::SharedClock;
use crate::db::Db;

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The clock rules read "now" from.
    pub clock: SharedClock,
    /// Signs audit checkpoints with the key kept outside the database.
    pub checkpointer: Checkpointer,
    /// The business time zone dates are judged in.
    pub time_zone: Tz,
    /// The largest accepted document upload, in bytes.
    pub document_limit: usize,
    /// The largest accepted CSV import, in bytes.
    pub import_limit: usize,
    /// Months between supervision reviews per risk tier.
    pub review_intervals: crate::reviews::schedule::ReviewIntervals,
    /// How far ahead compliance checks warn.
    pub compliance_windows: crate::compliance::rules::Windows,
    /// Days allowed for reports of incidents to the PPC.
    pub report_deadlines: crate::incidents::deadlines::ReportDeadlines,
    /// The largest accepted JSON body, in bytes.
    pub body_limit: usize,
    /// How long an Idempotency-Key and its response are kept.
    pub idempotency_ttl: chrono::Duration,
    /// How long a running request's claim on its Idempotency-Key lasts unless renewed.
    pub idempotency_lease: std::time::Duration,
    /// How webhooks are delivered.
    pub webhooks: crate::webhooks::WebhookSettings,
    /// Claim cycles the webhook worker has finished.
    pub webhook_polls: crate::webhooks::worker::Polls,
    /// This application's metrics (and whether `GET /metrics` answers).
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// Record types an erasure withholds (`CR_ERASURE_RETAIN`).
    pub erasure_retain: Vec<crate::privacy::api::RecordType>,
    /// Consignees' derived values, reused by reads while current.
    pub consignee_views: crate::consignees::view_cache::ViewCache,
}

/// What supervision rules judge by: today's date, the business time zone and the review intervals.
#[derive(Debug, Clone, Copy)]
pub struct Supervision {
    /// Today in the business time zone.
    pub today: NaiveDate,
    /// The business time zone.
    pub time_zone: Tz,
    /// Months between reviews per risk tier.
    pub intervals: crate::reviews::schedule::ReviewIntervals,
    /// How far ahead compliance checks warn.
    pub windows: crate::compliance::rules::Windows,
    /// Days allowed for reports of incidents to the PPC.
    pub report_deadlines: crate::incidents::deadlines::ReportDeadlines,
}

impl Supervision {
    /// The context compliance rules judge in.
    pub fn compliance(&self) -> crate::compliance::rules::Context {
        crate::compliance::rules::Context {
            today: self.today,
            windows: self.windows,
            intervals: self.intervals,
            time_zone: self.time_zone,
            report_deadlines: self.report_deadlines,
        }
    }
}

impl AppState {
    /// Today's date in the business time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }

    /// Today, the time zone and the review intervals, for supervision rules.
    pub fn supervision(&self) -> Supervision {
        Supervision {
            today: self.today(),
            time_zone: self.time_zone,
            intervals: self.review_intervals,
            windows: self.compliance_windows,
            report_deadlines: self.report_deadlines,
        }
    }
}
