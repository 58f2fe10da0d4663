//! Property tests (proptest): the parsers and value types over arbitrary input, and the API's
//! cursors, CSV import and merge patches over generated requests against the real server.

use chrono::{Datelike, Months, NaiveDate};
use consignee_registry::consignees::api::{ConsigneeStatus, RiskTier};
use consignee_registry::domain::{corporate_number, country};
use consignee_registry::reviews::{due, schedule};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::helpers::fixtures::create_consignee;
use crate::helpers::{error_fields, spawn_app};

/// Cases per pure property.
const CASES: u32 = 2_000;
/// Requests per API property (each a real request, on both backends).
const REQUESTS: usize = 64;

fn config() -> Config {
    Config { cases: CASES, failure_persistence: None, ..Config::default() }
}

/// `count` values of `strategy` from a fixed seed, to send to the server one by one.
fn samples<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..count).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2200, 1u32..=12, 1u32..=31)
        .prop_filter_map("a day of the calendar", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_twelve_digits_complete_to_a_corporate_number_that_checks(body in 0u64..1_000_000_000_000) {
        let number = corporate_number::with_check_digit(body);
        prop_assert_eq!(number.len(), 13);
        prop_assert_eq!(corporate_number::check(&number), Ok(()));
        prop_assert_eq!(&number[1..], format!("{body:012}"));
    }

    #[test]
    fn changing_one_digit_breaks_the_check_unless_it_moves_by_nine(
        body in 0u64..1_000_000_000_000, at in 0usize..13, to in 0u8..10,
    ) {
        let number = corporate_number::with_check_digit(body);
        let mut changed = number.clone().into_bytes();
        let from = changed[at] - b'0';
        prop_assume!(from != to);
        changed[at] = b'0' + to;
        let changed = String::from_utf8(changed).unwrap();
        let undetectable = at > 0 && from.abs_diff(to) == 9;
        prop_assert_eq!(corporate_number::check(&changed).is_ok(), undetectable, "{} -> {}", number, changed);
    }

    #[test]
    fn the_next_review_falls_after_the_last_within_its_month(last in date(), months in 1u32..=60) {
        let intervals = schedule::ReviewIntervals { high: months, medium: months, low: months };
        let due = schedule::next_due(ConsigneeStatus::Approved, RiskTier::High, None, Some(last), intervals).unwrap();
        prop_assert!(due > last);
        prop_assert_eq!(due.day0() <= last.day0(), true);
        let target = last.with_day(1).unwrap() + Months::new(months);
        prop_assert_eq!((due.year(), due.month()), (target.year(), target.month()));
        prop_assert!(schedule::next_due(ConsigneeStatus::Candidate, RiskTier::High, None, Some(last), intervals).is_none());
    }

    #[test]
    fn any_bytes_parse_to_an_object_or_a_client_error(bytes in prop_oneof![
        any::<Vec<u8>>(),
        "[\\[\\]{}\":,a-z0-9 \\\\]{0,80}".prop_map(String::into_bytes),
    ]) {
        match consignee_registry::http::body::parse::<Value>(&bytes) {
            Ok(value) => prop_assert!(value.is_object()),
            Err(e) => prop_assert!([400, 422].contains(&actix_web::ResponseError::status_code(&e).as_u16())),
        }
    }
}

