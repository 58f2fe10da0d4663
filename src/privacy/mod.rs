//! The registry's own personal data: erasing a person on request from every table the database's
//! catalog lists, with what needs review (names inside free text) and what is withheld (a
//! retention duty, or a place [`kept::KEPT`] names).

pub mod api;
pub mod handlers;
pub mod kept;
pub mod person;
mod scan;
pub mod store;
