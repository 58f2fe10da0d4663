//! Erasing a person's data in one transaction: every table the catalog lists, current records
//! (frozen ones too), kept idempotent responses and audit events; each change audited without the
//! values.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::api::{ErasedRecord, Erasure, ErasureReport, RecordType, ReviewNeeded, WithheldRecord};
use super::person::{Person, ERASED};
use super::scan::{self, Row, Table, Value};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::dispatch::CatalogColumn;
use crate::db::schema::erasures as er;
use crate::db::DbConnection;
use crate::error::ApiError;

/// Columns that hold a person, erased together when one of them holds the person (the person
/// is the field's meaning, so the whole value goes, not only the matched text).
const PERSON_FIELDS: [(&str, &[&str]); 4] = [
    ("consignees", &["contact_name", "contact_email", "contact_phone"]),
    ("entrustments", &["responsible_person"]),
    ("reviews", &["reviewer"]),
    ("sub_consignments", &["consented_by"]),
];

/// JSON arrays of people (each an object), of which the ones holding the person are erased.
const PERSON_LISTS: [(&str, &str); 1] = [("memoranda", "signatories")];

/// The audit events' recorded changes: redacted whole (the chain keeps their hash).
const AUDIT_CHANGES: (&str, &str) = ("audit_events", "changes");

/// One erasure in progress: whose data, what may not be erased, and what was done.
struct Work<'a> {
    id: String,
    person: Person,
    retain: &'a [RecordType],
    caller: &'a Caller,
    at: DateTime<Utc>,
    reference: &'a str,
    changed: Vec<ErasedRecord>,
    needs_review: Vec<ReviewNeeded>,
    withheld: Vec<WithheldRecord>,
}

/// What one row needs: new values, an audit redaction, fields left for review, exceptions met.
#[derive(Default)]
struct RowPlan {
    sets: Vec<(String, Value)>,
    fields: Vec<String>,
    redact: bool,
    review: Vec<String>,
    kept: Vec<String>,
}

impl Work<'_> {
    /// Whether a record of `record_type` may be changed: `false` (and noted as withheld) when one
    /// of `kept_for` (its own type, or what it records) is retained.
    fn may_change(&mut self, record_type: RecordType, record_id: &str, kept_for: &[RecordType]) -> bool {
        let Some(kept) = kept_for.iter().find(|t| self.retain.contains(t)) else { return true };
        let reason =
            format!("a retention duty applies to {} records (CR_ERASURE_RETAIN; GDPR Art. 17(3)(b))", kept.as_str());
        self.withheld.push(WithheldRecord { record_type, record_id: record_id.to_owned(), reason });
        false
    }

    /// Audits the erasure of fields from a record (their names, never their values).
    fn audit(
        &self,
        conn: &mut DbConnection,
        kind: RecordType,
        id: &str,
        consignee: Option<String>,
        fields: &[String],
    ) -> Result<(), ApiError> {
        let changes = json!({ "erasure_id": self.id, "fields": fields });
        audit::append(conn, self.caller, self.at, Change::of(kind.as_str(), id, consignee, "erased", changes))?;
        Ok(())
    }

    fn stamp(&self) -> (NaiveDateTime, &str) {
        (self.at.naive_utc(), &self.caller.sub)
    }

    /// The plan for one row holding the person.
    fn plan(&self, table: &Table, row: &Row) -> RowPlan {
        let mut plan = RowPlan::default();
        for (column, value) in table.text.iter().zip(&row.values) {
            let Some(value) = value.as_deref().filter(|v| self.person.is_in(v)) else { continue };
            let name = column.column_name.as_str();
            if let Some(kept) = table.kept(column, row) {
                plan.kept.push(format!("{name}: {}", kept.reason));
            } else if (table.name.as_str(), name) == AUDIT_CHANGES {
                plan.redact = true;
                plan.fields.push(name.to_owned());
            } else if let Some(group) = person_group(&table.name, name) {
                self.erase_person(table, row, group, &mut plan);
            } else if let Some(list) = self.erase_from_list(&table.name, name, value) {
                plan.fields.extend(list.1);
                plan.sets.push((name.to_owned(), Value::Text(Some(list.0))));
            } else {
                self.clean_text(name, value, &mut plan);
            }
        }
        plan
    }

    /// Empties every column of a person field group (`[erased]` where a value is required).
    fn erase_person(&self, table: &Table, row: &Row, group: &[&str], plan: &mut RowPlan) {
        for (column, value) in table.text.iter().zip(&row.values) {
            let name = column.column_name.as_str();
            if !group.contains(&name) || value.is_none() || plan.sets.iter().any(|(c, _)| c == name) {
                continue;
            }
            let erased = (column.not_null).then(|| ERASED.to_owned());
            plan.sets.push((name.to_owned(), Value::Text(erased)));
            plan.fields.push(name.to_owned());
        }
    }

    /// A JSON list of people with each one that holds the person erased (an entry that is text
    /// becomes `[erased]`; in an object, the name and every member holding them): the new text
    /// and the fields.
    fn erase_from_list(&self, table: &str, column: &str, text: &str) -> Option<(String, Vec<String>)> {
        if !PERSON_LISTS.contains(&(table, column)) {
            return None;
        }
        let mut list: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
        let mut fields = Vec::new();
        let holds = |v: &serde_json::Value| v.as_str().is_some_and(|s| self.person.is_in(s));
        for (i, entry) in list.iter_mut().enumerate() {
            if holds(entry) {
                *entry = json!(ERASED);
            } else if let Some(members) = entry.as_object_mut().filter(|m| m.values().any(holds)) {
                for (key, member) in members.iter_mut() {
                    if key == "name" || holds(member) {
                        *member = json!(ERASED);
                    }
                }
            } else {
                continue;
            }
            fields.push(format!("{column}[{i}]"));
        }
        let rest = serde_json::to_string(&list).ok()?;
        // Anything left (deeper in an entry) is free text.
        (!fields.is_empty() && !self.person.is_in(&rest)).then_some((rest, fields))
    }

    /// Free text: the e-mail replaced, a name inside other words left for review.
    fn clean_text(&self, column: &str, value: &str, plan: &mut RowPlan) {
        let cleaned = self.person.clean(value);
        if self.person.name_in(&cleaned) {
            plan.review.push(column.to_owned());
        }
        if cleaned != value {
            plan.sets.push((column.to_owned(), Value::Text(Some(cleaned))));
            plan.fields.push(column.to_owned());
        }
    }
}

