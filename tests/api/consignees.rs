//! Creating, reading, patching and deleting consignees, and every way a request is refused.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{
    completed_review, consignee_body, consignee_in_status, corporate_number, create_consignee, create_consignee_from,
};
use crate::helpers::{error_fields, json, problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn create_returns_201_with_location_and_the_stored_body() {
    let app = spawn_app().await;
    let mut body = consignee_body("  株式会社サンプル物流  ");
    body["corporate_number"] = json!("7000012050002");
    let response = app.request(Method::POST, "/api/v1/consignees", "procurement").json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("\"1-"), "version 1 and a digest of the derived summary: {etag}");
    let created: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/consignees/{}", created["id"].as_str().unwrap()));
    assert_eq!(created["legal_name"], "株式会社サンプル物流", "trimmed");
    assert_eq!(created["status"], "candidate");
    assert_eq!(created["version"], 1);
    assert_eq!(created["created_by"], "tester-procurement");
    assert_eq!(created["contact"]["email"], "privacy@example.co.jp");
    let (status, fetched) = app.get_json(&location).await;
    assert_eq!(status, 200);
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_derived_etag_keeps_64_bits_of_its_digest() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "株式会社タグ").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let response = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let (version, digest) = etag.trim_matches('"').split_once('-').unwrap();
    assert_eq!(version, "1", "{etag}");
    assert!(digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit()), "16 hex digits: {etag}");
}

#[tokio::test]
async fn create_applies_defaults() {
    let app = spawn_app().await;
    let created = create_consignee_from(&app, &json!({"legal_name": "Minimal KK", "country": "de"})).await;
    assert_eq!(created["country"], "DE");
    assert_eq!(created["risk_tier"], "medium");
    assert_eq!(created["contact"], Value::Null);
    let created = create_consignee_from(&app, &json!({"legal_name": "Default Country KK"})).await;
    assert_eq!(created["country"], "JP");
}

