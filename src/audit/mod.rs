//! The audit trail: an append-only, hash-chained record of every change.

pub mod api;
pub mod chain;
pub mod checkpoint;
pub mod checkpoint_api;
pub mod checkpoint_checks;
mod checkpoint_handlers;
pub mod export;
pub mod handlers;
pub mod keyring;
pub mod model;
pub mod record;
pub mod signing;
pub mod store;
pub mod verify;

pub use record::{append, diff, Change};

/// Registers the audit routes (literal paths before parameterised ones).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::export_events)
        .service(handlers::list_events)
        .service(handlers::verify)
        .service(checkpoint_handlers::create_checkpoint)
        .service(checkpoint_handlers::list_checkpoints)
        .service(checkpoint_handlers::get_checkpoint)
        .service(checkpoint_handlers::list_public_keys)
        .service(handlers::redact)
        .service(handlers::consignee_history);
}
