//! Erasing a person's data in one transaction: current records (frozen ones too), kept
//! idempotent responses and audit events; each change audited without the values.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use serde_json::json;

use super::api::{ErasedRecord, Erasure, ErasureReport, RecordType, WithheldRecord};
use super::person::{Person, ERASED};
use crate::audit::{self, Change};
use crate::auth::Caller;
use crate::db::schema::{
    audit_events as ae, consignees as c, entrustments as en, erasures as er, idempotency_keys as ik, memoranda as m,
    reviews as rv,
};
use crate::db::DbConnection;
use crate::error::ApiError;

diesel::define_sql_function!(fn lower(x: Nullable<Text>) -> Nullable<Text>);

/// One erasure in progress: whose data, what may not be erased, and what was done.
struct Work<'a> {
    id: String,
    person: Person,
    retain: &'a [RecordType],
    caller: &'a Caller,
    at: DateTime<Utc>,
    changed: Vec<ErasedRecord>,
    withheld: Vec<WithheldRecord>,
}

impl Work<'_> {
    /// Notes a record holding the person's data: `true` to erase it, `false` when withheld
    /// because one of `kept_for` (its own type, or what it records) is retained.
    fn take(&mut self, record_type: RecordType, record_id: &str, fields: Vec<String>, kept_for: &[RecordType]) -> bool {
        let record_id = record_id.to_owned();
        if let Some(kept) = kept_for.iter().find(|t| self.retain.contains(t)) {
            let reason = format!(
                "a retention duty applies to {} records (CR_ERASURE_RETAIN; GDPR Art. 17(3)(b))",
                kept.as_str()
            );
            self.withheld.push(WithheldRecord { record_type, record_id, reason });
            return false;
        }
        self.changed.push(ErasedRecord { record_type, record_id, fields });
        true
    }

    /// Audits the erasure of fields from a record (their names, never their values).
    fn audit(
        &self,
        conn: &mut DbConnection,
        kind: RecordType,
        id: &str,
        consignee: Option<String>,
    ) -> Result<(), ApiError> {
        let fields = self.changed.last().map(|r| r.fields.clone()).unwrap_or_default();
        let changes = json!({ "erasure_id": self.id, "fields": fields });
        audit::append(conn, self.caller, self.at, Change::of(kind.as_str(), id, consignee, "erased", changes))?;
        Ok(())
    }

    fn stamp(&self) -> (NaiveDateTime, String) {
        (self.at.naive_utc(), self.caller.sub.clone())
    }
}

/// Erases the person's e-mail and name (as `reference` asks) wherever they are held, except in
/// the record types `retain` keeps; answers what changed and what was withheld.
pub fn erase(
    conn: &mut DbConnection,
    caller: &Caller,
    at: DateTime<Utc>,
    reference: &str,
    person: Person,
    retain: &[RecordType],
) -> Result<ErasureReport, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let mut work = Work { id, person, retain, caller, at, changed: Vec::new(), withheld: Vec::new() };
    consignees(conn, &mut work)?;
    memoranda(conn, &mut work)?;
    entrustments(conn, &mut work)?;
    reviews(conn, &mut work)?;
    idempotent_responses(conn, &mut work)?;
    audit_events(conn, &mut work, reference)?;
    record(conn, work, reference)
}

/// A consignee's id and contact person: name, e-mail, phone.
type ContactRow = (String, Option<String>, Option<String>, Option<String>);

