//! Protection memoranda: the signed agreement with each consignee, its required clauses and
//! the signed document.

pub mod api;
pub mod csv;
pub mod document_handlers;
pub mod handlers;
pub mod model;
pub mod patch;
pub mod rules;
pub mod store;
pub mod summary;
pub mod sync;
pub mod terms;
pub mod view;

/// Registers the memorandum routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(sync::sync)
        .service(handlers::create)
        .service(handlers::list_for_consignee)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::sign)
        .service(handlers::terminate)
        .service(document_handlers::upload)
        .service(document_handlers::download);
}
