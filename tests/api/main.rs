//! Black-box tests: real HTTP against an app started in-process on its own database
//! (SQLite by default, PostgreSQL when `TEST_DATABASE_URL` says so).

mod helpers;

mod approval_gate;
mod audit;
mod auth;
mod backup;
mod certifications;
mod checkpoints;
mod clause_templates;
mod compliance;
mod consignees;
mod consignees_list;
mod conventions;
mod crash;
mod data_categories;
mod documents;
mod entrustments;
mod events;
mod exports;
mod failures;
mod findings;
mod hardening;
mod health;
mod holders;
mod idempotency;
mod idempotency_crash;
mod imports;
mod incidents;
mod memoranda;
mod memoranda_dates;
mod metrics;
mod migrations;
mod openapi;
mod privacy;
mod properties;
mod query_counts;
mod reports;
mod review_schedule;
mod reviews;
mod role_matrix;
mod security;
mod seed;
mod status;
mod sync;
mod webhooks;
