//! Hourly housekeeping: expired Idempotency-Keys, webhook deliveries past their retention, and
//! SQLite's planner statistics.

use std::time::Duration;

use actix_web::web;

use crate::state::AppState;

/// Prunes once an hour, until the process ends.
pub fn spawn(state: web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            let at = state.clock.now();
            if let Err(error) = state.db.write(move |c| crate::idempotency::store::prune(c, at)).await {
                tracing::warn!(%error, "could not prune expired idempotency keys");
            }
            let before = at - state.webhooks.retention_chrono();
            if let Err(error) = state.db.write(move |c| crate::webhooks::deliveries::prune(c, before)).await {
                tracing::warn!(%error, "could not prune old webhook deliveries");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
            if let Err(error) = state.db.run(crate::db::dispatch::optimize).await {
                tracing::warn!(%error, "could not refresh the planner's statistics");
            }
        }
    });
}