/// Runs `property` over [`CASES`] values of `strategy`; it answers whether the input was valid.
/// Fails unless valid and invalid inputs each made up at least a fifth of the cases, so neither
/// branch of the property goes untested.
fn valid_and_invalid<S: Strategy>(strategy: S, property: impl Fn(S::Value) -> Result<bool, TestCaseError>) {
    let counts = [std::cell::Cell::new(0u32), std::cell::Cell::new(0u32)];
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |input| {
        let valid = property(input)?;
        counts[usize::from(valid)].set(counts[usize::from(valid)].get() + 1);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    let [invalid, valid] = [counts[0].get(), counts[1].get()];
    eprintln!("{valid} valid and {invalid} invalid inputs");
    assert!(valid >= CASES / 5 && invalid >= CASES / 5, "{valid} valid and {invalid} invalid of {CASES}");
}

/// The HTTP status of a parser's error.
fn status_of(error: &consignee_registry::error::ApiError) -> u16 {
    actix_web::ResponseError::status_code(error).as_u16()
}

/// The check digit of twelve digits computed here from the rule as published (n counted from the
/// right, weight 1 for odd n and 2 for even n), independently of the code under test.
fn published_check_digit(twelve: &[u8; 12]) -> u8 {
    let weighted: u32 = (1..=12).map(|n| u32::from(twelve[12 - n]) * if n % 2 == 1 { 1 } else { 2 }).sum();
    9 - (weighted % 9) as u8
}

/// What `corporate_number::check` must answer for `text`, by the published rule.
fn published_verdict(text: &str) -> Result<(), corporate_number::CorporateNumberError> {
    let digits: Vec<u8> = text.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if digits.len() != 13 || digits.iter().any(|d| *d > 9) {
        return Err(corporate_number::CorporateNumberError::Format);
    }
    let twelve: [u8; 12] = digits[1..].try_into().unwrap();
    if digits[0] == published_check_digit(&twelve) {
        Ok(())
    } else {
        Err(corporate_number::CorporateNumberError::CheckDigit)
    }
}

fn twelve_digits() -> impl Strategy<Value = [u8; 12]> {
    prop::array::uniform12(0u8..10)
}

/// Twelve digits after `check`, as text.
fn spell(check: u8, twelve: [u8; 12]) -> String {
    std::iter::once(check).chain(twelve).map(|d| char::from(b'0' + d)).collect()
}

/// Corporate numbers valid by construction, with the published check digit.
fn valid_corporate_numbers() -> impl Strategy<Value = String> {
    twelve_digits().prop_map(|twelve| spell(published_check_digit(&twelve), twelve))
}

/// Corporate numbers in proportion: valid by construction, a wrong check digit, one character
/// of a valid number replaced or one too many or too few, and arbitrary text.
fn corporate_number_candidates() -> impl Strategy<Value = String> {
    let wrong_check =
        (twelve_digits(), 1u8..10).prop_map(|(twelve, by)| spell((published_check_digit(&twelve) + by) % 10, twelve));
    let with = prop_oneof![Just('a'), Just(' '), Just('０'), Just('-'), Just('٣')];
    let replaced = (valid_corporate_numbers(), 0usize..13, with).prop_map(|(number, at, with)| {
        number.chars().enumerate().map(|(i, c)| if i == at { with } else { c }).collect()
    });
    let resized = (valid_corporate_numbers(), any::<bool>()).prop_map(|(number, longer)| {
        if longer {
            format!("{number}0")
        } else {
            number[1..].to_owned()
        }
    });
    prop_oneof![4 => valid_corporate_numbers(), 2 => wrong_check, 1 => replaced, 1 => resized, 2 => any::<String>()]
}

#[test]
fn a_corporate_number_is_accepted_exactly_when_its_published_check_digit_matches() {
    valid_and_invalid(corporate_number_candidates(), |text| {
        let verdict = corporate_number::check(&text);
        prop_assert_eq!(verdict, published_verdict(&text), "{:?}", text);
        Ok(verdict.is_ok())
    });
}

/// Assigned codes named here independently of the code's table.
const KNOWN_COUNTRIES: [&str; 20] = [
    "JP", "US", "DE", "FR", "GB", "CN", "KR", "IN", "BR", "CA", "AU", "IT", "ES", "NL", "SE", "CH", "SG", "TW", "VN",
    "ZA",
];

/// Whether ISO 3166-1 leaves `pair` (two capitals) to users, so it is never assigned: AA, QM–QZ,
/// XA–XZ, ZZ.
fn user_assigned(pair: &str) -> bool {
    pair == "AA" || pair == "ZZ" || pair.starts_with('X') || (pair.starts_with('Q') && pair.as_bytes()[1] >= b'M')
}

/// Country codes in proportion: known assigned ones, any two capitals (about a third are
/// assigned), codes users may assign, near misses of known codes, and arbitrary text.
fn country_candidates() -> impl Strategy<Value = String> {
    let known = || prop::sample::select(KNOWN_COUNTRIES.to_vec()).prop_map(str::to_owned);
    let near = (known(), 0..4usize).prop_map(|(code, how)| match how {
        0 => code.to_ascii_lowercase(),
        1 => format!("{code}N"),
        2 => format!(" {code}"),
        _ => code.chars().map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap()).collect(), // full width
    });
    let reserved = prop_oneof![Just("AA".to_owned()), Just("ZZ".to_owned()), "Q[M-Z]", "X[A-Z]"];
    prop_oneof![3 => known(), 3 => "[A-Z]{2}", 1 => reserved, 2 => near, 1 => any::<String>()]
}

