//! One seeded consignee's history, made through the same store functions (rules, audit trail,
//! events) as the API, along a storyline that ends in a chosen compliance standing.

use chrono::{Days, NaiveDate};
use fastrand::Rng;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use validator::Validate;

use super::names::{self, pick, Identity};
use super::Seeder;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::http::conditional::Expected;
use crate::{certifications, consignees, entrustments, findings, memoranda, reviews, validation};

/// Where a seeded consignee's history leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Story {
    /// Approved, covered, reviewed on time: compliant (or attention near a renewal notice).
    Compliant,
    /// Its next review is due within the warning window: attention.
    ReviewDueSoon,
    /// Its fixed-term memorandum ends within the warning window: attention.
    MemorandumEnding,
    /// Its certification has expired: it needs attention.
    CertificationExpired,
    /// Its next review is past due: non-compliant.
    ReviewOverdue,
    /// A finding's corrective action is past due: non-compliant.
    FindingOverdue,
    /// Its memorandum expired while data is still entrusted: non-compliant.
    MemorandumExpired,
    /// Approved, then suspended while holding data.
    Suspended,
    /// Entrustments ended and deleted, memorandum terminated, consignee terminated.
    Terminated,
    /// Only created.
    Candidate,
    /// A candidate with a draft memorandum.
    DraftMemorandum,
    /// Rejected at selection.
    Rejected,
}

/// Every storyline, with how many in a hundred consignees follow it.
pub const STORIES: &[(Story, u8)] = &[
    (Story::Compliant, 40),
    (Story::ReviewDueSoon, 7),
    (Story::MemorandumEnding, 6),
    (Story::CertificationExpired, 4),
    (Story::ReviewOverdue, 8),
    (Story::FindingOverdue, 5),
    (Story::MemorandumExpired, 4),
    (Story::Suspended, 3),
    (Story::Terminated, 5),
    (Story::Candidate, 8),
    (Story::DraftMemorandum, 6),
    (Story::Rejected, 4),
];

/// The storyline of consignee `n`: the first ones take each storyline in turn, so every standing
/// occurs in even a small set; the rest are drawn by weight.
pub fn choose(rng: &mut Rng, n: u64) -> Story {
    if let Some((story, _)) = STORIES.get(n as usize) {
        return *story;
    }
    let mut roll = rng.u8(..100);
    for (story, weight) in STORIES {
        if roll < *weight {
            return *story;
        }
        roll -= weight;
    }
    Story::Compliant
}

/// Deserializes and validates a body as the API would.
fn body<T: DeserializeOwned + Validate>(value: Value) -> Result<T, ApiError> {
    let input: T = serde_json::from_value(value).map_err(ApiError::internal)?;
    validation::check(&input)?;
    Ok(input)
}

/// Writes one consignee's history; returns its id.
pub fn tell(conn: &mut DbConnection, seeder: &Seeder, rng: &mut Rng, n: u64, story: Story) -> Result<String, ApiError> {
    let who = names::identity(rng, seeder.seed, n);
    let tier = *pick(rng, &["high", "medium", "medium", "low", "low"]);
    let id = create_consignee(conn, seeder, &who, tier)?;
    match story {
        Story::Candidate => {}
        Story::Rejected => set_status(conn, seeder, &id, "rejected", "選定基準を満たさないため")?,
        Story::DraftMemorandum => {
            let terms = Terms::renewing(seeder.today - Days::new(10));
            memorandum(conn, seeder, &id, &terms)?;
        }
        _ => approved_history(conn, seeder, rng, &id, tier, story)?,
    }
    Ok(id)
}

fn create_consignee(conn: &mut DbConnection, seeder: &Seeder, who: &Identity, tier: &str) -> Result<String, ApiError> {
    let input: consignees::api::ConsigneeInput = body(json!({
        "legal_name": who.legal_name, "name_kana": who.name_kana, "name_en": who.name_en,
        "corporate_number": who.corporate_number, "country": who.country, "address": who.address,
        "contact": {"name": who.contact_name, "email": who.contact_email, "phone": who.contact_phone},
        "risk_tier": tier, "notes": null,
    }))?;
    Ok(consignees::store::create(conn, &seeder.caller, seeder.at, input.normalized())?.id)
}

fn set_status(conn: &mut DbConnection, seeder: &Seeder, id: &str, status: &str, reason: &str) -> Result<(), ApiError> {
    let change = body(json!({"status": status, "reason": reason}))?;
    consignees::store::change_status(conn, &seeder.caller, seeder.at, seeder.supervision, id, Expected::Any, change)?;
    Ok(())
}

