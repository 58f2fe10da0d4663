//! The consignee list: keyset pages, filters, and the normalized name search.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::fixtures::{consignee_body, consignee_in_status, create_consignee, create_consignee_from};
use crate::helpers::{error_fields, problem, spawn_app};

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["legal_name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn pages_follow_creation_order_with_cursor_and_link() {
    let app = spawn_app().await;
    for i in 0..5 {
        create_consignee(&app, &format!("Company {i}")).await;
    }
    let mut path = "/api/v1/consignees?limit=2&risk_tier=high".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let response = app.request(Method::GET, &path, "viewer").send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_owned());
        let page: Value = response.json().await.unwrap();
        seen.extend(names(&page));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                let link = link.expect("a Link header with a next page");
                assert!(link.ends_with("rel=\"next\""), "{link}");
                assert!(link.contains(cursor) && link.contains("risk_tier=high") && link.contains("limit=2"), "{link}");
                path = link.trim_start_matches('<').split('>').next().unwrap().to_owned();
            }
            None => {
                assert!(link.is_none());
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..5).map(|i| format!("Company {i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn filters_by_status_risk_tier_and_country() {
    let app = spawn_app().await;
    consignee_in_status(&app, "Approved JP", "approved").await;
    consignee_in_status(&app, "Candidate JP", "candidate").await;
    let mut body = consignee_body("Low DE");
    body["country"] = json!("DE");
    body["risk_tier"] = json!("low");
    create_consignee_from(&app, &body).await;
    let list = |query: &'static str| {
        let app = &app;
        async move { app.get_json(&format!("/api/v1/consignees?{query}")).await.1 }
    };
    assert_eq!(names(&list("status=approved").await), ["Approved JP"]);
    assert_eq!(names(&list("status=candidate").await), ["Candidate JP", "Low DE"]);
    assert_eq!(names(&list("risk_tier=low").await), ["Low DE"]);
    assert_eq!(names(&list("country=de").await), ["Low DE"]);
    assert_eq!(names(&list("country=JP&status=candidate").await), ["Candidate JP"]);
    assert!(names(&list("status=terminated").await).is_empty());
}

#[tokio::test]
async fn search_folds_case_and_width_in_japanese_and_latin_names() {
    let app = spawn_app().await;
    let mut body = consignee_body("株式会社サンプル物流");
    body["name_kana"] = json!("サンプルブツリュウ");
    body["name_en"] = json!("Sample Logistics Co., Ltd.");
    create_consignee_from(&app, &body).await;
    let mut other = consignee_body("ＡＢＣ　データ株式会社");
    other["name_kana"] = json!("エービーシーデータ");
    other["name_en"] = json!("ABC Data 100% Inc.");
    create_consignee_from(&app, &other).await;
    for (q, expected) in [
        ("サンプル", "株式会社サンプル物流"),
        ("ｻﾝﾌﾟﾙ", "株式会社サンプル物流"),
        ("SAMPLE logistics", "株式会社サンプル物流"),
        ("ｓａｍｐｌｅ", "株式会社サンプル物流"),
        ("abc データ", "ＡＢＣ　データ株式会社"),
        ("ﾃﾞｰﾀ", "ＡＢＣ　データ株式会社"),
        ("100%", "ＡＢＣ　データ株式会社"),
    ] {
        let encoded: String = url_encode(q);
        let (_, page) = app.get_json(&format!("/api/v1/consignees?q={encoded}")).await;
        assert_eq!(names(&page), [expected], "q={q}");
    }
    let (_, page) = app.get_json("/api/v1/consignees?q=a%25z").await;
    assert!(names(&page).is_empty(), "% is matched literally");
    let (_, page) = app.get_json("/api/v1/consignees?q=_").await;
    assert!(names(&page).is_empty(), "_ is matched literally");
}

fn url_encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn bad_list_parameters_are_refused() {
    let app = spawn_app().await;
    let get = |q: &str| app.request(Method::GET, &format!("/api/v1/consignees?{q}"), "viewer").send();
    assert_eq!(error_fields(&problem(get("limit=0").await.unwrap(), 422).await), ["limit"]);
    assert_eq!(error_fields(&problem(get("limit=201").await.unwrap(), 422).await), ["limit"]);
    problem(get("cursor=not-an-id").await.unwrap(), 400).await;
    problem(get("status=asleep").await.unwrap(), 400).await;
    problem(get("limit=ten").await.unwrap(), 400).await;
    let unknown = problem(get("colour=red").await.unwrap(), 400).await;
    assert!(unknown["detail"].as_str().unwrap().contains("colour"));
    problem(get("q=a%00b").await.unwrap(), 400).await;
    assert_eq!(error_fields(&problem(get("country=JPN").await.unwrap(), 422).await), ["country"]);
    assert_eq!(error_fields(&problem(get("country=XX").await.unwrap(), 422).await), ["country"]);
}
