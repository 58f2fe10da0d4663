//! CSV import of consignees: decoded from UTF-8 (with or without BOM) or Shift_JIS/CP932, every
//! row checked before anything is written, then all rows written in one transaction or none.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::api::ConsigneeInput;
use crate::db::schema::consignees as c;
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};
use crate::validation;

/// The export's columns an import does not carry over.
const IGNORED: [&str; 5] = ["id", "status", "compliance_status", "created_at", "updated_at"];

/// Whether an import reads the column: every column of the export but those it ignores.
fn writable(column: &str) -> bool {
    super::csv::HEADER.contains(&column) && !IGNORED.contains(&column)
}

/// How to import.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check every row and report what would happen, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Update the consignee whose corporate number a row names (without it, such a row is an error).
    #[serde(default)]
    pub upsert: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"rows": 120, "created": 118, "updated": 2, "unchanged": 0, "dry_run": false}))]
pub struct ImportResult {
    /// Data rows read.
    pub rows: i64,
    /// Consignees created (as `candidate`).
    pub created: i64,
    /// Existing consignees changed (with `upsert=true`).
    pub updated: i64,
    /// Existing consignees the row left as they were.
    pub unchanged: i64,
    /// Nothing was written: the counts say what the import would do.
    pub dry_run: bool,
}

/// The raw CSV of an import.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct CsvBytes(pub Vec<u8>);

/// A checked row: its line, its cells, the consignee it describes, and the existing one it updates.
pub struct Row {
    /// Line in the file (the header is 1).
    pub line: u64,
    /// The writable columns' cells, by column name.
    pub cells: Vec<(String, String)>,
    /// The consignee's fields.
    pub input: ConsigneeInput,
    /// The consignee with the same corporate number, when there is one.
    pub existing: Option<String>,
}

/// The text of the body: `charset` (UTF-8 or Shift_JIS/CP932) when declared, else UTF-8 when it
/// is valid UTF-8 and CP932 otherwise; a UTF-8 BOM is dropped. 415 for another charset, 422
/// for bytes the charset cannot decode.
pub fn decode(bytes: &[u8], charset: Option<&str>) -> Result<String, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let encoding = match charset.map(|c| c.trim().trim_matches('"').to_ascii_lowercase()) {
        None => match std::str::from_utf8(bytes) {
            Ok(text) => return Ok(text.to_owned()),
            Err(_) => encoding_rs::SHIFT_JIS,
        },
        // Microsoft's names for its Shift_JIS, which the WHATWG label list leaves out.
        Some(label) if ["cp932", "x-ms-cp932", "windows-932"].contains(&label.as_str()) => encoding_rs::SHIFT_JIS,
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 || e == encoding_rs::SHIFT_JIS => e,
            _ => return Err(ApiError::UnsupportedMediaType("send the CSV as UTF-8 or Shift_JIS (CP932)".to_owned())),
        },
    };
    let (text, _, malformed) = encoding.decode(bytes);
    if malformed {
        let message = format!("the body is not valid {}", encoding.name());
        return Err(ApiError::invalid("body", "encoding", &message));
    }
    Ok(text.into_owned())
}

