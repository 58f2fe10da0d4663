//! The one CSV writer for every export: UTF-8 with a BOM (so Excel shows Japanese text),
//! RFC 4180 quoting with CRLF line ends, cells that a spreadsheet would run as a formula
//! neutralised (OWASP CSV injection), streamed batch by batch from the database.

use std::borrow::Cow;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures_util::stream;

use crate::db::{Db, DbConnection};
use crate::error::ApiError;

/// The representation a list or report is asked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A JSON page.
    Json,
    /// The whole list as CSV (UTF-8 with a BOM), streamed.
    Csv,
}

/// The `format` query parameter of a list that can also answer CSV.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` for the whole list as CSV (as `Accept: text/csv` does); `json` for a page.
    pub format: Option<Format>,
}

/// Whether the caller asked for CSV: `?format=csv`, or `Accept: text/csv` without `?format=json`.
pub fn wanted(req: &actix_web::HttpRequest, format: Option<Format>) -> bool {
    match format {
        Some(format) => format == Format::Csv,
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.split(',').any(|t| t.trim().to_ascii_lowercase().starts_with("text/csv"))),
    }
}

/// The UTF-8 byte order mark every export starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`,
/// and so does one that already reads like a neutralised cell, so an import can take exactly one
/// `'` off again.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    let formula = |c: Option<char>| matches!(c, Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut chars = cell.chars();
    match chars.next() {
        first if formula(first) => Cow::Owned(format!("'{cell}")),
        Some('\'') if formula(chars.next()) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// RFC 4180 lines (CRLF, quoted where needed) for `records`, every cell neutralised.
pub fn encode<R: AsRef<[String]>>(records: &[R]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record.as_ref().iter().map(|cell| neutralize(cell).into_owned()))
            .map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

/// A source of rows for one export, read in batches.
pub trait Export: Send + 'static {
    /// The column names.
    fn header(&self) -> Vec<String>;
    /// The next batch of rows; empty when the export is complete.
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError>;
}

/// Rows a loader reads a page at a time: given where the last page ended, it answers the next
/// page's rows and where it ended (`None` once everything has been read).
pub type Page = (Vec<Vec<String>>, Option<String>);

/// An export read by a loader a page at a time; a page with no rows while more remain (a derived
/// filter matched none of it) is read past.
pub struct Paged<L> {
    header: Vec<String>,
    after: Option<String>,
    done: bool,
    load: L,
}

impl<L> Paged<L>
where
    L: FnMut(&mut DbConnection, Option<&str>) -> Result<Page, ApiError> + Send + 'static,
{
    /// An export with these columns whose rows `load` reads.
    pub fn new(header: &[&str], load: L) -> Self {
        Self { header: header.iter().map(|h| (*h).to_owned()).collect(), after: None, done: false, load }
    }
}

impl<L> Export for Paged<L>
where
    L: FnMut(&mut DbConnection, Option<&str>) -> Result<Page, ApiError> + Send + 'static,
{
    fn header(&self) -> Vec<String> {
        self.header.clone()
    }

    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        while !self.done {
            let (rows, next) = (self.load)(conn, self.after.as_deref())?;
            self.done = next.is_none();
            self.after = next;
            if !rows.is_empty() {
                return Ok(rows);
            }
        }
        Ok(Vec::new())
    }
}

/// The serialized name of an enum value (`needs_improvement`), as a cell.
pub fn name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The text of an optional cell.
pub fn cell<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Where a page of `limit` rows read in key order ended: the last key, or `None` when the page
/// was short (nothing more to read).
pub fn next_key<T>(rows: &[T], limit: i64, key: impl Fn(&T) -> String) -> Option<String> {
    (rows.len() as i64 >= limit).then(|| rows.last().map(key)).flatten()
}

async fn batch<E: Export>(db: &Db, mut export: E) -> Result<(Vec<Vec<String>>, E), ApiError> {
    db.run(move |conn| export.next_batch(conn).map(|rows| (rows, export))).await
}

/// Streams `export` as a CSV attachment named `filename`.
///
/// The first batch is read before the response starts, so an unavailable database is still
/// a 503; a failure later ends the stream early (the client sees a truncated transfer).
pub async fn respond<E: Export>(db: Db, filename: &str, export: E) -> Result<HttpResponse, ApiError> {
    let mut head = BOM.to_vec();
    head.extend(encode(&[export.header()])?);
    let (rows, export) = batch(&db, export).await?;
    head.extend(encode(&rows)?);
    let more = (!rows.is_empty()).then_some((db, export));
    let rest = stream::unfold(more, |state| async move {
        let (db, export) = state?;
        match batch(&db, export).await {
            Ok((rows, _)) if rows.is_empty() => None,
            Ok((rows, export)) => Some((encode(&rows).map(Bytes::from), Some((db, export)))),
            Err(error) => Some((Err(error), None)),
        }
    });
    let first = stream::once(async move { Ok::<_, ApiError>(Bytes::from(head)) });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .streaming(futures_util::StreamExt::chain(first, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_reads_as_neutralised_is_neutralised_too_so_one_quote_comes_off_on_import() {
        assert_eq!(neutralize("'=1+1"), "''=1+1");
        assert_eq!(neutralize("'plain"), "'plain");
        assert_eq!(neutralize("plain"), "plain");
    }

    #[test]
    fn formulas_are_neutralised_and_quoting_follows_rfc_4180() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\",\"y\")".to_owned(),
            "a,b".to_owned(),
            "say \"hi\"".to_owned(),
            "two\nlines".to_owned(),
            "-1".to_owned(),
            "株式会社".to_owned(),
        ]];
        let text = String::from_utf8(encode(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'-1,株式会社\r\n"
        );
        for lead in ["+", "@", "\t", "\r"] {
            assert!(neutralize(&format!("{lead}x")).starts_with('\''));
        }
        assert_eq!(neutralize("plain"), "plain");
    }
}
