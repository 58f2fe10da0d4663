//! The event feed: a domain event for every audited change to the register, written in the same
//! transaction, and scheduled events for what time brings (a memorandum expiring, a review
//! overdue), each announced once.

pub mod api;
pub mod handlers;
pub mod schedule;
pub mod snapshot;
pub mod store;

/// Registers the feed's routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list);
}
