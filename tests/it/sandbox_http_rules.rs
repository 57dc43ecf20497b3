//! Rules every API route shares: unknown routes and methods, `X-Request-Id`,
//! one answer for malformed JSON, `Content-Type` under `--strict`, and the
//! per-key rate limit (30 a second by default).

use crate::sandbox_harness;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sandbox_harness::{KEY, Reply, SECRET, Sandbox, basic};
use serde_json::json;
use tfvonage::sandbox::SandboxOptions;

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let sb = Sandbox::new();
    let reply = sb
        .primary(Method::GET, "/accounts/abcd1234/nothing", None)
        .await;
    reply.assert_problem(404, "#not-found");
    let reply = sb
        .primary(Method::PUT, &format!("/accounts/{KEY}/secrets"), None)
        .await;
    reply.assert_problem(405, "#method-not-allowed");
}

fn request_id(reply: &Reply) -> String {
    let id = reply.headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    id
}

#[tokio::test]
async fn every_response_carries_a_fresh_request_id() {
    let sb = Sandbox::new();
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"route": "/accounts/*/subaccounts", "kind": "status", "status": 503})),
    )
    .await;
    let replies = [
        sb.primary(Method::GET, "/account/get-balance", None).await,
        sb.call(Method::GET, "/account/get-balance", None, None)
            .await,
        sb.primary(Method::GET, &format!("/accounts/{KEY}/secrets"), None)
            .await,
        sb.primary(Method::GET, "/nowhere", None).await,
        sb.primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
            .await,
        sb.admin(Method::GET, "/_sandbox/health", None).await,
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses, [200, 401, 200, 404, 503, 200]);
    let mut ids: Vec<String> = replies.iter().map(request_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), replies.len(), "ids are unique");
    // The call log names the id each API response carried.
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert_eq!(
        calls.body["calls"][0]["request_id"],
        request_id(&replies[0]).as_str()
    );
}

/// A JSON route called with `body` as `content_type`, as the primary.
async fn send_raw(
    sb: &Sandbox,
    method: Method,
    path: &str,
    content_type: &str,
    body: &str,
) -> Reply {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, basic(KEY, SECRET));
    if !content_type.is_empty() {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    sb.send(builder.body(Body::from(body.to_string())).unwrap())
        .await
}