/// The person field group `column` of `table` belongs to.
fn person_group(table: &str, column: &str) -> Option<&'static [&'static str]> {
    PERSON_FIELDS.iter().find(|(t, columns)| *t == table && columns.contains(&column)).map(|(_, columns)| *columns)
}

/// Erases the person's e-mail and name (as `reference` asks) wherever they are held, except in
/// the record types `retain` keeps and the places [`super::kept::KEPT`] names; answers what
/// changed, what still needs review and what was withheld.
pub fn erase(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    reference: &str,
    person: Person,
    retain: &[RecordType],
) -> Result<ErasureReport, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let mut work = Work {
        id,
        person,
        retain,
        caller,
        at,
        reference,
        changed: Vec::new(),
        needs_review: Vec::new(),
        withheld: Vec::new(),
    };
    for table in scan::tables(conn)? {
        for row in table.rows_holding(conn, &work.person)? {
            erase_row(conn, &mut work, &table, &row)?;
        }
        for column in &table.binary {
            erase_bytes(conn, &mut work, &table, column)?;
        }
    }
    record(conn, work)
}

/// The record type of a table that holds the person; a table no record type names is an error,
/// so a new table cannot hold a person unnoticed (the erasure test plants one in every table).
fn record_type(table: &Table) -> Result<RecordType, ApiError> {
    RecordType::of_table(&table.name)
        .ok_or_else(|| ApiError::internal(format!("table {} holds the person but no record type names it", table.name)))
}

fn erase_row(conn: &mut DbConnection, work: &mut Work, table: &Table, row: &Row) -> Result<(), ApiError> {
    let kind = record_type(table)?;
    let record_id = Table::record_id(&row.key);
    let plan = work.plan(table, row);
    for reason in plan.kept {
        work.withheld.push(WithheldRecord { record_type: kind, record_id: record_id.clone(), reason });
    }
    if plan.fields.is_empty() && plan.review.is_empty() {
        return Ok(());
    }
    let owner = table.text.iter().zip(&row.values).find(|(c, _)| c.column_name == "resource_type");
    let owner = owner.and_then(|(_, v)| v.as_deref()).and_then(RecordType::of_resource);
    let kept_for: Vec<RecordType> =
        [Some(kind), owner.filter(|_| kind == RecordType::AuditEvent)].into_iter().flatten().collect();
    if !work.may_change(kind, &record_id, &kept_for) {
        return Ok(());
    }
    if !plan.review.is_empty() {
        work.needs_review.push(ReviewNeeded { record_type: kind, record_id: record_id.clone(), fields: plan.review });
    }
    if plan.fields.is_empty() {
        return Ok(());
    }
    if !plan.sets.is_empty() {
        table.update(conn, &row.key, &plan.sets, work.stamp())?;
        let fields: Vec<String> = plan.sets.iter().map(|(c, _)| c.clone()).collect();
        work.audit(conn, kind, &record_id, row.consignee.clone(), &fields)?;
    }
    if plan.redact {
        let seq = record_id.parse().map_err(ApiError::internal)?;
        let reason = format!("erasure {} ({})", work.id, work.reference);
        audit::store::redact(conn, work.caller, work.at, seq, &reason)?;
    }
    work.changed.push(ErasedRecord { record_type: kind, record_id, fields: plan.fields });
    Ok(())
}

