//! HTTP plumbing shared by every resource: bodies, pagination, conditional requests, fallbacks, CSV.

pub mod body;
pub mod conditional;
pub mod csv;
pub mod extractors;
pub mod fallback;
pub mod headers;
pub mod normalize;
pub mod pagination;
pub mod patch;
pub mod request_id;
pub mod route_table;