#[tokio::test]
async fn invalid_fields_are_all_listed_and_nothing_is_stored() {
    let app = spawn_app().await;
    let body = json!({
        "legal_name": "   ",
        "corporate_number": "1000012050002",
        "country": "XX",
        "contact": {"email": "not-an-address", "phone": "call me"},
        "name_en": "x".repeat(201)
    });
    let response = app.request(Method::POST, "/api/v1/consignees", "procurement").json(&body).send().await.unwrap();
    let problem = problem(response, 422).await;
    let fields = error_fields(&problem);
    for field in ["legal_name", "corporate_number", "country", "contact.email", "contact.phone", "name_en"] {
        assert!(fields.contains(&field.to_owned()), "{field} missing from {fields:?}");
    }
    let check = problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == "corporate_number").unwrap();
    assert_eq!(check["code"], "check_digit");
    assert!(app.all_consignees().await.is_empty());
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_the_right_status() {
    let app = spawn_app().await;
    let post = || app.request(Method::POST, "/api/v1/consignees", "procurement");
    let body =
        problem(post().header("content-type", "application/json").body("{\"legal_name\": ").send().await.unwrap(), 400)
            .await;
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON"));
    problem(post().header("content-type", "text/plain").body("{}").send().await.unwrap(), 415).await;
    problem(post().body("{}").send().await.unwrap(), 415).await;
    let unknown = post().json(&json!({"legal_name": "A", "colour": "red"})).send().await.unwrap();
    assert_eq!(error_fields(&problem(unknown, 422).await), ["colour"]);
    let wrong_type = post().json(&json!({"legal_name": 42})).send().await.unwrap();
    assert_eq!(error_fields(&problem(wrong_type, 422).await), ["legal_name"]);
    let not_object = problem(post().json(&json!({"legal_name": "A", "contact": "x"})).send().await.unwrap(), 422).await;
    let message = not_object["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("an object") && !message.contains("Contact"), "no internal type names: {message}");
    let missing = post().json(&json!({"country": "JP"})).send().await.unwrap();
    assert_eq!(error_fields(&problem(missing, 422).await), ["legal_name"]);
    let nul = post().json(&json!({"legal_name": "A", "contact": {"name": "a\u{0}b"}})).send().await.unwrap();
    assert_eq!(error_fields(&problem(nul, 422).await), ["contact.name"], "PostgreSQL cannot store NUL");
    let nul_key = post().header("content-type", "application/json").body(r#"{"legal_name": "A", "x\u0000y": 1}"#);
    let echoed = problem(nul_key.send().await.unwrap(), 422).await;
    assert_eq!(error_fields(&echoed), ["x\u{FFFD}y"], "no response carries NUL");
    let bad_enum = post().json(&json!({"legal_name": "A", "risk_tier": "extreme"})).send().await.unwrap();
    assert_eq!(error_fields(&problem(bad_enum, 422).await), ["risk_tier"]);
    assert!(app.all_consignees().await.is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app_with(|s| s.body_limit = 1024).await;
    let body = json!({"legal_name": "A", "notes": "n".repeat(2000)});
    let response = app.request(Method::POST, "/api/v1/consignees", "procurement").json(&body).send().await.unwrap();
    problem(response, 413).await;
    assert!(app.all_consignees().await.is_empty());
}

#[tokio::test]
async fn a_duplicate_corporate_number_is_409_and_changes_nothing() {
    let app = spawn_app().await;
    let number = corporate_number(123_456_789);
    let mut body = consignee_body("First KK");
    body["corporate_number"] = json!(number);
    let first = create_consignee_from(&app, &body).await;
    body["legal_name"] = json!("Second KK");
    let response = app.request(Method::POST, "/api/v1/consignees", "procurement").json(&body).send().await.unwrap();
    let problem_body = problem(response, 409).await;
    assert!(problem_body["detail"].as_str().unwrap().contains(&number));
    let other = create_consignee(&app, "Third KK").await;
    let path = format!("/api/v1/consignees/{}", other["id"].as_str().unwrap());
    let (status, _) = app.patch_json(&path, "procurement", &json!({"corporate_number": number})).await;
    assert_eq!(status, 409);
    let all = app.all_consignees().await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], first);
    assert_eq!(all[1], other);
}

#[tokio::test]
async fn unknown_and_invalid_ids_are_404() {
    let app = spawn_app().await;
    let unknown = app
        .request(Method::GET, "/api/v1/consignees/01900000-0000-7000-8000-000000000000", "viewer")
        .send()
        .await
        .unwrap();
    problem(unknown, 404).await;
    let invalid = app.request(Method::GET, "/api/v1/consignees/not-a-uuid", "viewer").send().await.unwrap();
    problem(invalid, 404).await;
    let seq = app.request(Method::POST, "/api/v1/audit/events/abc/redact", "admin").send().await.unwrap();
    let detail = problem(seq, 404).await["detail"].as_str().unwrap().to_owned();
    assert!(!detail.contains("i64"), "{detail}");
    let patch = app
        .request(Method::PATCH, "/api/v1/consignees/01900000-0000-7000-8000-000000000000", "procurement")
        .header("content-type", "application/merge-patch+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(patch, 404).await;
}

#[tokio::test]
async fn patch_merges_per_rfc_7396() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Patch KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let patch = json!({"notes": null, "risk_tier": "low", "contact": {"phone": null, "name": "佐藤 花子"}});
    let (status, patched) = app.patch_json(&path, "procurement", &patch).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["notes"], Value::Null, "null clears");
    assert_eq!(patched["risk_tier"], "low");
    assert_eq!(patched["legal_name"], "Patch KK", "absent stays");
    assert_eq!(patched["address"], created["address"], "absent stays");
    assert_eq!(patched["contact"], json!({"name": "佐藤 花子", "email": "privacy@example.co.jp", "phone": null}));
    assert_eq!(patched["version"], 2);
    assert_eq!(patched["updated_by"], "tester-procurement");
    let (_, plain) =
        json(app.request(Method::PATCH, &path, "procurement").json(&json!({"contact": null})).send().await.unwrap())
            .await;
    assert_eq!(plain["contact"], Value::Null, "application/json works and null removes the object");
    let (_, fetched) = app.get_json(&path).await;
    assert_eq!(fetched, plain);
}

