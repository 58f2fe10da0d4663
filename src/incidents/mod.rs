//! Incidents at consignees: breach records with APPI Art. 26 reporting deadlines, the report to
//! the PPC, and the questions the privacy office asks first.

pub mod api;
pub mod deadlines;
pub mod document_handlers;
pub mod handlers;
pub mod impact;
pub mod model;
pub mod patch;
pub mod ppc;
pub mod rules;
pub mod store;
pub mod view;

/// Registers the incident routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list_for_consignee)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::close)
        .service(handlers::ppc_report)
        .service(document_handlers::upload)
        .service(document_handlers::download);
}
