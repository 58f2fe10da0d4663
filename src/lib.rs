//! consignee-registry: supervise the outside processors that handle a company's personal data.

pub mod audit;
pub mod auth;
pub mod certifications;
pub mod clause_templates;
pub mod clock;
pub mod config;
pub mod consignees;
pub mod data_categories;
pub mod db;
pub mod documents;
pub mod domain;
pub mod entrustments;
pub mod error;
pub mod findings;
pub mod health;
pub mod http;
pub mod memoranda;
pub mod openapi;
pub mod private_files;
pub mod review_checklist;
pub mod reviews;
pub mod startup;
pub mod state;
pub mod sub_consignments;
pub mod telemetry;
pub mod validation;
