//! Reports across consignees: compliance (JSON pages or streamed CSV), the dashboard summary,
//! the daily trend and the entrustment ledger.

pub mod api;
pub mod compliance;
pub mod handlers;
pub mod ledger;
pub mod summary;

/// Registers the report routes (literal paths before any `{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::compliance_trend)
        .service(handlers::compliance_report)
        .service(handlers::summary_report)
        .service(handlers::ledger);
}