/// Selection review, approval, a signed memorandum, entrustments and what the storyline adds.
fn approved_history(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    tier: &str,
    story: Story,
) -> Result<(), ApiError> {
    let today = seeder.today;
    let interval = seeder.review_days(tier);
    let reviewed_ago = match story {
        Story::ReviewDueSoon => interval - rng.u64(2..25),
        Story::ReviewOverdue => interval + rng.u64(10..200),
        Story::MemorandumExpired => rng.u64(150..interval.max(151)).min(interval - 5),
        _ => rng.u64(30..(interval - 45).max(31)),
    };
    let reviewed_on = today - Days::new(reviewed_ago);
    review(conn, seeder, rng, id, "selection", "satisfactory", reviewed_on)?;
    set_status(conn, seeder, id, "approved", "選定評価の結果、委託先として適格")?;
    let effective_from = reviewed_on + Days::new(7).min(Days::new(reviewed_ago));
    let terms = match story {
        Story::MemorandumEnding => Terms::fixed(effective_from, today + Days::new(rng.u64(5..55))),
        Story::MemorandumExpired => {
            Terms::fixed(effective_from, today - Days::new(rng.u64(1..(reviewed_ago - 7).max(2))))
        }
        _ => Terms::renewing(effective_from),
    };
    let memorandum_id = memorandum(conn, seeder, id, &terms)?;
    memoranda::store::sign(conn, &seeder.caller, seeder.at, today, &memorandum_id, Expected::Any)?;
    let mut entrusted = Vec::new();
    for _ in 0..rng.u8(1..4) {
        entrusted.push(entrust(conn, seeder, rng, id, &memorandum_id, effective_from)?);
    }
    if story == Story::CertificationExpired || rng.u8(..100) < 30 {
        certification(conn, seeder, rng, id, story == Story::CertificationExpired)?;
    }
    match story {
        Story::FindingOverdue => finding_overdue(conn, seeder, rng, id, reviewed_on)?,
        Story::Suspended => set_status(conn, seeder, id, "suspended", "是正措置の完了まで新規委託を停止")?,
        Story::Terminated => terminate(conn, seeder, rng, id, &memorandum_id, &entrusted, effective_from)?,
        _ => {}
    }
    Ok(())
}

/// A completed review of `kind` performed on `performed_on`, every checklist item answered.
fn review(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    kind: &str,
    outcome: &str,
    performed_on: NaiveDate,
) -> Result<String, ApiError> {
    let method = *pick(rng, &["questionnaire", "document_review", "remote_audit", "on_site_audit"]);
    let input = reviews::rules::normalized(body(json!({
        "kind": kind, "method": method, "scheduled_for": performed_on, "reviewer": names::person(rng),
    }))?);
    let row = reviews::store::create(conn, &seeder.caller, seeder.at, seeder.today, id, input)?;
    let answers: Vec<Value> =
        seeder.catalog.checklist.iter().map(|code| json!({"item": code, "answer": "yes"})).collect();
    let completion = json!({"outcome": outcome, "performed_on": performed_on, "answers": answers,
        "summary": "チェックリストの全項目を確認した"});
    let raw = serde_json::to_vec(&completion).map_err(ApiError::internal)?;
    let done = reviews::store::complete(
        conn,
        &seeder.caller,
        seeder.at,
        seeder.supervision,
        &row.id,
        Expected::Any,
        (Ok(()), &raw),
    )?;
    Ok(done.id)
}

/// A memorandum's dates.
struct Terms {
    effective_from: NaiveDate,
    expires_on: NaiveDate,
    renews: bool,
}

impl Terms {
    /// Yearly renewing terms from `effective_from`.
    fn renewing(effective_from: NaiveDate) -> Self {
        Self { effective_from, expires_on: effective_from + chrono::Months::new(12) - Days::new(1), renews: true }
    }

    /// Fixed terms ending on `expires_on`.
    fn fixed(effective_from: NaiveDate, expires_on: NaiveDate) -> Self {
        Self { effective_from, expires_on: expires_on.max(effective_from), renews: false }
    }
}

/// A memorandum with every required clause and its signed PDF attached, still a draft.
fn memorandum(conn: &mut DbConnection, seeder: &Seeder, id: &str, terms: &Terms) -> Result<String, ApiError> {
    let clauses: Vec<Value> = seeder
        .catalog
        .clauses
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let hours = (code == "incident_notification").then_some(24);
            json!({"code": code, "included": true, "reference": format!("第{}条", i + 1), "notify_within_hours": hours})
        })
        .collect();
    let mut terms_json = json!({
        "title": format!("個人情報の取扱いに関する覚書 ({})", terms.effective_from.format("%Y年%m月")),
        "signed_on": terms.effective_from - Days::new(3), "effective_from": terms.effective_from,
        "expires_on": terms.expires_on,
        "signatories": [
            {"name": "鈴木 一郎", "title": "総務部長", "party": "company"},
            {"name": "佐藤 花子", "title": "代表取締役", "party": "consignee"}
        ],
        "clauses": clauses,
    });
    if terms.renews {
        terms_json["auto_renewal"] = json!({"term_months": 12, "notice_days": 90});
    }
    let input = memoranda::rules::normalized(body(terms_json)?);
    let row = memoranda::store::create(conn, &seeder.caller, seeder.at, id, input)?;
    memoranda::store::attach_document(conn, &seeder.caller, seeder.at, &row.id, Expected::Any, &seeder.pdf)?;
    Ok(row.id)
}

