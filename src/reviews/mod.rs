//! Supervision reviews: selection before approval, periodic checks on a schedule, ad-hoc checks.

pub mod api;
pub mod csv;
pub mod document_handlers;
pub mod due;
pub mod gate;
pub mod handlers;
pub mod model;
pub mod patch;
pub mod rules;
pub mod schedule;
pub mod store;

/// Registers the review routes (the literal `/reviews/due` before `/reviews/{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::due)
        .service(handlers::create)
        .service(handlers::list_for_consignee)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::complete)
        .service(document_handlers::upload)
        .service(document_handlers::download);
}
