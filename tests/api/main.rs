//! Black-box tests: real HTTP against an app started in-process on its own database
//! (SQLite by default, PostgreSQL when `TEST_DATABASE_URL` says so).

mod helpers;

mod audit;
mod auth;
mod checkpoints;
mod consignees;
mod consignees_list;
mod conventions;
mod exports;
mod failures;
mod health;
mod migrations;
mod openapi;
mod role_matrix;
mod security;
mod status;
