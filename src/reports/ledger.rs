//! The ledger: one row per entrustment with its consignee and memorandum — the consignment side of
//! a Privacy Mark personal-information ledger and the recipients part of a GDPR Art. 30 record.

use std::collections::HashMap;

use diesel::prelude::*;

use super::api::LedgerEntry;
use crate::consignees::scope::CsvFormat;
use crate::db::schema::{consignees as c, memoranda as m};
use crate::db::DbConnection;
use crate::entrustments::model::EntrustmentRow;
use crate::entrustments::store;
use crate::error::ApiError;
use crate::http::csv::cell;

/// The ledger entries of `rows` (three queries for any number of them).
pub fn entries(conn: &mut DbConnection, rows: Vec<EntrustmentRow>) -> Result<Vec<LedgerEntry>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let consignee_ids: Vec<String> = rows.iter().map(|r| r.consignee_id.clone()).collect();
    let memorandum_ids: Vec<String> = rows.iter().map(|r| r.memorandum_id.clone()).collect();
    let mut categories = store::categories_of(conn, &ids)?;
    let consignees: HashMap<String, (String, Option<String>, String)> = c::table
        .filter(c::id.eq_any(&consignee_ids))
        .select((c::id, (c::legal_name, c::corporate_number, c::country)))
        .load(conn)?
        .into_iter()
        .collect();
    let titles: HashMap<String, String> =
        m::table.filter(m::id.eq_any(&memorandum_ids)).select((m::id, m::title)).load(conn)?.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let input = row.input(categories.remove(&row.id).unwrap_or_default())?;
            let (name, number, country) = consignees.get(&row.consignee_id).cloned().unwrap_or_default();
            Ok(LedgerEntry {
                entrustment_id: crate::db::stored_id(&row.id)?,
                consignee_id: crate::db::stored_id(&row.consignee_id)?,
                consignee_name: name,
                corporate_number: number,
                consignee_country: country,
                categories: input.categories,
                purpose: input.purpose,
                data_subjects: input.data_subjects,
                approx_records: input.approx_records,
                memorandum_id: input.memorandum_id,
                memorandum_title: titles.get(&row.memorandum_id).cloned().unwrap_or_default(),
                cross_border: input.cross_border,
                responsible_department: input.responsible_department,
                responsible_person: input.responsible_person,
                started_on: input.started_on,
                ended_on: row.ended_on,
                deletion_confirmed_on: row.deletion_confirmed_on,
            })
        })
        .collect()
}

const HEADER: [&str; 17] = [
    "entrustment_id",
    "consignee_id",
    "consignee_name",
    "corporate_number",
    "consignee_country",
    "categories",
    "purpose",
    "data_subjects",
    "approx_records",
    "memorandum_id",
    "memorandum_title",
    "cross_border",
    "responsible_department",
    "responsible_person",
    "started_on",
    "ended_on",
    "deletion_confirmed_on",
];

fn row(entry: &LedgerEntry) -> Vec<String> {
    let transfers: Vec<String> = entry
        .cross_border
        .iter()
        .map(|t| {
            format!(
                "{} ({})",
                t.country,
                serde_json::to_value(t.basis).ok().and_then(|b| b.as_str().map(str::to_owned)).unwrap_or_default()
            )
        })
        .collect();
    vec![
        entry.entrustment_id.to_string(),
        entry.consignee_id.to_string(),
        entry.consignee_name.clone(),
        cell(&entry.corporate_number),
        entry.consignee_country.clone(),
        entry.categories.join(" "),
        entry.purpose.clone(),
        entry.data_subjects.join("; "),
        cell(&entry.approx_records),
        entry.memorandum_id.to_string(),
        entry.memorandum_title.clone(),
        transfers.join("; "),
        cell(&entry.responsible_department),
        cell(&entry.responsible_person),
        entry.started_on.to_string(),
        cell(&entry.ended_on),
        cell(&entry.deletion_confirmed_on),
    ]
}

/// The ledger as CSV.
pub const FORMAT: CsvFormat<LedgerEntry> =
    CsvFormat { filename: "ledger.csv", header: &HEADER, key: |e| e.entrustment_id.to_string(), row };
