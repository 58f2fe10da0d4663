//! Findings of supervision reviews and their corrective actions, followed to closure.

pub mod api;
pub mod handlers;
pub mod model;
pub mod patch;
pub mod rules;
pub mod store;
pub mod summary;

/// Registers the finding routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list_for_review)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update);
}
