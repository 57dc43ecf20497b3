//! `vonage-sandbox --strict` on a real socket: callback URLs are checked
//! with a GET that must answer 200 within 2 s (the sandbox's own webhook
//! receiver is a target that does), bodies need their Content-Type, and the
//! Subaccounts API is refused until provisioned.

use crate::common;

use std::time::{Duration, Instant};

use common::{KEY, SECRET, SandboxProcess, http};
use serde_json::{Value, json};

async fn settings(sandbox: &SandboxProcess, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http()
        .post(sandbox.url("/account/settings"))
        .basic_auth(KEY, Some(SECRET))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn refused_field(body: &Value) -> (&str, &str) {
    let parameter = &body["invalid_parameters"][0];
    (
        parameter["name"].as_str().unwrap(),
        parameter["reason"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn strict_checks_callback_urls_and_the_webhook_receiver_passes() {
    let sandbox = SandboxProcess::spawn(&["--strict"]);
    let inbound = sandbox.url("/_sandbox/webhooks/inbound-sms");
    let receipts = sandbox.url("/_sandbox/webhooks/delivery-receipt?x=1");
    let (status, body) = settings(
        &sandbox,
        &[("moCallBackUrl", &inbound), ("drCallBackUrl", &receipts)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["mo-callback-url"], inbound.as_str());
    // The receiver recorded both checks.
    let received: Value = http()
        .get(sandbox.url("/_sandbox/webhooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let checks: Vec<(&str, &str)> = received["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["method"].as_str().unwrap(), w["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [("GET", "/inbound-sms"), ("GET", "/delivery-receipt")]
    );
    assert_eq!(received["webhooks"][1]["query"], "x=1");
    // Both are the sandbox's own checks.
    assert_eq!(received["webhooks"][0]["internal"], true);
    assert_eq!(received["webhooks"][1]["internal"], true);

    // Nothing listens on port 9 of loopback: refused, naming the field.
    let (status, body) = settings(&sandbox, &[("drCallBackUrl", "http://127.0.0.1:9/dr")]).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/account/settings#validation")
    );
    assert_eq!(
        refused_field(&body),
        ("drCallBackUrl", "Could not be reached for a GET check")
    );
    // A URL that answers, but not 200.
    let missing = sandbox.url("/nothing-here");
    let (status, body) = settings(&sandbox, &[("moCallBackUrl", &missing)]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        refused_field(&body),
        (
            "moCallBackUrl",
            "Did not answer 200 OK to a GET check (answered 404)"
        )
    );
    // Unsetting needs no check; the refused ones were never saved.
    let (status, body) = settings(&sandbox, &[("moCallBackUrl", "")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dr-callback-url"], receipts.as_str());
}

/// `--strict --tls`: the check of a callback at the sandbox's own receiver
/// trusts the sandbox's own (self-signed) certificate. (It used to fail:
/// "Could not be reached for a GET check".) The Python SDK speaks only https,
/// so this is the mode its users rehearse in.
#[tokio::test]
async fn strict_tls_trusts_its_own_certificate_for_its_own_receiver() {
    let dir = common::temp_dir("strict-tls");
    let cert_path = dir.join("cert.pem");
    let sandbox = SandboxProcess::spawn(&[
        "--strict",
        "--tls",
        "--tls-cert-out",
        cert_path.to_str().unwrap(),
    ]);
    let cert = reqwest::Certificate::from_pem(&std::fs::read(&cert_path).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([cert])
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let inbound = sandbox.url("/_sandbox/webhooks/inbound-sms");
    assert!(inbound.starts_with("https://"), "{inbound}");
    let response = client
        .post(sandbox.url("/account/settings"))
        .basic_auth(KEY, Some(SECRET))
        .form(&[("moCallBackUrl", inbound.as_str())])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["mo-callback-url"], inbound.as_str());
    std::fs::remove_dir_all(dir).ok();
}

/// The check of a callback URL pointed at one of the sandbox's API paths is
/// the sandbox's own request: the call log marks it internal, and the
/// dashboard does not count it as a client call (it used to show
/// "2 calls, 2 failed" with `GET /nothing-here 404` among them).
#[tokio::test]
async fn the_sandboxs_own_check_is_internal_and_not_counted() {
    let sandbox = SandboxProcess::spawn(&["--strict"]);
    let missing = sandbox.url("/nothing-here");
    let (status, _) = settings(&sandbox, &[("moCallBackUrl", &missing)]).await;
    assert_eq!(status, 400);
    let calls = common::admin_get(&sandbox, "/_sandbox/calls").await;
    let calls = calls["calls"].as_array().unwrap();
    let summary: Vec<(&str, &str, bool)> = calls
        .iter()
        .map(|c| {
            (
                c["method"].as_str().unwrap(),
                c["path"].as_str().unwrap(),
                c["internal"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/nothing-here", true),
            ("POST", "/account/settings", false)
        ]
    );
    assert!(calls[1].get("internal").is_none(), "absent when false");
    let page = http()
        .get(sandbox.url("/_sandbox/ui/live"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("1 call, 1 failed (not counted: 1 internal request"),
        "{page}"
    );
    // A client's own request with a made-up marker is still a client's.
    let response = http()
        .get(sandbox.url("/nothing-either"))
        .header("x-vonage-sandbox-internal", "guessed")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let calls = common::admin_get(&sandbox, "/_sandbox/calls").await;
    assert!(calls["calls"][2].get("internal").is_none());
}

#[tokio::test]
async fn a_callback_url_that_does_not_answer_within_2_seconds_is_refused() {
    // Accepts connections (the kernel's backlog) but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/slow", silent.local_addr().unwrap());
    let sandbox = SandboxProcess::spawn(&["--strict"]);
    let started = Instant::now();
    let (status, body) = settings(&sandbox, &[("moCallBackUrl", &url)]).await;
    let waited = started.elapsed();
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        refused_field(&body),
        (
            "moCallBackUrl",
            "Did not answer a GET check within 2 seconds"
        )
    );
    assert!(waited >= Duration::from_secs(2), "{waited:?}");
    assert!(waited < Duration::from_secs(8), "{waited:?}");
    drop(silent);
}

#[tokio::test]
async fn without_strict_callback_urls_are_not_checked() {
    let sandbox = SandboxProcess::spawn(&[]);
    let (status, body) = settings(&sandbox, &[("drCallBackUrl", "http://127.0.0.1:9/dr")]).await;
    assert_eq!(status, 200, "{body}");
    // --check-callbacks alone turns the check on.
    let sandbox = SandboxProcess::spawn(&["--check-callbacks"]);
    let (status, _) = settings(&sandbox, &[("drCallBackUrl", "http://127.0.0.1:9/dr")]).await;
    assert_eq!(status, 400);
}

async fn list_subaccounts(sandbox: &SandboxProcess) -> (u16, Value) {
    let response = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn strict_refuses_an_unprovisioned_account_with_vonages_403() {
    let sandbox = SandboxProcess::spawn(&["--strict"]);
    let (status, body) = list_subaccounts(&sandbox).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["type"],
        "https://developer.nexmo.com/api-errors#unprovisioned"
    );
    assert_eq!(body["title"], "Authorisation error");
    // Provisioned through the admin API.
    common::admin_send(
        &sandbox,
        reqwest::Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        json!({"subaccounts_provisioned": true}),
    )
    .await;
    assert_eq!(list_subaccounts(&sandbox).await.0, 200);
    // …or from the start.
    let sandbox = SandboxProcess::spawn(&["--strict", "--provision-subaccounts"]);
    assert_eq!(list_subaccounts(&sandbox).await.0, 200);
    // Without --strict the seeded primary is provisioned.
    let sandbox = SandboxProcess::spawn(&[]);
    assert_eq!(list_subaccounts(&sandbox).await.0, 200);
}

#[tokio::test]
async fn strict_wants_the_content_type_a_body_is_in() {
    let sandbox = SandboxProcess::spawn(&["--strict"]);
    let response = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .header("content-type", "text/plain")
        .body(r#"{"secret": "Strict1234"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"secret": "Strict1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn the_webhook_receiver_records_deliveries() {
    let sandbox = SandboxProcess::spawn(&[]);
    let response = http()
        .post(sandbox.url("/_sandbox/webhooks/inbound-sms?api_key=k&msisdn=447700900001"))
        .json(&json!({"text": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let received: Value = http()
        .get(sandbox.url("/_sandbox/webhooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivery = &received["webhooks"][0];
    assert_eq!(delivery["method"], "POST");
    assert_eq!(delivery["path"], "/inbound-sms");
    assert_eq!(
        delivery["query"], "msisdn=447700900001",
        "credentials dropped"
    );
    assert_eq!(delivery["content_type"], "application/json");
    assert_eq!(delivery["body"], r#"{"text":"hello"}"#);
    assert!(delivery.get("internal").is_none(), "not the sandbox's own");
    // Deliveries are not API calls.
    let calls: Value = http()
        .get(sandbox.url("/_sandbox/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["calls"], json!([]));
    let cleared = http()
        .delete(sandbox.url("/_sandbox/webhooks"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
}
