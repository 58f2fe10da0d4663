//! Who may do what: the one permission table.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A caller's role; each role holds every right of the roles before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[schema(example = "procurement")]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
pub enum Role {
    /// Reads the register (not the audit trail).
    Viewer,
    /// Creates and changes consignees and their records (not their status).
    Procurement,
    /// Decides consignee status, reviews and findings; reads the audit trail.
    PrivacyOfficer,
    /// Everything, plus taxonomy, templates, token revocation and audit verification.
    Admin,
}

impl Role {
    /// The role named by a token's `role` claim.
    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    /// The claim value of this role.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Procurement => "procurement",
            Self::PrivacyOfficer => "privacy_officer",
            Self::Admin => "admin",
        }
    }
}

/// Something a handler does that not every role may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(example = "edit_register")]
pub enum Permission {
    /// Read consignees and their records.
    ReadRegister,
    /// Create, change and delete register records (not consignee status).
    EditRegister,
    /// Move a consignee between statuses.
    DecideConsigneeStatus,
    /// Record supervision reviews and their findings.
    Supervise,
    /// Read the audit trail and a consignee's history.
    ReadAudit,
    /// Revoke tokens, verify and redact the audit trail.
    Administer,
}

/// The least role holding each permission.
pub const PERMISSIONS: &[(Permission, Role)] = &[
    (Permission::ReadRegister, Role::Viewer),
    (Permission::EditRegister, Role::Procurement),
    (Permission::DecideConsigneeStatus, Role::PrivacyOfficer),
    (Permission::Supervise, Role::PrivacyOfficer),
    (Permission::ReadAudit, Role::PrivacyOfficer),
    (Permission::Administer, Role::Admin),
];

impl Permission {
    /// The least role that holds this permission.
    pub fn least_role(self) -> Role {
        PERMISSIONS.iter().find(|(p, _)| *p == self).map_or(Role::Admin, |(_, role)| *role)
    }

    /// The permission a scope of the OpenAPI document's bearer scheme names (`edit_register`).
    pub fn from_scope(scope: &str) -> Option<Self> {
        PERMISSIONS.iter().map(|(p, _)| *p).find(|p| p.as_str() == scope)
    }

    /// The name of this permission, as operations name it in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadRegister => "read_register",
            Self::EditRegister => "edit_register",
            Self::DecideConsigneeStatus => "decide_consignee_status",
            Self::Supervise => "supervise",
            Self::ReadAudit => "read_audit",
            Self::Administer => "administer",
        }
    }

    /// Whether `role` holds this permission.
    pub fn granted_to(self, role: Role) -> bool {
        role >= self.least_role()
    }
}

/// Every permission `role` holds.
pub fn permissions_of(role: Role) -> Vec<Permission> {
    PERMISSIONS.iter().filter(|(p, _)| p.granted_to(role)).map(|(p, _)| *p).collect()
}
