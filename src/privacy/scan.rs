//! The tables an erasure walks, read from the database's catalog at run time (so a new column is
//! covered without a change here), and the rows of one table that hold the person.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{Binary, Nullable, Text, Timestamp};
use diesel::{Connection, QueryableByName, RunQueryDsl};

use super::kept::{self, Kept};
use super::person::Person;
use crate::db::dispatch::{self, CatalogColumn};
use crate::db::DbConnection;
use crate::error::ApiError;

type Backend = <DbConnection as Connection>::Backend;
type Query<'a> = BoxedSqlQuery<'a, Backend, diesel::query_builder::SqlQuery>;

/// A table as the erasure sees it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its primary key, in key order.
    pub key: Vec<CatalogColumn>,
    /// Its text columns.
    pub text: Vec<CatalogColumn>,
    /// Its binary columns that are searched.
    pub binary: Vec<CatalogColumn>,
    /// The column naming the consignee a row belongs to, for its history.
    pub consignee: Option<&'static str>,
    /// Whether it has `version`, `updated_at` and `updated_by` to bump.
    pub stamped: bool,
    /// The row-conditional exceptions of its text columns (their conditions are selected too).
    pub conditional: Vec<&'static Kept>,
}

/// Every table of the database that an erasure searches, by name.
pub fn tables(conn: &mut DbConnection) -> Result<Vec<Table>, ApiError> {
    let mut by_table: BTreeMap<String, Vec<CatalogColumn>> = BTreeMap::new();
    for column in dispatch::catalog(conn)? {
        by_table.entry(column.table_name.clone()).or_default().push(column);
    }
    Ok(by_table
        .into_iter()
        .filter(|(name, _)| !kept::table_is_kept(name))
        .map(|(name, cols)| table(name, cols))
        .collect())
}

fn table(name: String, columns: Vec<CatalogColumn>) -> Table {
    let has = |wanted: &str| columns.iter().any(|c| c.column_name == wanted);
    let consignee = if name == "consignees" { Some("id") } else { has("consignee_id").then_some("consignee_id") };
    let stamped = has("version") && has("updated_at") && has("updated_by");
    let mut key: Vec<CatalogColumn> = columns.iter().filter(|c| c.pk > 0).cloned().collect();
    key.sort_by_key(|c| c.pk);
    let text: Vec<CatalogColumn> = columns.iter().filter(|c| c.is_text()).cloned().collect();
    let binary = columns
        .iter()
        .filter(|c| c.is_binary() && kept::covering(&name, &c.column_name, c.pk > 0).next().is_none())
        .cloned()
        .collect();
    let conditional = text
        .iter()
        .flat_map(|c| kept::covering(&name, &c.column_name, c.pk > 0).filter(|k| k.rows.is_some()))
        .collect();
    Table { name, key, text, binary, consignee, stamped, conditional }
}

/// One row that holds the person: its key, its text values and what the row conditions say.
#[derive(Debug)]
pub struct Row {
    /// The key's values, in key order.
    pub key: Vec<String>,
    /// The text columns' values, in [`Table::text`] order.
    pub values: Vec<Option<String>>,
    /// The consignee it belongs to.
    pub consignee: Option<String>,
    /// Whether each of [`Table::conditional`] holds for this row.
    pub conditions: Vec<bool>,
}

#[derive(QueryableByName)]
struct Selected {
    #[diesel(sql_type = Text)]
    record: String,
}

#[derive(QueryableByName)]
struct SelectedBytes {
    #[diesel(sql_type = Text)]
    record: String,
    #[diesel(sql_type = Binary)]
    bytes: Vec<u8>,
}

impl Table {
    /// The record id of a row: its key's values joined by `/`.
    pub fn record_id(key: &[String]) -> String {
        key.join("/")
    }

