//! Rest-host account routes (`routes/account.rs`): balance with every
//! credential form, settings and callback checks, top-up.

use crate::sandbox_harness;

use axum::Router;
use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, SECRET, Sandbox};
use serde_json::json;
use tfvonage::sandbox::SandboxOptions;

#[tokio::test]
async fn balance_with_each_credential_form() {
    let sb = Sandbox::new();
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.raw, r#"{"value":100.00000000,"autoReload":false}"#);

    let query = format!("/account/get-balance?api_key={KEY}&api_secret={SECRET}");
    let reply = sb.call(Method::GET, &query, None, None).await;
    assert_eq!(reply.status, StatusCode::OK);

    let form = format!("api_key={KEY}&api_secret={SECRET}");
    let reply = sb.form("/account/settings", None, &form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);

    let reply = sb
        .call(
            Method::GET,
            "/account/get-balance",
            Some((KEY, "Wrong1234")),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.body,
        json!({"error-code": "401", "error-code-label": "authentication failed"})
    );
    let reply = sb
        .call(Method::GET, "/account/get-balance", None, None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_host_accepts_basic_only() {
    let sb = Sandbox::new();
    let query = format!("/accounts/{KEY}/secrets?api_key={KEY}&api_secret={SECRET}");
    let reply = sb.call(Method::GET, &query, None, None).await;
    reply.assert_problem(401, "https://developer.nexmo.com/");
    assert_eq!(reply.body["title"], "Unauthorized");
    let reply = sb
        .call(
            Method::GET,
            &format!("/accounts/{KEY}/secrets"),
            Some((KEY, "Nope12345")),
            None,
        )
        .await;
    reply.assert_problem(401, "#unauthorized");
    assert_eq!(reply.body["title"], "Invalid credentials supplied");
}

#[tokio::test]
async fn settings_read_update_and_unset() {
    let sb = Sandbox::new();
    // Empty POST (no body, no content type) reads.
    let reply = sb.primary(Method::POST, "/account/settings", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(
        reply.body,
        json!({"mo-callback-url": "", "dr-callback-url": "", "max-outbound-request": 30,
               "max-inbound-request": 30, "max-calls-per-second": 30})
    );
    // Node spelling, form body.
    let reply = sb
        .form(
            "/account/settings",
            Some((KEY, SECRET)),
            "drCallBackUrl=https%3A%2F%2Fexample.com%2Fdr&moCallBackUrl=https%3A%2F%2Fexample.com%2Fmo",
        )
        .await;
    assert_eq!(reply.body["mo-callback-url"], "https://example.com/mo");
    assert_eq!(reply.body["dr-callback-url"], "https://example.com/dr");
    assert!(reply.body.get("http-forward-method").is_none());
    // Python spelling plus httpForwardMethod; dr is left alone.
    let reply = sb
        .form(
            "/account/settings",
            Some((KEY, SECRET)),
            "moCallbackUrl=http%3A%2F%2Fexample.org%2Fin&httpForwardMethod=POST_JSON",
        )
        .await;
    assert_eq!(reply.body["mo-callback-url"], "http://example.org/in");
    assert_eq!(reply.body["dr-callback-url"], "https://example.com/dr");
    assert_eq!(reply.body["http-forward-method"], "POST_JSON");
    // Legacy: parameters in the query string, empty body; "" unsets.
    let path = format!("/account/settings?moCallBackUrl=&api_key={KEY}&api_secret={SECRET}");
    let reply = sb.form(&path, None, "").await;
    assert_eq!(reply.body["mo-callback-url"], "");
    // Read again: state kept.
    let reply = sb.primary(Method::POST, "/account/settings", None).await;
    assert_eq!(reply.body["dr-callback-url"], "https://example.com/dr");
    assert_eq!(reply.body["http-forward-method"], "POST_JSON");
}

#[tokio::test]
async fn settings_refuse_bad_urls_naming_the_field_as_sent() {
    let sb = Sandbox::new();
    let reply = sb
        .form(
            "/account/settings",
            Some((KEY, SECRET)),
            "moCallbackUrl=ftp%3A%2F%2Fx&drCallBackUrl=relative%2Fpath&httpForwardMethod=PUT",
        )
        .await;
    reply.assert_problem(400, "/account/settings#validation");
    let mut names = reply.invalid_parameter_names();
    names.sort();
    assert_eq!(
        names,
        ["drCallBackUrl", "httpForwardMethod", "moCallbackUrl"]
    );
    // Nothing was saved.
    let reply = sb.primary(Method::POST, "/account/settings", None).await;
    assert_eq!(reply.body["mo-callback-url"], "");
}

async fn serve_callback_target() -> String {
    let router = Router::new()
        .route("/ok", axum::routing::get(|| async { "ok" }))
        .route(
            "/broken",
            axum::routing::get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

#[tokio::test]
async fn check_callbacks_requires_a_200() {
    let target = serve_callback_target().await;
    let sb = Sandbox::with(SandboxOptions {
        check_callbacks: true,
        ..SandboxOptions::default()
    });
    let ok = format!("moCallBackUrl={target}/ok");
    let reply = sb.form("/account/settings", Some((KEY, SECRET)), &ok).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.body["mo-callback-url"], format!("{target}/ok"));
    for path in ["/broken", "/missing"] {
        let bad = format!("drCallBackUrl={target}{path}");
        let reply = sb
            .form("/account/settings", Some((KEY, SECRET)), &bad)
            .await;
        reply.assert_problem(400, "/account/settings#validation");
        assert_eq!(reply.invalid_parameter_names(), ["drCallBackUrl"]);
    }
    // Unreachable (nothing listens on port 9 of loopback, normally).
    let reply = sb
        .form(
            "/account/settings",
            Some((KEY, SECRET)),
            "drCallBackUrl=http://127.0.0.1:9/x",
        )
        .await;
    reply.assert_problem(400, "/account/settings#validation");
    // Without the flag no request is made: the broken URL is accepted.
    let plain = Sandbox::new();
    let bad = format!("drCallBackUrl={target}/broken");
    let reply = plain
        .form("/account/settings", Some((KEY, SECRET)), &bad)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn top_up_needs_auto_reload_and_the_trx_of_its_payment() {
    let sb = Sandbox::new();
    let reply = sb
        .form("/account/top-up", Some((KEY, SECRET)), "trx=abc")
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error-code-label"], "not auto-reload enabled");
    let reply = sb.form("/account/top-up", Some((KEY, SECRET)), "").await;
    reply.assert_problem(400, "/account/top-up#validation");
    assert_eq!(reply.invalid_parameter_names(), ["trx"]);

    // The payment that switches auto-reload on: 12.5 EUR credited.
    let charge = sb
        .admin(
            Method::POST,
            &format!("/_sandbox/accounts/{KEY}/auto-reload-charges"),
            Some(json!({"amount": 12.5})),
        )
        .await;
    assert_eq!(charge.status, StatusCode::CREATED, "{}", charge.raw);
    let trx = charge.body["trx"].as_str().unwrap().to_string();
    assert_eq!(trx.len(), 32);
    assert!(trx.chars().all(|c| c.is_ascii_hexdigit()));
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.raw, r#"{"value":112.50000000,"autoReload":true}"#);

    // A made-up reference is refused, and changes nothing.
    let reply = sb
        .form("/account/top-up", Some((KEY, SECRET)), "trx=abc")
        .await;
    reply.assert_problem(400, "/account/top-up#validation");
    assert_eq!(reply.invalid_parameter_names(), ["trx"]);
    // The payment's reference tops up by the payment's amount, every time.
    for expected in ["125.00000000", "137.50000000"] {
        let reply = sb
            .form(
                "/account/top-up",
                Some((KEY, SECRET)),
                &format!("trx={trx}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
        assert_eq!(
            reply.body,
            json!({"error-code": "200", "error-code-label": "success"})
        );
        let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
        assert_eq!(reply.body["value"].to_string(), expected);
    }
    // Another account's payment is not this account's.
    let (sub, sub_secret) = sb.subaccount("own", false).await;
    sb.admin(
        Method::POST,
        &format!("/_sandbox/accounts/{sub}/auto-reload-charges"),
        Some(json!({"amount": 1})),
    )
    .await;
    let reply = sb
        .form(
            "/account/top-up",
            Some((&sub, &sub_secret)),
            &format!("trx={trx}"),
        )
        .await;
    reply.assert_problem(400, "/account/top-up#validation");
    // Switched off again: Vonage's 401 whatever the reference.
    sb.admin(
        Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        Some(json!({"auto_reload": false})),
    )
    .await;
    let reply = sb
        .form(
            "/account/top-up",
            Some((KEY, SECRET)),
            &format!("trx={trx}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn charges_are_refused_for_shared_balances_and_unknown_accounts() {
    let sb = Sandbox::new();
    let (shared, _) = sb.subaccount("shared", true).await;
    for (key, status) in [(shared.as_str(), 400), ("nobody00", 404)] {
        let reply = sb
            .admin(
                Method::POST,
                &format!("/_sandbox/accounts/{key}/auto-reload-charges"),
                Some(json!({"amount": 5})),
            )
            .await;
        assert_eq!(reply.status.as_u16(), status, "{}", reply.raw);
    }
    let reply = sb
        .admin(
            Method::POST,
            &format!("/_sandbox/accounts/{KEY}/auto-reload-charges"),
            Some(json!({"amount": 0})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn any_top_up_trx_relaxes_the_reference_rule() {
    let sb = Sandbox::with(SandboxOptions {
        any_top_up_trx: true,
        rate_limit: None,
        ..SandboxOptions::default()
    });
    sb.admin(
        Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        Some(json!({"auto_reload": true, "top_up_amount": 2.5})),
    )
    .await;
    let reply = sb
        .form("/account/top-up", Some((KEY, SECRET)), "trx=made-up")
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let reply = sb.primary(Method::GET, "/account/get-balance", None).await;
    assert_eq!(reply.body["value"].to_string(), "102.50000000");
}
