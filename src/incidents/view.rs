//! Incidents as the API shows them: derived standing, follow-up review and documents, read a
//! fixed number of queries for any number of incidents.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::api::{FollowUpReview, Incident};
use super::deadlines::Standing;
use super::model::{IncidentRow, Judging};
use super::{impact, store};
use crate::db::schema::{data_categories as dc, reviews as r};
use crate::db::DbConnection;
use crate::documents::store::DocumentRow;
use crate::error::ApiError;
use crate::http::conditional::Tag;
use crate::state::Supervision;

/// The codes of the sensitive categories (one query).
pub fn sensitive_codes(conn: &mut DbConnection) -> Result<HashSet<String>, ApiError> {
    Ok(dc::table.filter(dc::sensitive.eq(true)).select(dc::code).load::<String>(conn)?.into_iter().collect())
}

/// The derived standing of one incident.
pub fn standing_of(conn: &mut DbConnection, row: &IncidentRow, supervision: Supervision) -> Result<Standing, ApiError> {
    let sensitive = sensitive_codes(conn)?;
    row.standing(&Judging::on(&sensitive, &supervision.compliance()))
}

fn follow_ups(conn: &mut DbConnection, rows: &[IncidentRow]) -> Result<HashMap<String, Option<NaiveDate>>, ApiError> {
    let ids: Vec<String> = rows.iter().filter_map(|row| row.review_id.clone()).collect();
    let found: Vec<(String, Option<NaiveDate>)> =
        r::table.filter(r::id.eq_any(ids)).select((r::id, r::scheduled_for)).load(conn)?;
    Ok(found.into_iter().collect())
}

/// Each incident with its standing (judged as given), follow-up review and documents, and its
/// ETag; the impact is left out (see [`present_one`]).
pub fn present(conn: &mut DbConnection, rows: Vec<(IncidentRow, Standing)>) -> Result<Vec<(Incident, Tag)>, ApiError> {
    let plain: Vec<IncidentRow> = rows.iter().map(|(row, _)| row.clone()).collect();
    let reviews = follow_ups(conn, &plain)?;
    let ids: Vec<String> = plain.iter().map(|row| row.id.clone()).collect();
    let mut documents: HashMap<String, Vec<DocumentRow>> = HashMap::new();
    for (incident_id, document) in store::documents_of(conn, &ids)? {
        documents.entry(incident_id).or_default().push(document);
    }
    rows.into_iter()
        .map(|(row, standing)| {
            let follow_up = match &row.review_id {
                Some(id) => Some(FollowUpReview {
                    id: crate::db::stored_id(id)?,
                    scheduled_for: reviews.get(id).copied().flatten(),
                    scheduled_by_incident: row.review_scheduled,
                }),
                None => None,
            };
            let docs = documents.remove(&row.id).unwrap_or_default();
            let docs = docs.iter().map(DocumentRow::to_api).collect::<Result<Vec<_>, _>>()?;
            let tag = Tag::derived(row.version, &standing);
            Ok((row.to_api(standing, follow_up, docs)?, tag))
        })
        .collect()
}

/// One incident with everything, including its impact; the ETag covers the derived parts.
pub fn present_one(
    conn: &mut DbConnection,
    row: IncidentRow,
    supervision: Supervision,
) -> Result<(Incident, Tag), ApiError> {
    let standing = standing_of(conn, &row, supervision)?;
    let impact = impact::of(conn, &row, supervision)?;
    let (mut incident, _) = present(conn, vec![(row, standing.clone())])?
        .pop()
        .ok_or_else(|| ApiError::internal("a presented incident vanished"))?;
    let tag = Tag::derived(incident.version, &(&standing, &impact, &incident.follow_up_review));
    incident.impact = Some(impact);
    Ok((incident, tag))
}