    /// The exception that keeps `column` (of the text columns) in `row`, if any.
    pub fn kept(&self, column: &CatalogColumn, row: &Row) -> Option<&'static Kept> {
        kept::covering(&self.name, &column.column_name, column.pk > 0).find(|k| match k.rows {
            None => true,
            Some(_) => self.conditional.iter().position(|c| std::ptr::eq(*c, *k)).is_some_and(|i| row.conditions[i]),
        })
    }

    /// The rows whose text holds the person's e-mail (ASCII case ignored) or name.
    pub fn rows_holding(&self, conn: &mut DbConnection, person: &Person) -> Result<Vec<Row>, ApiError> {
        if self.text.is_empty() {
            return Ok(Vec::new());
        }
        let mut selected: Vec<String> = self.key.iter().map(|c| format!("CAST({} AS TEXT)", quoted(c))).collect();
        selected.extend(self.text.iter().map(quoted));
        selected.push(self.consignee.map_or("NULL".to_owned(), |c| format!("\"{c}\"")));
        selected.extend(
            self.conditional.iter().map(|k| format!("CASE WHEN {} THEN 1 ELSE 0 END", k.rows.unwrap_or("0=1"))),
        );
        let (email, name) = person.like_patterns();
        let mut tests = Vec::new();
        let mut binds = Vec::new();
        for (pattern, folded) in [(email, true), (name, false)] {
            let Some(pattern) = pattern else { continue };
            binds.push(pattern);
            let n = binds.len();
            for c in &self.text {
                let column = if folded { format!("lower({})", quoted(c)) } else { quoted(c) };
                tests.push(format!("{column} LIKE ${n} ESCAPE '\\'"));
            }
        }
        let sql = format!(
            "SELECT CAST({}({}) AS TEXT) AS record FROM \"{}\" WHERE {}",
            dispatch::json_array_function(conn),
            selected.join(", "),
            self.name,
            tests.join(" OR ")
        );
        let mut query: Query = diesel::sql_query(sql).into_boxed();
        for pattern in binds {
            query = query.bind::<Text, _>(pattern);
        }
        let found: Vec<Selected> = query.load(conn)?;
        found.into_iter().map(|s| self.row(&s.record)).collect()
    }

    fn row(&self, record: &str) -> Result<Row, ApiError> {
        let values: Vec<serde_json::Value> = serde_json::from_str(record).map_err(ApiError::internal)?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        let (keys, rest) = values.split_at(self.key.len());
        let (texts, rest) = rest.split_at(self.text.len());
        Ok(Row {
            key: keys.iter().map(|v| text(v).unwrap_or_default()).collect(),
            values: texts.iter().map(text).collect(),
            consignee: rest.first().and_then(text),
            conditions: rest[1..].iter().map(|v| v.as_i64() == Some(1) || v.as_str() == Some("1")).collect(),
        })
    }

    /// Every non-null value of a searched binary column, with the row's key.
    pub fn bytes(&self, conn: &mut DbConnection, column: &CatalogColumn) -> Result<Vec<KeyedBytes>, ApiError> {
        let keys: Vec<String> = self.key.iter().map(|c| format!("CAST({} AS TEXT)", quoted(c))).collect();
        let sql = format!(
            "SELECT CAST({}({}) AS TEXT) AS record, {col} AS bytes FROM \"{}\" WHERE {col} IS NOT NULL",
            dispatch::json_array_function(conn),
            keys.join(", "),
            self.name,
            col = quoted(column)
        );
        let found: Vec<SelectedBytes> = diesel::sql_query(sql).load(conn)?;
        found
            .into_iter()
            .map(|s| {
                let key: Vec<String> = serde_json::from_str(&s.record).map_err(ApiError::internal)?;
                Ok((key, s.bytes))
            })
            .collect()
    }

    /// Writes `sets` into the row with `key`, bumping `version`, `updated_at` and `updated_by`
    /// where the table has them.
    pub fn update(
        &self,
        conn: &mut DbConnection,
        key: &[String],
        sets: &[(String, Value)],
        stamp: (NaiveDateTime, &str),
    ) -> Result<(), ApiError> {
        if self.key.is_empty() {
            return Err(ApiError::internal(format!("table {} holds the person but has no primary key", self.name)));
        }
        let mut assignments: Vec<String> =
            sets.iter().enumerate().map(|(i, (column, _))| format!("\"{column}\" = ${}", i + 1)).collect();
        let mut next = sets.len() + 1;
        if self.stamped {
            assignments.push(format!(
                "\"version\" = \"version\" + 1, \"updated_at\" = ${next}, \"updated_by\" = ${}",
                next + 1
            ));
            next += 2;
        }
        let matches: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = CAST(${} AS {})", quoted(c), next + i, c.data_type))
            .collect();
        let sql = format!("UPDATE \"{}\" SET {} WHERE {}", self.name, assignments.join(", "), matches.join(" AND "));
        let mut query: Query = diesel::sql_query(sql).into_boxed();
        for (_, value) in sets {
            query = match value {
                Value::Text(text) => query.bind::<Nullable<Text>, _>(text.clone()),
                Value::Bytes(bytes) => query.bind::<Binary, _>(bytes.clone()),
            };
        }
        if self.stamped {
            query = query.bind::<Timestamp, _>(stamp.0).bind::<Text, _>(stamp.1.to_owned());
        }
        for value in key {
            query = query.bind::<Text, _>(value.clone());
        }
        query.execute(conn)?;
        Ok(())
    }
}

/// A row's key and the bytes of one of its columns.
pub type KeyedBytes = (Vec<String>, Vec<u8>);

/// A value to write.
#[derive(Debug, Clone)]
pub enum Value {
    /// Text, or `NULL`.
    Text(Option<String>),
    /// Bytes.
    Bytes(Vec<u8>),
}

fn quoted(column: &CatalogColumn) -> String {
    format!("\"{}\"", column.column_name)
}