/// Bytes that are text (kept responses are JSON) are cleaned like free text.
fn erase_bytes(
    conn: &mut DbConnection,
    work: &mut Work,
    table: &Table,
    column: &CatalogColumn,
) -> Result<(), ApiError> {
    for (key, bytes) in table.bytes(conn, column)? {
        let Some(text) = String::from_utf8(bytes).ok().filter(|t| work.person.is_in(t)) else { continue };
        let (kind, record_id) = (record_type(table)?, Table::record_id(&key));
        if !work.may_change(kind, &record_id, &[kind]) {
            continue;
        }
        let mut plan = RowPlan::default();
        work.clean_text(&column.column_name, &text, &mut plan);
        if !plan.review.is_empty() {
            work.needs_review.push(ReviewNeeded {
                record_type: kind,
                record_id: record_id.clone(),
                fields: plan.review,
            });
        }
        let Some((_, Value::Text(Some(cleaned)))) = plan.sets.pop() else { continue };
        let sets = [(column.column_name.clone(), Value::Bytes(cleaned.into_bytes()))];
        table.update(conn, &key, &sets, work.stamp())?;
        work.audit(conn, kind, &record_id, None, &plan.fields)?;
        work.changed.push(ErasedRecord { record_type: kind, record_id, fields: plan.fields });
    }
    Ok(())
}

fn counts(kinds: impl Iterator<Item = RecordType>) -> BTreeMap<RecordType, i64> {
    kinds.fold(BTreeMap::new(), |mut counts, kind| {
        *counts.entry(kind).or_insert(0) += 1;
        counts
    })
}

/// Stores the erasure (reference and counts only) and audits it.
fn record(conn: &mut DbConnection, work: Work) -> Result<ErasureReport, ApiError> {
    let reference = work.reference;
    let erased = counts(work.changed.iter().map(|r| r.record_type));
    let withheld = counts(work.withheld.iter().map(|r| r.record_type));
    let summary = json!({ "erased": erased, "withheld": withheld });
    diesel::insert_into(er::table)
        .values((
            er::id.eq(&work.id),
            er::reference.eq(reference),
            er::erased_at.eq(work.at.naive_utc()),
            er::erased_by.eq(&work.caller.sub),
            er::counts.eq(summary.to_string()),
        ))
        .execute(conn)?;
    let changes = json!({ "reference": reference, "erased": erased, "withheld": withheld });
    audit::append(conn, work.caller, work.at, Change::of("erasure", work.id.clone(), None, "created", changes))?;
    let erasure = Erasure {
        id: work.id,
        reference: reference.to_owned(),
        erased_at: work.at,
        erased_by: work.caller.sub.clone(),
        erased,
        withheld,
    };
    Ok(ErasureReport { erasure, changed: work.changed, needs_review: work.needs_review, withheld: work.withheld })
}

type ErasureRow = (String, String, NaiveDateTime, String, String);

fn to_api(row: ErasureRow) -> Result<Erasure, ApiError> {
    let (id, reference, erased_at, erased_by, counts) = row;
    let counts: serde_json::Value = serde_json::from_str(&counts).map_err(ApiError::internal)?;
    let of = |key: &str| serde_json::from_value(counts[key].clone()).map_err(ApiError::internal);
    Ok(Erasure {
        id,
        reference,
        erased_at: erased_at.and_utc(),
        erased_by,
        erased: of("erased")?,
        withheld: of("withheld")?,
    })
}

const COLUMNS: (er::id, er::reference, er::erased_at, er::erased_by, er::counts) =
    (er::id, er::reference, er::erased_at, er::erased_by, er::counts);

/// One stored erasure.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Erasure, ApiError> {
    let row: ErasureRow = er::table.select(COLUMNS).find(id).first(conn)?;
    to_api(row)
}

/// Up to `limit` stored erasures after the cursor id, oldest first.
pub fn list(conn: &mut DbConnection, after: String, limit: i64) -> Result<Vec<Erasure>, ApiError> {
    let rows: Vec<ErasureRow> =
        er::table.select(COLUMNS).filter(er::id.gt(after)).order(er::id.asc()).limit(limit).load(conn)?;
    rows.into_iter().map(to_api).collect()
}