fn consignees(conn: &mut DbConnection, work: &mut Work) -> Result<(), ApiError> {
    let email = work.person.email().unwrap_or_default().to_owned();
    let name = work.person.name().unwrap_or_default().to_owned();
    let rows: Vec<ContactRow> = c::table
        .select((c::id, c::contact_name, c::contact_email, c::contact_phone))
        .filter(lower(c::contact_email).eq(&email).or(c::contact_name.eq(&name)))
        .load(conn)?;
    for (id, contact_name, contact_email, contact_phone) in rows {
        let is_person =
            work.person.has_email(contact_email.as_deref()) || work.person.has_name(contact_name.as_deref());
        let held =
            [("contact.name", &contact_name), ("contact.email", &contact_email), ("contact.phone", &contact_phone)];
        let fields = held.iter().filter(|(_, v)| v.is_some()).map(|(f, _)| (*f).to_owned()).collect();
        if !is_person || !work.take(RecordType::Consignee, &id, fields, &[RecordType::Consignee]) {
            continue;
        }
        let (at, by) = work.stamp();
        let none = None::<String>;
        diesel::update(c::table.find(&id))
            .set((
                c::contact_name.eq(&none),
                c::contact_email.eq(&none),
                c::contact_phone.eq(&none),
                c::version.eq(c::version + 1),
                c::updated_at.eq(at),
                c::updated_by.eq(by),
            ))
            .execute(conn)?;
        work.audit(conn, RecordType::Consignee, &id, Some(id.clone()))?;
    }
    Ok(())
}

/// Signatories are kept as signed, with the person's name replaced: the memorandum stays whole.
fn memoranda(conn: &mut DbConnection, work: &mut Work) -> Result<(), ApiError> {
    let Some(name) = work.person.name().map(str::to_owned) else { return Ok(()) };
    let rows: Vec<(String, String, String)> = m::table
        .select((m::id, m::consignee_id, m::signatories))
        .filter(m::signatories.like(holds_value(&name)).escape('\\'))
        .load(conn)?;
    for (id, consignee_id, signatories) in rows {
        let mut list: Vec<serde_json::Value> = serde_json::from_str(&signatories).map_err(ApiError::internal)?;
        let mut fields = Vec::new();
        for (i, signatory) in list.iter_mut().enumerate() {
            if work.person.has_name(signatory["name"].as_str()) {
                signatory["name"] = json!(ERASED);
                fields.push(format!("signatories[{i}].name"));
            }
        }
        if fields.is_empty() || !work.take(RecordType::Memorandum, &id, fields, &[RecordType::Memorandum]) {
            continue;
        }
        let (at, by) = work.stamp();
        let signatories = serde_json::to_string(&list).map_err(ApiError::internal)?;
        diesel::update(m::table.find(&id))
            .set((
                m::signatories.eq(signatories),
                m::version.eq(m::version + 1),
                m::updated_at.eq(at),
                m::updated_by.eq(by),
            ))
            .execute(conn)?;
        work.audit(conn, RecordType::Memorandum, &id, Some(consignee_id))?;
    }
    Ok(())
}

fn entrustments(conn: &mut DbConnection, work: &mut Work) -> Result<(), ApiError> {
    let Some(name) = work.person.name().map(str::to_owned) else { return Ok(()) };
    let rows: Vec<(String, String)> =
        en::table.select((en::id, en::consignee_id)).filter(en::responsible_person.eq(&name)).load(conn)?;
    for (id, consignee_id) in rows {
        if !work.take(RecordType::Entrustment, &id, vec!["responsible_person".to_owned()], &[RecordType::Entrustment]) {
            continue;
        }
        let (at, by) = work.stamp();
        diesel::update(en::table.find(&id))
            .set((
                en::responsible_person.eq(None::<String>),
                en::version.eq(en::version + 1),
                en::updated_at.eq(at),
                en::updated_by.eq(by),
            ))
            .execute(conn)?;
        work.audit(conn, RecordType::Entrustment, &id, Some(consignee_id))?;
    }
    Ok(())
}

