//! Sub-consignments: a consignee's own subcontractors for an entrustment, with the company's consent.

pub mod api;
pub mod handlers;
pub mod store;

/// Registers the sub-consignment routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create).service(handlers::list).service(handlers::get).service(handlers::update);
}
