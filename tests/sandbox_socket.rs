//! The `vonage-sandbox` binary on a real socket: the startup contract, TLS,
//! dropped connections, state files. (In-process behaviour: one file per
//! route group on the `sandbox_harness` module; kill -9 durability:
//! sandbox_persistence.rs.)

mod common;

use common::{KEY, SECRET, SandboxProcess, file_mode, http, run_to_exit, temp_dir};
use serde_json::{Value, json};

#[tokio::test]
async fn prints_exactly_one_ready_line() {
    let sandbox = SandboxProcess::spawn(&[]);
    let line = sandbox.ready_line.clone();
    assert!(
        line.starts_with("vonage-sandbox listening on http://127.0.0.1:"),
        "{line:?}"
    );
    assert!(line.ends_with('\n'));
    let port: u16 = line.trim_end().rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    // Startup time is measured by `cargo bench --bench sandbox`, not asserted here.
    let response = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let rest = sandbox.kill();
    assert_eq!(rest, "", "nothing else on stdout");
}

#[test]
fn help_documents_defaults_and_admin_api() {
    let output = run_to_exit(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--listen",
        "--state",
        "--api-key",
        "--api-secret",
        "--balance",
        "--credit-limit",
        "--rate-limit",
        "[default: 30]",
        "--rate-limit 0",
        "--strict",
        "--check-callbacks",
        "--provision-subaccounts",
        "--transfers-oldest-first",
        "--any-top-up-trx",
        "X-Request-Id",
        "newest first",
        "#invalid-json",
        "#unprovisioned",
        "#unsupported-media-type",
        "within 2 s",
        "before applying a configuration to",
        "/_sandbox/webhooks",
        "auto-reload-charges",
        "subaccounts_provisioned",
        "--tls",
        "--tls-cert-out",
        "abcd1234",
        "SandboxSecret1",
        "/_sandbox/health",
        "/_sandbox/reset",
        "/_sandbox/state",
        "/_sandbox/calls",
        "/_sandbox/faults",
        "after_handler",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn refuses_bad_arguments() {
    for args in [
        vec!["--api-secret", "weak"],
        vec!["--balance", "lots"],
        vec!["--credit-limit", "-5"],
        vec!["--tls"],
        vec!["--listen", "nonsense"],
    ] {
        let output = run_to_exit(&args);
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(output.stdout.is_empty(), "{args:?} printed on stdout");
    }
}

#[tokio::test]
async fn seeds_the_given_primary() {
    let sandbox = SandboxProcess::spawn(&[
        "--api-key",
        "prim0001",
        "--api-secret",
        "OtherSecret9",
        "--balance",
        "12.345",
        "--credit-limit",
        "50",
    ]);
    let client = http();
    let balance: Value = client
        .get(sandbox.url("/account/get-balance"))
        .basic_auth("prim0001", Some("OtherSecret9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["value"].to_string(), "12.34500000");
    let list: Value = client
        .get(sandbox.url("/accounts/prim0001/subaccounts"))
        .basic_auth("prim0001", Some("OtherSecret9"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["_embedded"]["primary_account"]["credit_limit"].to_string(),
        "-50.0000"
    );
    let refused = client
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_a_response() {
    let sandbox = SandboxProcess::spawn(&[]);
    common::admin_post(
        &sandbox,
        "/_sandbox/faults",
        json!({
            "route": "POST /accounts/*/secrets", "kind": "drop", "count": 1, "after_handler": true,
        }),
    )
    .await;
    let result = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"secret": "Dropped1234"}))
        .send()
        .await;
    let error = result.expect_err("the connection must close without a response");
    assert!(!error.is_connect(), "the request was sent: {error:?}");
    // …but the change happened (after_handler).
    let list: Value = http()
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["_embedded"]["secrets"].as_array().unwrap().len(), 2);
    let calls: Value = http()
        .get(sandbox.url("/_sandbox/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["calls"][0]["fault"], "drop after handler");
    assert_eq!(calls["calls"][0]["status"], Value::Null);
}

#[tokio::test]
async fn tls_mode_serves_https_with_h2_and_http1() {
    let dir = temp_dir("tls");
    let cert_path = dir.join("cert.pem");
    let sandbox = SandboxProcess::spawn(&["--tls", "--tls-cert-out", cert_path.to_str().unwrap()]);
    assert!(
        sandbox.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        sandbox.base_url
    );
    let pem = std::fs::read(&cert_path).unwrap();
    assert!(String::from_utf8_lossy(&pem).contains("BEGIN CERTIFICATE"));
    assert!(!String::from_utf8_lossy(&pem).contains("PRIVATE KEY"));
    let cert = reqwest::Certificate::from_pem(&pem).unwrap();
    let h2 = reqwest::Client::builder()
        .tls_certs_only([cert.clone()])
        .build()
        .unwrap();
    let response = h2
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let h1 = reqwest::Client::builder()
        .tls_certs_only([cert.clone()])
        .http1_only()
        .build()
        .unwrap();
    let response = h1
        .get(sandbox.url(&format!("/accounts/{KEY}/secrets")))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    // The certificate also names localhost.
    let port = sandbox.base_url.rsplit(':').next().unwrap();
    let response = h1
        .get(format!("https://localhost:{port}/_sandbox/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn state_file_is_private_and_reloaded() {
    let dir = temp_dir("state");
    let path = dir.join("state.json");
    let path_arg = path.to_str().unwrap().to_string();
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg]);
    assert_eq!(file_mode(&path), 0o600);
    common::admin_send(
        &sandbox,
        reqwest::Method::PATCH,
        &format!("/_sandbox/accounts/{KEY}"),
        json!({"balance": 42.5}),
    )
    .await;
    let created = http()
        .post(sandbox.url(&format!("/accounts/{KEY}/subaccounts")))
        .basic_auth(KEY, Some(SECRET))
        .json(&json!({"name": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    sandbox.kill();
    assert_eq!(file_mode(&path), 0o600);

    // Restart without the seed flags: the file wins.
    let sandbox = SandboxProcess::spawn(&["--state", &path_arg, "--balance", "1"]);
    let sub: Value = http()
        .get(sandbox.url(&format!(
            "/accounts/{KEY}/subaccounts/{}",
            created["api_key"].as_str().unwrap()
        )))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sub["name"], "kept");
    let balance: Value = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["value"].to_string(), "42.50000000");
    // The subaccount's generated secret still authenticates after restart.
    let secret = created["secret"].as_str().unwrap();
    let own = http()
        .get(sandbox.url("/account/get-balance"))
        .basic_auth(created["api_key"].as_str().unwrap(), Some(secret))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[test]
fn corrupt_state_file_is_refused_and_left_untouched() {
    let dir = temp_dir("corrupt");
    let path = dir.join("state.json");
    for contents in [
        &b"{\"format\": \"vonage-sandbox-state/1\", \"world\": 7"[..],
        b"",
        b"{\"format\":\"other\",\"world\":{}}",
    ] {
        std::fs::write(&path, contents).unwrap();
        let output = run_to_exit(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap()]);
        assert!(!output.status.success());
        assert!(output.stdout.is_empty(), "no ready line");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("state file"), "{stderr}");
        assert_eq!(std::fs::read(&path).unwrap(), contents);
    }
}

#[tokio::test]
async fn rate_limit_flag_throttles_per_key() {
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "3"]);
    let client = http();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let response = client
            .get(sandbox.url("/account/get-balance"))
            .basic_auth(KEY, Some(SECRET))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            break;
        }
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}