/// Reads and checks every row (422 listing every bad row and field); nothing is written.
pub fn check(conn: &mut DbConnection, text: &str, upsert: bool) -> Result<Vec<Row>, ApiError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::invalid("body", "csv", &format!("the header cannot be read: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    check_header(&header)?;
    let (mut rows, mut errors, mut lines) = (Vec::new(), Vec::new(), Lines::new(text));
    for record in reader.records() {
        match record {
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => {
                let line = lines.of(record.position());
                match cells_of(&header, &record).and_then(|cells| Ok((input_of(Default::default(), &cells)?, cells))) {
                    Ok((input, cells)) => rows.push(Row { line, cells, input, existing: None }),
                    Err(found) => errors.extend(found.into_iter().map(|e| e.at_row(line))),
                }
            }
            // Not expected from decoded text (flexible rows, valid UTF-8), but numbered alike.
            Err(e) => {
                let line = lines.of(e.position());
                errors.push(FieldError::new("row", "csv", format!("the row cannot be read: {e}")).at_row(line));
            }
        }
    }
    errors.extend(match_existing(conn, &mut rows, upsert)?);
    errors.sort_by_key(|e| e.row);
    validation::all_valid(errors)?;
    Ok(rows)
}

/// Numbers records by the line of the text they start on (the header is 1), from their byte
/// offsets rather than the csv crate's line counter, which stops between the CR and LF of a CRLF
/// (Excel's line end) and so numbers the next row one line short. Lines end at LF, CRLF or a lone
/// CR, as records do; the CR and LF that end the previous record (and blank lines, which hold no
/// record) are stepped over. Records come in order, so the text is scanned once.
struct Lines<'a> {
    bytes: &'a [u8],
    scanned: usize,
    ends: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self { bytes: text.as_bytes(), scanned: 0, ends: 0 }
    }

    /// The line the record at `position` starts on.
    fn of(&mut self, position: Option<&csv::Position>) -> u64 {
        let bytes = self.bytes;
        let offset = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).min(bytes.len());
        let start = offset + bytes[offset..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        if start < self.scanned {
            (self.scanned, self.ends) = (0, 0);
        }
        let is_end = |i: usize| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        self.ends += (self.scanned..start).filter(|i| is_end(*i)).count() as u64;
        self.scanned = start;
        1 + self.ends
    }
}

fn check_header(header: &[String]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if !super::csv::HEADER.contains(&name.as_str()) {
            errors.push(FieldError::new(name.clone(), "unknown_column", "not a consignee column").at_row(1));
        } else if header[..i].contains(name) {
            errors.push(FieldError::new(name.clone(), "duplicate_column", "the column appears twice").at_row(1));
        }
    }
    if !header.iter().any(|h| h == "legal_name") {
        errors.push(FieldError::new("legal_name", "required", "the header needs a legal_name column").at_row(1));
    }
    validation::all_valid(errors)
}

/// The writable columns' cells of a record, neutralised cells restored.
fn cells_of(header: &[String], record: &csv::StringRecord) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    if record.len() != header.len() {
        let message = format!("{} cells where the header has {}", record.len(), header.len());
        return Err(vec![FieldError::new("row", "columns", message)]);
    }
    Ok(header
        .iter()
        .zip(record.iter())
        .filter(|(name, _)| writable(name))
        .map(|(name, cell)| (name.clone(), restored(cell.trim()).to_owned()))
        .collect())
}

/// Columns an empty cell leaves as they are (they cannot be cleared).
const KEPT_WHEN_EMPTY: [&str; 3] = ["legal_name", "country", "risk_tier"];

/// The consignee `cells` describe on top of `base` (an existing consignee's fields, or none),
/// checked as a create body would be: a cell replaces its field, an empty one clears it (but the
/// name, country and risk tier, which stay).
fn input_of(
    mut body: serde_json::Map<String, serde_json::Value>,
    cells: &[(String, String)],
) -> Result<ConsigneeInput, Vec<FieldError>> {
    let mut contact = match body.remove("contact") {
        Some(serde_json::Value::Object(contact)) => contact,
        _ => serde_json::Map::new(),
    };
    let mut errors = Vec::new();
    for (name, cell) in cells {
        let target = match name.strip_prefix("contact_") {
            Some(part) => (&mut contact, part.to_owned()),
            None => (&mut body, name.clone()),
        };
        if cell.is_empty() {
            if !KEPT_WHEN_EMPTY.contains(&name.as_str()) {
                target.0.remove(&target.1);
            }
        } else if name == "risk_tier" && cell.parse::<super::api::RiskTier>().is_err() {
            // Checked here so that the row's other fields are checked too (a shape error stops parsing).
            errors.push(FieldError::new("risk_tier", "type", "one of low, medium, high"));
            target.0.remove(&target.1);
        } else {
            target.0.insert(target.1, cell.as_str().into());
        }
    }
    contact.retain(|_, v| !v.is_null());
    if !contact.is_empty() {
        body.insert("contact".to_owned(), contact.into());
    }
    body.retain(|_, v| !v.is_null());
    let text = serde_json::Value::Object(body).to_string();
    let checked = crate::http::body::parse::<ConsigneeInput>(text.as_bytes()).and_then(|input| {
        let input = input.normalized();
        validation::check(&input).map(|()| input)
    });
    match checked {
        Ok(input) if errors.is_empty() => Ok(input),
        Ok(_) => Err(errors),
        Err(ApiError::Validation(found)) => Err(errors.into_iter().chain(found).collect()),
        Err(other) => Err(vec![FieldError::new("row", "invalid", other.to_string())]),
    }
}

