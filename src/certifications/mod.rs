//! Certifications a consignee holds (Privacy Mark, ISO/IEC 27001…), with the certificate document.

pub mod api;
pub mod document_handlers;
pub mod handlers;
pub mod model;
pub mod patch;
pub mod store;

/// Registers the certification routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list_for_consignee)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(document_handlers::upload)
        .service(document_handlers::download);
}
