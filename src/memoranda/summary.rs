//! What a consignee's response says about its memoranda: those in force today and any
//! required clause they miss. Two queries for any number of consignees.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::MemorandumStatus;
use super::model::MemorandumRow;
use crate::clause_templates::store as templates;
use crate::db::schema::memoranda as m;
use crate::db::DbConnection;
use crate::error::ApiError;

/// A memorandum in force today, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40", "title": "個人情報の取扱いに関する覚書",
    "expires_on": "2027-03-31", "current_term_ends_on": "2027-03-31"}))]
pub struct MemorandumInForce {
    /// Memorandum id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Last day of the first term (absent: open-ended).
    pub expires_on: Option<NaiveDate>,
    /// For auto-renewing memoranda, the end of the running term.
    pub current_term_ends_on: Option<NaiveDate>,
}

/// The consignee's memoranda on today's date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"in_force": [{"id": "01a21e05-6b1c-7d3e-9a4f-2b8c7d6e5f40",
    "title": "個人情報の取扱いに関する覚書", "expires_on": "2027-03-31", "current_term_ends_on": "2027-03-31"}],
    "missing_clauses": []}))]
pub struct MemorandaSummary {
    /// Memoranda in force today.
    pub in_force: Vec<MemorandumInForce>,
    /// Required clauses that no memorandum in force includes — judged against the set each was
    /// signed against; every currently required clause when none is in force.
    pub missing_clauses: Vec<String>,
}

/// The summaries of `consignee_ids` on `today`.
pub fn for_consignees(
    conn: &mut DbConnection,
    consignee_ids: &[String],
    today: NaiveDate,
) -> Result<HashMap<String, MemorandaSummary>, ApiError> {
    // Sorted here, not by ORDER BY: that would tempt SQLite's planner (without statistics) to walk
    // every signed memorandum in id order instead of looking up these consignees' own.
    let mut rows: Vec<MemorandumRow> = m::table
        .filter(m::consignee_id.eq_any(consignee_ids))
        .filter(m::status.eq(MemorandumStatus::Signed.as_str()))
        .load(conn)?;
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let required_now = templates::required_codes(conn)?;
    let mut in_force: HashMap<&str, Vec<&MemorandumRow>> = HashMap::new();
    for row in &rows {
        if row.standing(today)?.in_force {
            in_force.entry(row.consignee_id.as_str()).or_default().push(row);
        }
    }
    consignee_ids
        .iter()
        .map(|id| {
            let memoranda = in_force.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
            Ok((id.clone(), summarize(memoranda, &required_now, today)?))
        })
        .collect()
}

fn summarize(rows: &[&MemorandumRow], required_now: &[String], today: NaiveDate) -> Result<MemorandaSummary, ApiError> {
    if rows.is_empty() {
        return Ok(MemorandaSummary { in_force: Vec::new(), missing_clauses: required_now.to_vec() });
    }
    let (mut required, mut included) = (BTreeSet::new(), BTreeSet::new());
    let mut brief = Vec::with_capacity(rows.len());
    for row in rows {
        let input = row.input()?;
        required.extend(row.required_clauses()?.unwrap_or_default());
        included.extend(input.clauses.into_iter().filter(|c| c.included).map(|c| c.code));
        brief.push(MemorandumInForce {
            id: crate::db::stored_id(&row.id)?,
            title: input.title,
            expires_on: input.expires_on,
            current_term_ends_on: row.standing(today)?.current_term_ends_on,
        });
    }
    let missing_clauses = required.difference(&included).cloned().collect();
    Ok(MemorandaSummary { in_force: brief, missing_clauses })
}
