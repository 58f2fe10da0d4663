//! The supervision review checklist, kept as data an admin maintains.

pub mod api;
pub mod handlers;
pub mod store;

/// Registers the checklist routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list).service(handlers::create).service(handlers::get).service(handlers::update);
}
