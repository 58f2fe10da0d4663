//! `consignee-registry seed`: realistic, reproducible consignees with memoranda, entrustments,
//! reviews, findings and certifications, written through the store functions (every record
//! audited), along storylines that make every compliance standing occur.

pub mod names;
pub mod story;

use std::collections::BTreeMap;

use actix_web::web::Bytes;
use chrono::{DateTime, Months, NaiveDate, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::auth::{Caller, Role};
use crate::db::schema::{consignees, data_categories as dc, review_checklist_items as rci};
use crate::db::{dispatch, Db, DbConnection};
use crate::documents::kind::DocumentType;
use crate::documents::receive::Received;
use crate::error::ApiError;
use crate::state::Supervision;
use story::Story;

/// Consignees written per transaction.
const BATCH: u64 = 200;

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    /// How many consignees to add.
    pub consignees: u64,
    /// Seed of the generator: the same seed on the same day gives the same records.
    pub seed: u64,
}

/// The codes seeded records refer to.
pub struct Catalog {
    /// Data categories in use.
    pub categories: Vec<String>,
    /// Clauses every memorandum must include.
    pub clauses: Vec<String>,
    /// Active review checklist items.
    pub checklist: Vec<String>,
}

/// What every seeded record shares.
pub struct Seeder {
    /// The generator's seed.
    pub seed: u64,
    /// Who the audit trail says wrote the records.
    pub caller: Caller,
    /// When they were written.
    pub at: DateTime<Utc>,
    /// Today in the business time zone.
    pub today: NaiveDate,
    /// The rules' settings.
    pub supervision: Supervision,
    /// The codes in use.
    pub catalog: Catalog,
    /// The signed memorandum's PDF.
    pub pdf: Received,
}

impl Seeder {
    /// Days from the last review of a consignee in `tier` until the next is due, counted back from today.
    pub fn review_days(&self, tier: &str) -> u64 {
        let intervals = self.supervision.intervals;
        let months = match tier {
            "high" => intervals.high,
            "medium" => intervals.medium,
            _ => intervals.low,
        };
        (self.today - (self.today - Months::new(months))).num_days() as u64
    }
}

/// How many consignees of each storyline were written.
pub type Summary = BTreeMap<&'static str, u64>;

/// Adds `options.consignees` consignees after those already stored, numbered on from them,
/// written at `at` and dated around `supervision.today`.
pub async fn run(
    db: &Db,
    supervision: Supervision,
    at: DateTime<Utc>,
    options: SeedOptions,
) -> Result<Summary, ApiError> {
    let catalog = db.run(load_catalog).await?;
    let first: i64 = db.run(|c| Ok(consignees::table.count().get_result(c)?)).await?;
    let seeder = std::sync::Arc::new(Seeder {
        seed: options.seed,
        caller: Caller { sub: "seed".to_owned(), role: Role::Admin, name: None, jti: None, request_id: None },
        at,
        today: supervision.today,
        supervision,
        catalog,
        pdf: signed_pdf(),
    });
    let (mut summary, end) = (Summary::new(), first as u64 + options.consignees);
    let mut from = first as u64;
    while from < end {
        let (batch, shared) = (from..(from + BATCH).min(end), seeder.clone());
        let told = db.write(move |c| batch.map(|n| tell(c, &shared, n)).collect::<Result<Vec<_>, _>>()).await?;
        for story in told {
            *summary.entry(story.into()).or_default() += 1;
        }
        from = (from + BATCH).min(end);
        tracing::info!(seeded = from - first as u64, of = options.consignees, "seeding");
    }
    db.run(dispatch::refresh_statistics).await?;
    Ok(summary)
}

fn tell(conn: &mut DbConnection, seeder: &Seeder, n: u64) -> Result<Story, ApiError> {
    let mut rng = fastrand::Rng::with_seed(seeder.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n);
    let chosen = story::choose(&mut rng, n);
    story::tell(conn, seeder, &mut rng, n, chosen)
        .map_err(|e| ApiError::internal(format!("seeding consignee {n} ({chosen:?}): {e:?}")))?;
    Ok(chosen)
}

fn load_catalog(conn: &mut DbConnection) -> Result<Catalog, ApiError> {
    let categories = dc::table.filter(dc::retired.eq(false)).select(dc::code).order(dc::code).load(conn)?;
    let clauses = crate::clause_templates::store::required_codes(conn)?;
    let checklist = rci::table.filter(rci::retired.eq(false)).select(rci::code).order(rci::code).load(conn)?;
    Ok(Catalog { categories, clauses, checklist })
}

/// A one-page PDF standing for the signed memorandum.
fn signed_pdf() -> Received {
    let bytes = Bytes::from_static(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n%%EOF\n",
    );
    Received {
        size: bytes.len(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        blocks: vec![bytes],
        content_type: DocumentType::Pdf,
        filename: "memorandum-signed.pdf".to_owned(),
    }
}