fn reviews(conn: &mut DbConnection, work: &mut Work) -> Result<(), ApiError> {
    let Some(name) = work.person.name().map(str::to_owned) else { return Ok(()) };
    let rows: Vec<(String, String)> =
        rv::table.select((rv::id, rv::consignee_id)).filter(rv::reviewer.eq(&name)).load(conn)?;
    for (id, consignee_id) in rows {
        if !work.take(RecordType::Review, &id, vec!["reviewer".to_owned()], &[RecordType::Review]) {
            continue;
        }
        let (at, by) = work.stamp();
        diesel::update(rv::table.find(&id))
            .set((
                rv::reviewer.eq(ERASED),
                rv::version.eq(rv::version + 1),
                rv::updated_at.eq(at),
                rv::updated_by.eq(by),
            ))
            .execute(conn)?;
        work.audit(conn, RecordType::Review, &id, Some(consignee_id))?;
    }
    Ok(())
}

/// Kept responses answer retries with the person taken out (the key still replays, so a retried
/// create never runs twice). They live a day at most, so each is read.
fn idempotent_responses(conn: &mut DbConnection, work: &mut Work) -> Result<(), ApiError> {
    let rows: Vec<(String, String, Option<Vec<u8>>)> = ik::table
        .select((ik::caller, ik::idempotency_key, ik::response_body))
        .filter(ik::response_body.is_not_null())
        .load(conn)?;
    for (caller, key, body) in rows {
        let Some(clean) = body.and_then(|b| String::from_utf8(b).ok()).and_then(|text| work.person.scrub(&text)) else {
            continue;
        };
        if !work.take(
            RecordType::IdempotentResponse,
            &format!("{caller}/{key}"),
            vec!["response".to_owned()],
            &[RecordType::IdempotentResponse],
        ) {
            continue;
        }
        diesel::update(ik::table.find((&caller, &key))).set(ik::response_body.eq(clean.into_bytes())).execute(conn)?;
    }
    Ok(())
}

/// Every audit event whose recorded changes hold the person is redacted (the chain keeps their
/// hash), unless audit events or the record type they belong to are retained.
fn audit_events(conn: &mut DbConnection, work: &mut Work, reference: &str) -> Result<(), ApiError> {
    let email = work.person.email().map(holds_value).unwrap_or_else(|| "\u{1}".to_owned());
    let name = work.person.name().map(holds_value).unwrap_or_else(|| "\u{1}".to_owned());
    let rows: Vec<(i64, String)> = ae::table
        .select((ae::seq, ae::resource_type))
        .filter(ae::redacted_at.is_null())
        .filter(ae::action.ne(audit::store::REDACTED))
        .filter(lower(ae::changes).like(email).escape('\\').or(ae::changes.like(name).escape('\\')))
        .order(ae::seq.asc())
        .load(conn)?;
    let reason = format!("erasure {} ({reference})", work.id);
    for (seq, resource_type) in rows {
        let kept_for = [owner_type(&resource_type), RecordType::AuditEvent];
        if !work.take(RecordType::AuditEvent, &seq.to_string(), vec!["changes".to_owned()], &kept_for) {
            continue;
        }
        audit::store::redact(conn, work.caller, work.at, seq, &reason)?;
    }
    Ok(())
}

fn owner_type(resource_type: &str) -> RecordType {
    [RecordType::Consignee, RecordType::Memorandum, RecordType::Entrustment, RecordType::Review]
        .into_iter()
        .find(|t| t.as_str() == resource_type)
        .unwrap_or(RecordType::AuditEvent)
}

/// A `LIKE` pattern for JSON holding `value` as a whole string, with `\` escaping `%`, `_`
/// and itself.
fn holds_value(value: &str) -> String {
    let escaped: String =
        value.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%\"{escaped}\"%")
}

fn counts(kinds: impl Iterator<Item = RecordType>) -> BTreeMap<RecordType, i64> {
    kinds.fold(BTreeMap::new(), |mut counts, kind| {
        *counts.entry(kind).or_insert(0) += 1;
        counts
    })
}

/// Stores the erasure (reference and counts only) and audits it.
fn record(conn: &mut DbConnection, work: Work, reference: &str) -> Result<ErasureReport, ApiError> {
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
    Ok(ErasureReport { erasure, changed: work.changed, withheld: work.withheld })
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