#[test]
fn known_codes_are_assigned_and_nothing_but_two_capitals_is() {
    valid_and_invalid(country_candidates(), |text| {
        let assigned = country::is_assigned(&text);
        let capitals = text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase());
        if KNOWN_COUNTRIES.contains(&text.as_str()) {
            prop_assert!(assigned, "{:?} is assigned", text);
        }
        if !capitals || user_assigned(&text) {
            prop_assert!(!assigned, "{:?} is not assigned", text);
        }
        prop_assert!(!country::is_assigned(&text.to_ascii_lowercase()), "lower case is never a code: {:?}", text);
        Ok(assigned)
    });
}

/// The last day of a month (the next month's first, less a day).
fn month_end(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap() + Months::new(1) - chrono::Days::new(1)
}

/// A due-list cursor with the position it must parse to, or `None` when it must be a 400: valid
/// by construction (a day past its month's end comes after the whole month), one piece broken,
/// and arbitrary text.
fn due_cursors() -> impl Strategy<Value = (String, Option<(NaiveDate, String)>)> {
    let parts = (1900i32..2200, 1u32..=12, 1u32..=31, any::<u128>());
    let valid = parts.prop_map(|(year, month, day, id)| {
        let id = uuid::Uuid::from_u128(id).to_string();
        let expected = match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) => (date, id.clone()),
            None => (month_end(year, month), uuid::Uuid::max().to_string()),
        };
        (format!("{year:04}-{month:02}-{day:02}_{id}"), Some(expected))
    });
    let broken = (valid.clone(), 0..7usize).prop_map(|((text, _), how)| {
        let broken = match how {
            0 => text.replacen('_', "-", 1),
            1 => text[..text.len() - 1].to_owned(),
            2 => text.replacen('-', "/", 1),
            3 => format!("{}13{}", &text[..5], &text[7..]),
            4 => format!("{}00{}", &text[..8], &text[10..]),
            5 => format!("{}32{}", &text[..8], &text[10..]),
            _ => format!("{text}x"),
        };
        (broken, None)
    });
    prop_oneof![2 => valid, 1 => broken, 1 => any::<String>().prop_map(|text| (text, None))]
}

#[test]
fn a_due_list_cursor_is_its_position_or_a_400() {
    valid_and_invalid(due_cursors(), |(text, expected)| {
        let parsed = due::cursor(&text).map_err(|e| status_of(&e));
        let valid = parsed.is_ok();
        match expected {
            Some(position) => prop_assert_eq!(parsed, Ok(position), "{:?}", text),
            None => prop_assert_eq!(parsed, Err(400), "{:?}", text),
        }
        Ok(valid)
    });
    let (day, id) = (NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(), uuid::Uuid::now_v7().to_string());
    assert_eq!(due::cursor(&format!("{day}_{id}")).unwrap(), (day, id), "a next_cursor round-trips");
}

/// A `within` value with the days it must mean, or `None` when it must be a 422 naming `within`:
/// up to four digits (zero-padded or not) and `d`, at most 3650; near misses; arbitrary text.
fn review_windows() -> impl Strategy<Value = (String, Option<u64>)> {
    let valid = (0u64..=3650, 0usize..4).prop_map(|(days, pad)| {
        let width = days.to_string().len().max(pad + 1).min(4);
        (format!("{days:0width$}d"), Some(days))
    });
    let near = prop_oneof![
        (3651u64..10_000).prop_map(|days| format!("{days}d")),
        (0u64..=3650).prop_map(|days| format!("{days:05}d")),
        (0u64..=3650).prop_map(|days| days.to_string()),
        (0u64..=3650).prop_map(|days| format!("{days}D")),
        (0u64..=3650).prop_map(|days| format!(" {days}d")),
        (0u64..=3650).prop_map(|days| format!("{days}d ")),
        (0u64..=3650).prop_map(|days| format!("-{days}d")),
        (0u64..=3650).prop_map(|days| format!("+{days}d")),
        (0u64..=3650).prop_map(|days| format!("{days}days")),
        Just("d".to_owned()),
        Just("３０d".to_owned()),
    ];
    prop_oneof![2 => valid, 1 => near.prop_map(|text| (text, None)), 1 => "\\PC{0,8}".prop_map(|text| {
        let days = text.strip_suffix('d').filter(|n| (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
        let days = days.map(|n| n.parse::<u64>().unwrap()).filter(|n| *n <= 3650);
        (text, days)
    })]
}

#[test]
fn a_review_window_is_its_days_up_to_ten_years_or_a_422_naming_within() {
    valid_and_invalid(review_windows(), |(text, expected)| {
        let parsed = due::window(Some(&text));
        match (&parsed, expected) {
            (Ok(days), Some(want)) => prop_assert_eq!(*days, want, "{:?}", text),
            (Err(consignee_registry::error::ApiError::Validation(errors)), None) => {
                prop_assert_eq!(status_of(parsed.as_ref().unwrap_err()), 422);
                prop_assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), vec!["within"]);
            }
            (other, want) => prop_assert!(false, "{:?}: {:?}, expected {:?}", text, other, want),
        }
        Ok(parsed.is_ok())
    });
}

