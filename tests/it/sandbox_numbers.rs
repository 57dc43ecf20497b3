//! Number transfer route (`routes/numbers.rs`).

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, SECRET, Sandbox};
use serde_json::json;

#[tokio::test]
async fn number_transfer() {
    let sb = Sandbox::new();
    let (a, _) = sb.subaccount("a", false).await;
    let (b, _) = sb.subaccount("b", true).await;
    let reply = sb
        .admin(
            Method::POST,
            &format!("/_sandbox/accounts/{KEY}/numbers"),
            Some(json!({"number": "+447700900000", "country": "gb"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    let path = format!("/accounts/{KEY}/transfer-number");
    let body = |from: &str, to: &str, number: &str| {
        json!({
            "from": from, "to": to, "number": number, "country": "GB",
        })
    };
    let reply = sb
        .primary(Method::POST, &path, Some(body(KEY, &a, "447700900000")))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(
        reply.body,
        json!({
            "number": "447700900000", "country": "GB", "from": KEY, "to": a, "masterAccountId": KEY,
        })
    );
    // Already owned by `to`.
    let reply = sb
        .primary(Method::POST, &path, Some(body(KEY, &a, "447700900000")))
        .await;
    reply.assert_problem(409, "#transfer-conflict");
    // Not owned by `from`.
    let reply = sb
        .primary(Method::POST, &path, Some(body(KEY, &b, "447700900000")))
        .await;
    reply.assert_problem(403, "#invalid-number-transfer");
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .ends_with("ShortCode is not owned by from account")
    );
    // Unknown number.
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(body(a.as_str(), &b, "15550001111")),
        )
        .await;
    reply.assert_problem(404, "#missing-number-transfer");
    // Sub to sub is allowed within the family.
    let reply = sb
        .primary(Method::POST, &path, Some(body(&a, &b, "447700900000")))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    // Suspended party: banned.
    sb.primary(
        Method::PATCH,
        &format!("/accounts/{KEY}/subaccounts/{a}"),
        Some(json!({"suspended": true})),
    )
    .await;
    let reply = sb
        .primary(Method::POST, &path, Some(body(&b, &a, "447700900000")))
        .await;
    reply.assert_problem(403, "#invalid-number-transfer");
    assert_eq!(
        reply.body["detail"],
        "One of the accounts involved in the transfer is banned"
    );
    // Validation.
    let reply = sb
        .primary(Method::POST, &path, Some(body(&b, &b, "447700900000")))
        .await;
    reply.assert_problem(422, "#validation");
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": b, "number": "abc", "country": "GBR"})),
        )
        .await;
    reply.assert_problem(422, "#validation");
    let mut names = reply.invalid_parameter_names();
    names.sort();
    assert_eq!(names, ["country", "number"]);
    // Outside the family.
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(body(KEY, "ffffffff", "447700900000")),
        )
        .await;
    reply.assert_problem(403, "#invalid-number-transfer");
    let state = sb.admin(Method::GET, "/_sandbox/state", None).await;
    assert_eq!(state.body["numbers"][0]["owner"], b.as_str());
}

const APP: &str = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab";

/// `GET /account/numbers` with Basic credentials, or none.
async fn owned(sb: &Sandbox, query: &str, creds: Option<(&str, &str)>) -> sandbox_harness::Reply {
    sb.call(
        Method::GET,
        &format!("/account/numbers{query}"),
        creds,
        None,
    )
    .await
}

