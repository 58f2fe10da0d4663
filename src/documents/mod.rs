//! Uploaded documents (signed memoranda, review evidence, certificates, incident reports): one
//! storage module and one behaviour for every upload and download endpoint.
//!
//! The bytes live in the database in 1 MiB chunks, so several nodes on one PostgreSQL see the
//! same files and the embedded SQLite default needs no second store; uploads and downloads move
//! one chunk at a time through the blocking pool.

pub mod api;
pub mod endpoint;
pub mod kind;
pub mod receive;
pub mod send;
pub mod store;
