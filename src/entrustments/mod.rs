//! Entrustments: which data categories each consignee processes, for what, under which memorandum.

pub mod api;
pub mod certificate_handlers;
pub mod handlers;
pub mod holders;
pub mod holding;
pub mod model;
pub mod patch;
pub mod rules;
pub mod store;
pub mod view;

/// Registers the entrustment routes and the holders query.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create)
        .service(handlers::list_for_consignee)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::end)
        .service(handlers::confirm_deletion)
        .service(certificate_handlers::upload)
        .service(certificate_handlers::download)
        .service(holders::list);
}
