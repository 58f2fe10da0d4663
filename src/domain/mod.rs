//! Value types of the domain that can only exist valid.

pub mod code;
pub mod corporate_number;
pub mod country;
pub mod search;
