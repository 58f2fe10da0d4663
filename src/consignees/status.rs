//! The consignee status transition table.

use super::api::ConsigneeStatus::{self, *};

/// Every allowed (from, to) pair; `rejected` and `terminated` are final.
pub const TRANSITIONS: &[(ConsigneeStatus, ConsigneeStatus)] = &[
    (Candidate, Approved),
    (Candidate, Rejected),
    (Approved, Suspended),
    (Approved, Terminated),
    (Suspended, Approved),
    (Suspended, Terminated),
];

/// Whether a consignee may move from `from` to `to`.
pub fn allowed(from: ConsigneeStatus, to: ConsigneeStatus) -> bool {
    TRANSITIONS.contains(&(from, to))
}
