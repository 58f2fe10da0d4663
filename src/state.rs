//! The shared application state handed to handlers; resources import it from here, never from startup.

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
}
