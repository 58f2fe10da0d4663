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
}

impl AppState {
    /// Today's date in the business time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }
}