async fn seed(sb: &Sandbox, owner: &str, body: serde_json::Value) {
    let reply = sb
        .admin(
            Method::POST,
            &format!("/_sandbox/accounts/{owner}/numbers"),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
}

fn msisdns(reply: &sandbox_harness::Reply) -> Vec<&str> {
    reply.body["numbers"]
        .as_array()
        .map(|a| a.iter().map(|n| n["msisdn"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn owned_numbers_are_listed_as_the_numbers_api_shows_them() {
    let sb = Sandbox::new();
    // Nothing held: Vonage answers an empty object (the Python SDK's fixture and parser).
    let reply = owned(&sb, "", Some((KEY, SECRET))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.raw, "{}");
    assert_eq!(reply.content_type(), "application/json");
    seed(
        &sb,
        KEY,
        json!({"number": "+447700900001", "country": "GB"}),
    )
    .await;
    seed(
        &sb,
        KEY,
        json!({
            "number": "447700900002", "country": "GB", "type": "landline", "features": ["VOICE"],
            "app_id": APP, "mo_http_url": "https://example.com/mo",
            "voice_callback_type": "app", "voice_callback_value": APP,
            "messages_callback_value": APP,
        }),
    )
    .await;
    seed(&sb, KEY, json!({"number": "14155550100", "country": "US"})).await;
    let reply = owned(&sb, "", Some((KEY, SECRET))).await;
    assert_eq!(reply.body["count"], 3);
    assert_eq!(
        reply.body["numbers"][0],
        json!({"country": "GB", "msisdn": "447700900001", "type": "mobile-lvn",
               "features": ["VOICE", "SMS"]})
    );
    assert_eq!(
        reply.body["numbers"][1],
        json!({"country": "GB", "msisdn": "447700900002", "type": "landline", "features": ["VOICE"],
               "app_id": APP, "moHttpUrl": "https://example.com/mo",
               "voiceCallbackType": "app", "voiceCallbackValue": APP,
               "messagesCallbackType": "app", "messagesCallbackValue": APP})
    );
    // Pages: `index` from 1, `size` up to 100; the count is every match's.
    let page = owned(&sb, "?size=2&index=2", Some((KEY, SECRET))).await;
    assert_eq!(
        (page.body["count"].as_u64(), msisdns(&page)),
        (Some(3), vec!["14155550100"])
    );
    // Filters.
    for (query, want) in [
        (
            "?pattern=4477&search_pattern=0",
            vec!["447700900001", "447700900002"],
        ),
        ("?pattern=%2B1415", vec!["14155550100"]),
        ("?pattern=0002&search_pattern=2", vec!["447700900002"]),
        ("?pattern=5555&search_pattern=1", vec!["14155550100"]),
        ("?country=us", vec!["14155550100"]),
        ("?has_application=true", vec!["447700900002"]),
        (
            "?has_application=False",
            vec!["447700900001", "14155550100"],
        ),
        (
            "?application_id=aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
            vec!["447700900002"],
        ),
    ] {
        let reply = owned(&sb, query, Some((KEY, SECRET))).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.raw);
        assert_eq!(msisdns(&reply), want, "{query}");
    }
    // Outside the spec's schema: the rest host's legacy 400.
    for query in [
        "?size=101",
        "?size=0",
        "?index=0",
        "?search_pattern=7",
        "?has_application=1",
    ] {
        let reply = owned(&sb, query, Some((KEY, SECRET))).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.body["error-code"], "400", "{query}");
    }
}

#[tokio::test]
async fn a_subaccounts_numbers_are_read_with_its_own_secret_or_its_primarys() {
    let sb = Sandbox::new();
    let (sub, sub_secret) = sb.subaccount("holder", true).await;
    let (other, other_secret) = sb.subaccount("other", true).await;
    seed(&sb, KEY, json!({"number": "447700900001", "country": "GB"})).await;
    seed(
        &sb,
        &sub,
        json!({"number": "447700900002", "country": "GB"}),
    )
    .await;
    let by_primary = owned(&sb, "", Some((&sub, SECRET))).await;
    assert_eq!(msisdns(&by_primary), ["447700900002"], "{}", by_primary.raw);
    let by_itself = owned(&sb, "", Some((&sub, &sub_secret))).await;
    assert_eq!(by_itself.body, by_primary.body);
    assert_eq!(
        msisdns(&owned(&sb, "", Some((KEY, SECRET))).await),
        ["447700900001"]
    );
    // Query credentials, as the Node SDK sends them.
    let query = format!("?api_key={sub}&api_secret={SECRET}");
    assert_eq!(msisdns(&owned(&sb, &query, None).await), ["447700900002"]);
    // Another subaccount's secret does not open it; nor does a subaccount's open its primary.
    for creds in [
        (sub.as_str(), other_secret.as_str()),
        (KEY, sub_secret.as_str()),
        (KEY, "Wrong1234"),
    ] {
        let refused = owned(&sb, "", Some(creds)).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            refused.body,
            json!({"error-code": "401", "error-code-label": "authentication failed"})
        );
    }
    assert_eq!(owned(&sb, "", None).await.status, StatusCode::UNAUTHORIZED);
    // A suspended subaccount: refused its own credentials, readable by its primary.
    sb.primary(
        Method::PATCH,
        &format!("/accounts/{KEY}/subaccounts/{sub}"),
        Some(json!({"suspended": true})),
    )
    .await;
    assert_eq!(
        owned(&sb, "", Some((&sub, &sub_secret))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        msisdns(&owned(&sb, "", Some((&sub, SECRET))).await),
        ["447700900002"]
    );
    // A number moved is listed by its new holder only.
    let path = format!("/accounts/{KEY}/transfer-number");
    let moved = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": other, "number": "447700900001", "country": "GB"})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.raw);
    assert_eq!(owned(&sb, "", Some((KEY, SECRET))).await.raw, "{}");
    assert_eq!(
        msisdns(&owned(&sb, "", Some((&other, SECRET))).await),
        ["447700900001"]
    );
}

#[tokio::test]
async fn numbers_given_at_start_are_the_primarys_again_after_a_reset() {
    let mut options = tfvonage::sandbox::SandboxOptions {
        rate_limit: None,
        ..tfvonage::sandbox::SandboxOptions::default()
    };
    options.seed_numbers = vec![
        tfvonage::sandbox::number_seed::parse_flag("447700900009:GB:landline:VOICE", KEY).unwrap(),
    ];
    let sb = Sandbox::with(options);
    let (sub, _) = sb.subaccount("s", true).await;
    let listed = owned(&sb, "", Some((KEY, SECRET))).await;
    assert_eq!(listed.body["numbers"][0]["type"], "landline");
    let path = format!("/accounts/{KEY}/transfer-number");
    sb.primary(
        Method::POST,
        &path,
        Some(json!({"from": KEY, "to": sub, "number": "447700900009", "country": "GB"})),
    )
    .await;
    assert_eq!(owned(&sb, "", Some((KEY, SECRET))).await.raw, "{}");
    sb.admin(Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(
        msisdns(&owned(&sb, "", Some((KEY, SECRET))).await),
        ["447700900009"]
    );
}

#[test]
fn a_malformed_number_flag_stops_the_sandbox_at_start() {
    let out =
        crate::common::run_to_exit(&["--listen", "127.0.0.1:0", "--number", "447700900001:GBR"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--number \"447700900001:GBR\""), "{stderr}");
    assert!(out.stdout.is_empty(), "no ready line");
}
