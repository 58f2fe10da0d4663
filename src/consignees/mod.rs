//! The consignee register: the outside processors that handle the company's personal data.

pub mod api;
pub mod csv;
pub mod handlers;
pub mod import;
pub mod model;
pub mod patch;
pub mod scope;
pub mod status;
pub mod store;
pub mod sync;
pub mod view;
pub mod view_cache;

/// Registers the consignee routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::import)
        .service(sync::sync)
        .service(handlers::create)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::update)
        .service(handlers::change_status)
        .service(handlers::remove);
}
