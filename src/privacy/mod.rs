//! The registry's own personal data: erasing a person (contact, signatory, reviewer, responsible
//! person) on request, with what is withheld under a retention duty.

pub mod api;
pub mod handlers;
pub mod kept;
pub mod person;
mod scan;
pub mod store;
