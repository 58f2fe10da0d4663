//! The injectable clock: rules ask it for "now", never the wall clock.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

/// Source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock, truncated to microseconds (what both databases store).
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// Shared handle to the clock in use.
pub type SharedClock = Arc<dyn Clock>;