/// Text a caller could put anywhere: tricky characters, lengths and encodings.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,20}",
        "[ぁ-んァ-ン一-龥]{1,12}",
        Just(String::new()),
        Just("   ".to_owned()),
        Just("\"quoted, with comma\"".to_owned()),
        Just("line\nbreak".to_owned()),
        Just("1234567890123".to_owned()),
        (0u64..1_000_000_000_000).prop_map(corporate_number::with_check_digit),
        prop_oneof![Just("JP"), Just("US"), Just("XX"), Just("jp"), Just("high"), Just("low"), Just("extreme")]
            .prop_map(str::to_owned),
        "\\PC{0,30}",
    ]
}

fn csv_body() -> impl Strategy<Value = Vec<u8>> {
    let columns = ["legal_name", "country", "risk_tier", "notes", "corporate_number", "contact_email", "bogus"];
    let header = proptest::sample::subsequence(columns.to_vec(), 1..=columns.len());
    let structured = header.prop_flat_map(|header| {
        let width = header.len();
        let rows = prop::collection::vec(prop::collection::vec(text(), width..=width + 1), 0..6);
        rows.prop_map(move |rows| {
            let mut csv = header.join(",");
            for row in rows {
                csv.push_str("\r\n");
                csv.push_str(&row.join(","));
            }
            csv.into_bytes()
        })
    });
    prop_oneof![1 => prop::collection::vec(any::<u8>(), 0..400), 3 => structured]
}

#[tokio::test]
async fn arbitrary_csv_imports_everything_or_nothing_and_never_fails_the_server() {
    let app = spawn_app().await;
    let (mut imported, mut refused) = (0, 0);
    for body in samples(csv_body(), REQUESTS) {
        let before = app.all_consignees().await.len();
        let response = app
            .request(Method::POST, "/api/v1/consignees/import", "procurement")
            .header("content-type", "text/csv")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let after = app.all_consignees().await.len();
        match status {
            200 => {
                imported += 1;
                assert_eq!(after, before + answer["created"].as_u64().unwrap() as usize, "{answer}");
            }
            400 | 415 | 422 => {
                refused += 1;
                assert_eq!(after, before, "a refused import wrote nothing: {answer}");
            }
            other => panic!("{other} for {:?}: {answer}", String::from_utf8_lossy(&body)),
        }
    }
    assert!(imported > 0 && refused > 0, "both outcomes were exercised: {imported} imported, {refused} refused");
    let (_, report) = app.get_json("/api/v1/audit/verify").await;
    assert_eq!(report["valid"], true, "{report}");
}

#[tokio::test]
async fn arbitrary_cursors_are_a_page_or_a_client_error_that_reveals_nothing() {
    let app = spawn_app().await;
    create_consignee(&app, "Cursor KK").await;
    let lists =
        ["/api/v1/consignees", "/api/v1/events", "/api/v1/reviews/due", "/api/v1/audit/events", "/api/v1/memoranda"];
    for cursor in samples(prop_oneof!["\\PC{0,40}", any::<String>(), "[0-9-]{1,24}", "[0-9a-f-]{36}"], REQUESTS) {
        for list in lists {
            let response = app.request(Method::GET, list, "admin").query(&[("cursor", &cursor)]).send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap().to_lowercase();
            assert!([200, 400, 422].contains(&status), "{list} with {cursor:?}: {status} {text}");
            for leak in ["select", "diesel", "panicked", "sqlite", "postgres", "syntax error"] {
                assert!(!text.contains(leak), "{list} with {cursor:?} revealed {leak}: {text}");
            }
        }
    }
}