#[tokio::test]
async fn a_rejected_patch_leaves_the_consignee_unchanged() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Stable KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    for (patch, field) in [
        (json!({"legal_name": null}), "legal_name"),
        (json!({"legal_name": ""}), "legal_name"),
        (json!({"country": "ZZ"}), "country"),
        (json!({"contact": {"email": "x"}}), "contact.email"),
        (json!({"contact": {"fax": "1"}}), "contact.fax"),
        (json!({"status": "approved"}), "status"),
    ] {
        let (status, body) = app.patch_json(&path, "procurement", &patch).await;
        assert_eq!(status, 422, "{patch}");
        assert!(error_fields(&body).contains(&field.to_owned()), "{patch}: {body}");
    }
    let response = app
        .request(Method::PATCH, &path, "procurement")
        .header("content-type", "application/merge-patch+json")
        .body("{\"notes\": ")
        .send()
        .await
        .unwrap();
    problem(response, 400).await;
    let (_, fetched) = app.get_json(&path).await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn etags_give_304_and_a_stale_if_match_is_412() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Etag KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let response = app.request(Method::GET, &path, "viewer").send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let cached = app.request(Method::GET, &path, "viewer").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(cached.status(), 304);
    let patch = |tag: &str| {
        app.request(Method::PATCH, &path, "procurement")
            .header("content-type", "application/merge-patch+json")
            .header("if-match", tag.to_owned())
            .body(r#"{"notes": "changed"}"#)
    };
    let changed = patch(&etag).header("if-none-match", "\"2\"").send().await.unwrap();
    assert_eq!(changed.status(), 200, "a change is never answered 304");
    let etag2 = changed.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag2.starts_with("\"2-"), "{etag2}");
    problem(patch("version one").send().await.unwrap(), 400).await;
    problem(patch("W/\"2\"").send().await.unwrap(), 412).await;
    let listed = app
        .request(Method::GET, &path, "viewer")
        .header("if-none-match", format!("\"9\", W/{etag2}"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 304, "a weak tag in a list matches for If-None-Match");
    for malformed in ["", "not-a-tag"] {
        let response = app.request(Method::GET, &path, "viewer").header("if-none-match", malformed).send().await;
        problem(response.unwrap(), 400).await;
    }
    let stale = problem(patch(&etag).send().await.unwrap(), 412).await;
    assert!(stale["detail"].as_str().unwrap().contains("version 2"));
    let (_, fetched) = app.get_json(&path).await;
    assert_eq!(fetched["version"], 2);
}