/// An entrustment of one to three categories under `memorandum_id`, started on or after `from`.
fn entrust(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    memorandum_id: &str,
    from: NaiveDate,
) -> Result<String, ApiError> {
    let categories = &seeder.catalog.categories;
    let mut chosen: Vec<&String> = (0..rng.usize(1..4)).map(|_| pick(rng, categories)).collect();
    chosen.sort();
    chosen.dedup();
    let purpose =
        *pick(rng, &["受講者への教材発送", "会員向けメール配信", "決済処理", "問合せ窓口の運営", "基幹システムの保守"]);
    let input = entrustments::rules::normalized(body(json!({
        "memorandum_id": memorandum_id, "categories": chosen, "purpose": purpose,
        "data_subjects": [*pick(rng, &["受講者", "会員", "顧客", "従業員", "来訪者"])],
        "approx_records": rng.i64(100..200_000), "cross_border": [],
        "responsible_department": *pick(rng, &["営業部", "人事部", "情報システム部", "カスタマーサポート部"]),
        "responsible_person": names::person(rng), "started_on": from,
    }))?);
    Ok(entrustments::store::create(conn, &seeder.caller, seeder.at, id, input)?.0.id)
}

/// A Privacy Mark or ISMS certificate, current or `expired`.
fn certification(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    expired: bool,
) -> Result<(), ApiError> {
    let expires_on = match expired {
        true => seeder.today - Days::new(rng.u64(1..90)),
        false => seeder.today + Days::new(rng.u64(120..700)),
    };
    let (scheme, issuer) = *pick(rng, &[("privacy_mark", "JIPDEC"), ("iso_27001", "BSIグループジャパン株式会社")]);
    let input = certifications::store::checked(body(json!({
        "scheme": scheme, "issuer": issuer, "issued_on": expires_on - chrono::Months::new(24),
        "expires_on": expires_on, "certificate_number": format!("第{}号", rng.u32(10_000_000..99_999_999)),
        "scope": "全社",
    }))?)?;
    certifications::store::create(conn, &seeder.caller, seeder.at, id, input)?;
    Ok(())
}

/// A later periodic review that needed improvement, with a finding whose action is past due.
fn finding_overdue(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    selected_on: NaiveDate,
) -> Result<(), ApiError> {
    let performed_on = selected_on + Days::new((seeder.today - selected_on).num_days().clamp(0, 20) as u64);
    let review_id = review(conn, seeder, rng, id, "periodic", "needs_improvement", performed_on)?;
    let input = findings::rules::normalized(body(json!({
        "severity": *pick(rng, &["medium", "high"]), "description": "バックアップ媒体が暗号化されていない",
        "corrective_action": "バックアップ媒体をAES-256で暗号化する",
        // After the review (at least ten days back: selection is 30 or more days ago) and before today.
        "due_on": seeder.today - Days::new(rng.u64(1..10)),
    }))?);
    findings::store::create(conn, &seeder.caller, seeder.at, seeder.today, &review_id, input)?;
    Ok(())
}

/// Ends every entrustment, confirms deletion, terminates the memorandum and the consignee.
fn terminate(
    conn: &mut DbConnection,
    seeder: &Seeder,
    rng: &mut Rng,
    id: &str,
    memorandum_id: &str,
    entrusted: &[String],
    started_on: NaiveDate,
) -> Result<(), ApiError> {
    let span = (seeder.today - started_on).num_days().max(0) as u64;
    let ended_on = started_on + Days::new(span / 2);
    let (caller, at, today) = (&seeder.caller, seeder.at, seeder.today);
    for entrustment in entrusted {
        let ending = body(json!({"ended_on": ended_on}))?;
        entrustments::store::end(conn, caller, at, entrustment, Expected::Any, ending)?;
        let confirmation = body(json!({"deletion_confirmed_on": ended_on + Days::new((span / 4).min(10)),
            "reference": format!("削除証明書 No. {}", rng.u32(1000..9999))}))?;
        entrustments::store::confirm_deletion(conn, caller, at, today, entrustment, Expected::Any, confirmation)?;
    }
    let termination = body(json!({"terminated_on": ended_on, "reason": "業務委託契約の終了"}))?;
    memoranda::store::terminate(conn, caller, at, today, memorandum_id, Expected::Any, termination)?;
    set_status(conn, seeder, id, "terminated", "業務委託契約の終了に伴う")
}
