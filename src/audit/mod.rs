//! The audit trail: an append-only, hash-chained record of every change.

pub mod api;
pub mod chain;
mod export;
pub mod handlers;
pub mod model;
pub mod record;
pub mod store;
pub mod verify;

pub use record::{append, diff, Change};

/// Registers the audit routes (literal paths before parameterised ones).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::export_events)
        .service(handlers::list_events)
        .service(handlers::verify)
        .service(handlers::redact)
        .service(handlers::consignee_history);
}
