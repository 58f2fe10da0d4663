//! The data category taxonomy: what kinds of personal data the company entrusts.

pub mod api;
pub mod handlers;
pub mod store;

/// Registers the data category routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list).service(handlers::create).service(handlers::get).service(handlers::update);
}