#[tokio::test]
async fn if_match_can_be_required() {
    let app = spawn_app_with(|s| s.require_if_match = true).await;
    let created = create_consignee(&app, "Strict KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let (status, _) = app.patch_json(&path, "procurement", &json!({"notes": "x"})).await;
    assert_eq!(status, 428);
    let response = app
        .request(Method::PATCH, &path, "procurement")
        .header("content-type", "application/merge-patch+json")
        .header("if-match", "\"1\"")
        .body(r#"{"notes": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn only_a_candidate_can_be_deleted() {
    let app = spawn_app().await;
    let candidate = create_consignee(&app, "Mistake KK").await;
    let path = format!("/api/v1/consignees/{}", candidate["id"].as_str().unwrap());
    let response = app.request(Method::DELETE, &path, "procurement").send().await.unwrap();
    assert_eq!(response.status(), 204);
    problem(app.request(Method::GET, &path, "viewer").send().await.unwrap(), 404).await;
    for status in ["approved", "rejected", "suspended", "terminated"] {
        let kept = consignee_in_status(&app, &format!("Kept {status}"), status).await;
        let path = format!("/api/v1/consignees/{}", kept["id"].as_str().unwrap());
        let refused = problem(app.request(Method::DELETE, &path, "admin").send().await.unwrap(), 409).await;
        assert!(refused["detail"].as_str().unwrap().contains(status));
        let (code, still) = app.get_json(&path).await;
        assert_eq!((code, &still), (200, &kept));
    }
}

#[tokio::test]
async fn wrong_methods_are_405_and_unknown_paths_404() {
    let app = spawn_app().await;
    let response = app.request(Method::PUT, "/api/v1/consignees", "admin").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    problem(response, 405).await;
    let created = create_consignee(&app, "Method KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let response = app.request(Method::POST, &path, "admin").send().await.unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("PATCH") && allow.contains("DELETE"), "{allow}");
    problem(response, 405).await;
    problem(app.request(Method::GET, "/api/v1/nothing-here", "admin").send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn concurrent_changes_to_one_version_let_exactly_one_win() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Race KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    let mut racers = Vec::new();
    for i in 0..50 {
        let request = app
            .request(Method::PATCH, &path, "procurement")
            .header("content-type", "application/merge-patch+json")
            .header("if-match", "\"1\"")
            .body(json!({"notes": format!("writer {i}")}).to_string());
        racers.push(tokio::spawn(async move { request.send().await.unwrap().status().as_u16() }));
    }
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 409, 412].contains(s)), "{statuses:?}");
    let (_, fetched) = app.get_json(&path).await;
    assert_eq!(fetched["version"], 2);
    let (_, trail) = app
        .get_json(&format!(
            "/api/v1/audit/events?action=consignee.updated&resource_id={}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 1, "one change, one event");
}

/// 50 clients each read the notes, add their own mark and write them back with `If-Match`,
/// retrying on 412: every mark arrives, one version per client, one audit event per version.
#[tokio::test]
async fn fifty_read_modify_write_clients_lose_no_update() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Fifty writers KK").await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/consignees/{id}");
    let mut clients = Vec::new();
    for i in 0..50 {
        let (client, url) = (app.client.clone(), format!("{}{path}", app.address));
        let bearer = crate::helpers::token(&format!("writer-{i}"), "procurement");
        clients.push(tokio::spawn(async move {
            for attempt in 1.. {
                let current = client.get(&url).bearer_auth(&bearer).send().await.unwrap();
                let etag = current.headers()["etag"].to_str().unwrap().to_owned();
                let notes = current.json::<Value>().await.unwrap()["notes"].as_str().unwrap_or("").to_owned();
                let patch = json!({"notes": format!("{notes} [writer {i}]")});
                let response = client
                    .patch(&url)
                    .bearer_auth(&bearer)
                    .header("content-type", "application/merge-patch+json")
                    .header("if-match", etag)
                    .body(patch.to_string())
                    .send()
                    .await
                    .unwrap();
                match response.status().as_u16() {
                    200 => return attempt,
                    409 | 412 | 503 => continue,
                    other => panic!("writer {i}: {other} {}", response.text().await.unwrap()),
                }
            }
            unreachable!()
        }));
    }
    let mut attempts = 0;
    for client in clients {
        attempts += client.await.unwrap();
    }
    let (_, stored) = app.get_json(&path).await;
    assert_eq!(stored["version"], 51, "one version per client");
    let notes = stored["notes"].as_str().unwrap();
    for i in 0..50 {
        assert_eq!(notes.matches(&format!("[writer {i}]")).count(), 1, "writer {i}'s line, once: {notes}");
    }
    let trail = format!("/api/v1/audit/events?action=consignee.updated&resource_id={id}&limit=200");
    let (_, trail) = app.get_json(&trail).await;
    assert_eq!(trail["items"].as_array().unwrap().len(), 50, "one audit event per update ({attempts} attempts)");
}

#[tokio::test]
async fn a_delete_racing_an_approval_never_deletes_an_approved_consignee() {
    let app = spawn_app().await;
    for round in 0..5 {
        let created = create_consignee(&app, &format!("Contested {round} KK")).await;
        let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
        let delete = app.request(Method::DELETE, &path, "admin").send();
        let approve = app
            .request(Method::POST, &format!("{path}/status"), "privacy_officer")
            .json(&json!({"status": "approved", "reason": "race"}))
            .send();
        let (deleted, approved) = tokio::join!(delete, approve);
        let (deleted, approved) = (deleted.unwrap().status().as_u16(), approved.unwrap().status().as_u16());
        let (status, now) = app.get_json(&path).await;
        match (deleted, approved) {
            (204, 404 | 409) => assert_eq!(status, 404, "round {round}: deleted first, the approval found it gone"),
            (409, 200) => assert_eq!((status, now["status"].as_str()), (200, Some("approved")), "round {round}"),
            other => panic!("round {round}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_stale_if_match_on_delete_or_status_change_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let created = create_consignee(&app, "Guarded KK").await;
    let path = format!("/api/v1/consignees/{}", created["id"].as_str().unwrap());
    app.patch_json(&path, "procurement", &json!({"notes": "now at version 2"})).await;
    let delete = app.request(Method::DELETE, &path, "procurement").header("if-match", "\"1\"");
    problem(delete.send().await.unwrap(), 412).await;
    let status = app
        .request(Method::POST, &format!("{path}/status"), "privacy_officer")
        .header("if-match", "\"1\"")
        .json(&json!({"status": "approved", "reason": "stale"}))
        .send()
        .await
        .unwrap();
    problem(status, 412).await;
    let (code, now) = app.get_json(&path).await;
    assert_eq!((code, now["status"].as_str(), now["version"].as_i64()), (200, Some("candidate"), Some(2)));
    completed_review(&app, created["id"].as_str().unwrap(), "selection", "satisfactory").await;
    let approve = app
        .request(Method::POST, &format!("{path}/status"), "privacy_officer")
        .header("if-match", "\"1\", \"2\"")
        .json(&json!({"status": "approved", "reason": "current"}))
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status(), 200, "a list naming the current version matches");
    let bare = app.request(Method::DELETE, &path, "admin").header("if-match", "3").send().await.unwrap();
    assert_eq!(bare.status(), 409, "a bare version number is accepted; an approved consignee is kept");
}

/// Reads reuse a consignee's derived values only while nothing they derive from has changed:
/// a shared category made sensitive, and a change written through another node, both show at once.
#[tokio::test]
async fn derived_values_kept_between_reads_follow_every_change() {
    let app = spawn_app().await;
    let (consignee, memorandum, _) =
        crate::helpers::fixtures::entrusted_consignee(&app, "キャッシュ物流株式会社").await;
    let path = format!("/api/v1/consignees/{}", consignee["id"].as_str().unwrap());
    let (_, before) = app.get_json(&path).await;
    assert_eq!(before["holds_sensitive"], false, "{before}");
    let (_, again) = app.get_json(&path).await;
    assert_eq!(again, before);
    let sensitive = serde_json::json!({"sensitive": true});
    let (status, _) = app.patch_json("/api/v1/data-categories/contact_details", "admin", &sensitive).await;
    assert_eq!(status, 200);
    let (_, after) = app.get_json(&path).await;
    assert_eq!(after["holds_sensitive"], true, "a shared change shows: {after}");
    let other = app.second_node(|_| {}).await;
    let terminate = serde_json::json!({"terminated_on": "2026-01-05", "reason": "契約終了"});
    let memorandum_path = format!("/api/v1/memoranda/{}/terminate", memorandum["id"].as_str().unwrap());
    let (status, body) = other.post_json(&memorandum_path, "procurement", &terminate).await;
    assert_eq!(status, 200, "{body}");
    let (_, now) = app.get_json(&path).await;
    assert_eq!(now["memoranda_summary"]["in_force"], serde_json::json!([]), "another node's write shows: {now}");
    assert_ne!(now["compliance_status"], after["compliance_status"]);
}

/// The day is part of what a kept view was derived under: the next review falls due overnight.
#[tokio::test]
async fn derived_values_kept_between_reads_move_with_the_date() {
    let start: chrono::DateTime<chrono::Utc> = "2026-03-01T03:00:00Z".parse().unwrap();
    let clock = std::sync::Arc::new(consignee_registry::clock::ManualClock::new(start));
    let app = crate::helpers::spawn_app_at(clock.clone(), |_| {}).await;
    let consignee = crate::helpers::fixtures::approved_consignee(&app, "日付商事株式会社").await;
    let path = format!("/api/v1/consignees/{}", consignee["id"].as_str().unwrap());
    let (_, today) = app.get_json(&path).await;
    let due: chrono::NaiveDate = today["next_review_due"].as_str().unwrap().parse().unwrap();
    assert_eq!(today["review_overdue"], false, "{today}");
    clock.set(due.succ_opt().unwrap().and_hms_opt(3, 0, 0).unwrap().and_utc());
    let (_, later) = app.get_json(&path).await;
    assert_eq!(later["review_overdue"], true, "{later}");
    assert_eq!(later["compliance_status"], "non_compliant", "{later}");
}
