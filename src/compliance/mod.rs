//! Compliance: each consignee's standing derived from its records by a table of rules, with the
//! reason for every failure.

pub mod api;
pub mod evaluate;
pub mod facts;
pub mod handlers;
pub mod rules;
pub mod scan;
pub mod snapshot;

/// Registers the compliance routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::get);
}
