//! HTTP plumbing shared by every resource: bodies, pagination, conditional requests, fallbacks.

pub mod body;
pub mod conditional;
pub mod extractors;
pub mod fallback;
pub mod pagination;
pub mod patch;