/// One field of a merge patch: absent, `null`, or a value.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Clear,
    Set(Value),
}

fn edit(values: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Edit> {
    prop_oneof![3 => Just(Edit::Keep), 1 => Just(Edit::Clear), 2 => values.prop_map(Edit::Set)]
}

/// A merge patch over the consignee's fields, each with its invalid values.
fn merge_patch() -> impl Strategy<Value = Vec<(&'static str, Edit)>> {
    let name = || "[a-zA-Z][a-zA-Z ]{0,10}[a-z]".prop_map(|n| json!(format!("{n} KK")));
    let blank = Just(json!("   "));
    let tier = prop_oneof![Just(json!("low")), Just(json!("medium")), Just(json!("high")), Just(json!("extreme"))];
    let email = prop_oneof![Just(json!("dpo@example.co.jp")), Just(json!("not-an-email"))];
    (edit(prop_oneof![name(), blank]), edit(tier), edit(name()), edit(name()), edit(email), edit(name())).prop_map(
        |(legal_name, risk_tier, notes, address, email, contact_name)| {
            vec![
                ("legal_name", legal_name),
                ("risk_tier", risk_tier),
                ("notes", notes),
                ("address", address),
                ("contact.email", email),
                ("contact.name", contact_name),
            ]
        },
    )
}

/// The fields a 422 must name: a value of the wrong shape (an unknown risk tier) stops the body
/// being read, so it alone; otherwise every required field cleared and every invalid value.
fn refused_fields(patch: &[(&'static str, Edit)]) -> Vec<&'static str> {
    if patch.iter().any(|(_, edit)| matches!(edit, Edit::Set(v) if v == "extreme")) {
        return vec!["risk_tier"];
    }
    let invalid = [json!("   "), json!("not-an-email")];
    patch
        .iter()
        .filter(|(field, edit)| match edit {
            Edit::Clear => ["legal_name", "risk_tier"].contains(field),
            Edit::Set(value) => invalid.contains(value),
            Edit::Keep => false,
        })
        .map(|(field, _)| *field)
        .collect()
}

fn patch_body(patch: &[(&'static str, Edit)]) -> Value {
    let mut body = Map::new();
    for (field, edit) in patch {
        let value = match edit {
            Edit::Keep => continue,
            Edit::Clear => Value::Null,
            Edit::Set(value) => value.clone(),
        };
        match field.split_once('.') {
            Some((outer, inner)) => {
                let nested = body.entry(outer).or_insert_with(|| json!({}));
                nested[inner] = value;
            }
            None => {
                body.insert((*field).to_owned(), value);
            }
        }
    }
    Value::Object(body)
}

fn field<'a>(consignee: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(consignee, |value, key| &value[key])
}

#[tokio::test]
async fn merge_patches_change_exactly_the_fields_they_name_or_nothing() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Patched KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let (mut current, mut applied, mut refused_count) = (created, 0, 0);
    for patch in samples(merge_patch(), REQUESTS) {
        let body = patch_body(&patch);
        let response = app
            .request(Method::PATCH, &path, "procurement")
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap();
        let refused = refused_fields(&patch);
        let (_, stored) = app.get_json(&path).await;
        if !refused.is_empty() {
            assert_eq!(status, 422, "{body} → {answer}");
            let named = error_fields(&answer);
            for field in refused {
                assert!(named.iter().any(|n| n == field || n.ends_with(field)), "{field} not in {named:?} for {body}");
            }
            assert_eq!(stored, current, "a refused patch changed nothing");
            refused_count += 1;
            continue;
        }
        assert_eq!(status, 200, "{body} → {answer}");
        for (name, edit) in &patch {
            let expected = match edit {
                Edit::Keep => field(&current, name).clone(),
                Edit::Clear => Value::Null,
                Edit::Set(value) => value.clone(),
            };
            assert_eq!(field(&stored, name), &expected, "{name} after {body}");
        }
        assert_eq!(stored["corporate_number"], current["corporate_number"], "an unnamed field is kept");
        (current, applied) = (stored, applied + 1);
    }
    assert!(
        applied > 5 && refused_count > 5,
        "both outcomes were exercised: {applied} applied, {refused_count} refused"
    );
}