/// A cell as it was before the export neutralised it: the `'` put before a leading `=`, `+`,
/// `-`, `@`, tab or CR is taken off again, so an export imports back unchanged.
fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Links rows to the consignees their corporate numbers name (one query); errors for a number
/// repeated in the file, and for an existing one without `upsert`.
fn match_existing(conn: &mut DbConnection, rows: &mut [Row], upsert: bool) -> Result<Vec<FieldError>, ApiError> {
    let numbers: Vec<String> = rows.iter().filter_map(|r| r.input.corporate_number.clone()).collect();
    let mut existing: HashMap<String, String> = HashMap::new();
    // In chunks: one bind per number, and SQLite allows 32,766 binds to a statement.
    for chunk in numbers.chunks(1000) {
        let found: Vec<(String, String)> = c::table
            .filter(c::corporate_number.eq_any(chunk))
            .select((c::corporate_number.assume_not_null(), c::id))
            .load(conn)?;
        existing.extend(found);
    }
    let (mut seen, mut errors) = (HashSet::new(), Vec::new());
    for row in rows.iter_mut() {
        let Some(number) = row.input.corporate_number.clone() else { continue };
        if !seen.insert(number.clone()) {
            let message = format!("corporate number {number} appears on an earlier row");
            errors.push(FieldError::new("corporate_number", "duplicate", message).at_row(row.line));
        } else if let Some(id) = existing.get(&number) {
            if upsert {
                let base = serde_json::to_value(super::store::get(conn, id)?.input()?).map_err(ApiError::internal)?;
                let serde_json::Value::Object(base) = base else {
                    return Err(ApiError::internal("a consignee is not an object"));
                };
                match input_of(base, &row.cells) {
                    Ok(input) => row.input = input,
                    Err(found) => errors.extend(found.into_iter().map(|e| e.at_row(row.line))),
                }
                row.existing = Some(id.clone());
            } else {
                let message = format!("already registered to consignee {id}; import with upsert=true to update it");
                errors.push(FieldError::new("corporate_number", "exists", message).at_row(row.line));
            }
        }
    }
    Ok(errors)
}

/// Writes the checked rows: creates the new consignees as candidates and replaces the fields of
/// the existing ones, each audited, in the caller's transaction.
pub fn apply(
    conn: &mut DbConnection,
    caller: &crate::auth::Caller,
    at: chrono::DateTime<chrono::Utc>,
    intervals: crate::reviews::schedule::ReviewIntervals,
    rows: Vec<Row>,
) -> Result<ImportResult, ApiError> {
    let mut result = ImportResult { rows: rows.len() as i64, ..ImportResult::default() };
    // In one order, so two imports updating the same consignees cannot deadlock (PostgreSQL).
    let mut updated: Vec<&String> = rows.iter().filter_map(|r| r.existing.as_ref()).collect();
    updated.sort();
    for id in updated {
        crate::db::dispatch::lock_consignee(conn, id)?;
    }
    for row in rows {
        match row.existing {
            Some(id) if super::store::replace(conn, caller, at, intervals, &id, row.input.clone())? => {
                result.updated += 1
            }
            Some(_) => result.unchanged += 1,
            None => {
                super::store::create(conn, caller, at, row.input)?;
                result.created += 1;
            }
        }
    }
    Ok(result)
}

/// What importing the checked rows would do.
pub fn preview(conn: &mut DbConnection, rows: &[Row]) -> Result<ImportResult, ApiError> {
    let mut result = ImportResult { rows: rows.len() as i64, dry_run: true, ..ImportResult::default() };
    for row in rows {
        match &row.existing {
            Some(id) if super::store::get(conn, id)?.input()? != row.input => result.updated += 1,
            Some(_) => result.unchanged += 1,
            None => result.created += 1,
        }
    }
    Ok(result)
}
