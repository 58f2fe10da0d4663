//! Consignees as CSV: the export of the list, in the columns the import reads back.

use super::api::{Consignee, ConsigneeQuery};
use crate::compliance::rules::Context;
use crate::compliance::scan::BATCH;
use crate::http::csv::{cell, name, next_key, Export, Paged};

/// The columns of a consignee export; the import reads the writable ones back by name.
pub const HEADER: [&str; 16] = [
    "id",
    "legal_name",
    "name_kana",
    "name_en",
    "corporate_number",
    "country",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "risk_tier",
    "notes",
    "status",
    "compliance_status",
    "created_at",
    "updated_at",
];

fn row(consignee: &Consignee) -> Vec<String> {
    let contact = consignee.contact.clone().unwrap_or_default();
    vec![
        consignee.id.to_string(),
        consignee.legal_name.clone(),
        cell(&consignee.name_kana),
        cell(&consignee.name_en),
        cell(&consignee.corporate_number),
        consignee.country.clone(),
        cell(&consignee.address),
        cell(&contact.name),
        cell(&contact.email),
        cell(&contact.phone),
        name(&consignee.risk_tier),
        cell(&consignee.notes),
        name(&consignee.status),
        name(&consignee.compliance_status),
        consignee.created_at.to_rfc3339(),
        consignee.updated_at.to_rfc3339(),
    ]
}

/// The consignees the list's filters select, as CSV, a batch at a time.
pub fn export(query: ConsigneeQuery, ctx: Context) -> impl Export {
    Paged::new(&HEADER, move |conn, after| {
        let page = super::handlers::page_of(conn, &query, after.map(str::to_owned), BATCH - 1, &ctx, None)?;
        let next = next_key(&page, BATCH, |(c, _)| c.id.to_string());
        Ok((page.iter().map(|(c, _)| row(c)).collect(), next))
    })
}