#[tokio::test]
async fn malformed_json_gets_one_answer_on_every_json_route() {
    let sb = Sandbox::new();
    let (sub, _) = sb.subaccount("target", false).await;
    let routes = [
        (Method::POST, format!("/accounts/{KEY}/secrets")),
        (Method::POST, format!("/accounts/{KEY}/subaccounts")),
        (Method::PATCH, format!("/accounts/{KEY}/subaccounts/{sub}")),
        (Method::POST, format!("/accounts/{KEY}/credit-transfers")),
        (Method::POST, format!("/accounts/{KEY}/balance-transfers")),
        (Method::POST, format!("/accounts/{KEY}/transfer-number")),
        // The rest host takes JSON when the Content-Type says so.
        (Method::POST, "/account/settings".to_string()),
        (Method::POST, "/account/top-up".to_string()),
    ];
    for (method, path) in routes {
        for body in ["{\"name\": ", "[1, 2]", "\"text\""] {
            let reply = send_raw(&sb, method.clone(), &path, "application/json", body).await;
            reply.assert_problem(400, "/api-errors#invalid-json");
            assert_eq!(reply.body["title"], "Malformed JSON", "{method} {path}");
        }
    }
    // Nothing was created by any of them.
    let state = sb.admin(Method::GET, "/_sandbox/state", None).await;
    assert_eq!(state.body["subaccounts"].as_array().unwrap().len(), 1);
    assert_eq!(
        state.body["accounts"][0]["secrets"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn content_type_is_not_checked_by_default() {
    let sb = Sandbox::new();
    let reply = send_raw(
        &sb,
        Method::POST,
        &format!("/accounts/{KEY}/secrets"),
        "text/plain",
        r#"{"secret": "Lenient123"}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    let reply = send_raw(
        &sb,
        Method::POST,
        "/account/settings",
        "",
        "moCallBackUrl=https%3A%2F%2Fexample.com%2Fmo",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
}

#[tokio::test]
async fn strict_enforces_the_content_type_of_bodies() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: None,
        ..SandboxOptions::strict()
    });
    let secrets = format!("/accounts/{KEY}/secrets");
    let body = r#"{"secret": "Strict1234"}"#;
    for content_type in ["", "text/plain", "application/x-www-form-urlencoded"] {
        let reply = send_raw(&sb, Method::POST, &secrets, content_type, body).await;
        reply.assert_problem(415, "#unsupported-media-type");
    }
    let reply = send_raw(
        &sb,
        Method::POST,
        &secrets,
        "application/json; charset=utf-8",
        body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    // Rest host: form or JSON; an empty body needs no Content-Type (an empty
    // settings POST is how clients read the settings).
    let reply = send_raw(&sb, Method::POST, "/account/settings", "text/plain", "a=b").await;
    reply.assert_problem(415, "#unsupported-media-type");
    let reply = send_raw(&sb, Method::POST, "/account/settings", "", "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let reply = send_raw(
        &sb,
        Method::POST,
        "/account/settings",
        "application/json",
        r#"{"moCallBackUrl": ""}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    // A GET with a JSON Content-Type (the Python SDK sends one) is fine.
    let reply = send_raw(&sb, Method::GET, &secrets, "application/json", "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
}

/// The sandbox's clock stands still during the burst, so the bucket does not
/// refill while it runs, however slowly this machine sends it.
async fn frozen_clock_ms(sb: &Sandbox) -> i64 {
    let reply = sb
        .admin(
            Method::POST,
            "/_sandbox/clock",
            Some(json!({"frozen": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    reply.body["now_ms"].as_i64().unwrap()
}

#[tokio::test]
async fn the_default_limit_is_30_a_second_per_key() {
    let sb = Sandbox::vonage_defaults();
    let frozen = frozen_clock_ms(&sb).await;
    let (sub, sub_secret) = sb.subaccount("other key", false).await;
    // One request went to the subaccount's creation; a burst of 40 more.
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        statuses.push(reply.status.as_u16());
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            reply.assert_problem(429, "#rate-limit");
            assert_eq!(reply.headers["retry-after"], "1");
            assert_eq!(reply.headers["x-ratelimit-limit"], "30");
            assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
            // The next token, 1000 / 30 ms away, rounded up.
            assert_eq!(
                reply.headers["x-ratelimit-reset"].to_str().unwrap(),
                (frozen + 34).to_string()
            );
            request_id(&reply);
        }
    }
    // The bucket holds 30: the creation took one.
    let admitted = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(admitted, 29, "{statuses:?}");
    assert!(statuses[29..].iter().all(|s| *s == 429), "{statuses:?}");
    // Another key has its own budget; the admin API has none.
    let reply = sb
        .call(
            Method::GET,
            "/account/get-balance",
            Some((&sub, &sub_secret)),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = sb.admin(Method::GET, "/_sandbox/state", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    // The settings show the limit as the API calls per second.
    let reply = sb
        .call(
            Method::POST,
            "/account/settings",
            Some((&sub, &sub_secret)),
            None,
        )
        .await;
    assert_eq!(reply.body["max-calls-per-second"], 30);
}

#[tokio::test]
async fn a_lower_limit_answers_429_with_headers() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: Some(2),
        ..SandboxOptions::default()
    });
    frozen_clock_ms(&sb).await;
    for _ in 0..2 {
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    reply.assert_problem(429, "#rate-limit");
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(reply.headers["x-ratelimit-limit"], "2");
    assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
    assert!(reply.headers.contains_key("x-ratelimit-reset"));
}

/// The official Python SDK (4.x) keeps `Content-Type: application/json` on its
/// shared headers after any JSON call, so its later form posts (settings,
/// top-up) arrive labelled JSON. Production serves that SDK: the rest host
/// reads such a body as the form it is, with and without `--strict`.
#[tokio::test]
async fn a_form_labelled_json_is_read_as_a_form_in_every_mode() {
    for options in [SandboxOptions::default(), SandboxOptions::strict()] {
        let sb = Sandbox::with(SandboxOptions {
            rate_limit: None,
            ..options
        });
        let reply = send_raw(
            &sb,
            Method::POST,
            "/account/settings",
            "application/json",
            "moCallbackUrl=&drCallbackUrl=",
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
        let charge = sb
            .admin(
                Method::POST,
                &format!("/_sandbox/accounts/{KEY}/auto-reload-charges"),
                Some(json!({"amount": 5})),
            )
            .await;
        let trx = charge.body["trx"].as_str().unwrap();
        let reply = send_raw(
            &sb,
            Method::POST,
            "/account/top-up",
            "application/json",
            &format!("trx={trx}"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
        assert_eq!(reply.body["error-code-label"], "success");
        // Text that is neither JSON nor a form is still malformed JSON.
        let reply = send_raw(
            &sb,
            Method::POST,
            "/account/top-up",
            "application/json",
            "trx: abc",
        )
        .await;
        reply.assert_problem(400, "/api-errors#invalid-json");
    }
}
