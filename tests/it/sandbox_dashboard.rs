//! The dashboard (`dashboard.rs`) as HTML: what it shows, that it escapes
//! every value and never shows a secret, and that it needs nothing from
//! outside the sandbox. (In a real browser: tests/acceptance/
//! test_dashboard_browser.py.)

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, SECRET, Sandbox};
use serde_json::json;
use tfvonage::sandbox::SandboxOptions;

/// A name that would run script if it were not escaped.
const EVIL: &str = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";

async fn busy_sandbox() -> (Sandbox, String, String) {
    let sb = Sandbox::new();
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/subaccounts"),
            Some(json!({"name": EVIL, "use_primary_account_balance": false,
                        "secret": "SubSecret123"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let sub = reply.body["api_key"].as_str().unwrap().to_string();
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/secrets"),
            Some(json!({"secret": "Rotated12345"})),
        )
        .await;
    let secret_id = reply.body["id"].as_str().unwrap().to_string();
    sb.form(
        "/account/settings",
        Some((KEY, SECRET)),
        "moCallBackUrl=https%3A%2F%2Fexample.com%2Fin%3Fa%3D%22%3E%3Cb%3E",
    )
    .await;
    sb.primary(
        Method::POST,
        &format!("/accounts/{KEY}/balance-transfers"),
        Some(json!({"from": KEY, "to": sub, "amount": 7.5, "reference": "<i>ref</i>"})),
    )
    .await;
    sb.admin(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"route": "GET /accounts/<x>", "kind": "status", "status": 502})),
    )
    .await;
    sb.call(
        Method::GET,
        "/account/get-balance",
        Some((KEY, "Wrong1234")),
        None,
    )
    .await;
    (sb, sub, secret_id)
}

#[tokio::test]
async fn shows_the_account_tree_transfers_calls_and_faults() {
    let (sb, sub, secret_id) = busy_sandbox().await;
    let page = sb.admin(Method::GET, "/_sandbox/ui", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    let html = &page.raw;
    for needle in [
        "id=\"accounts\"",
        &format!("data-api-key=\"{KEY}\""),
        &format!("data-api-key=\"{sub}\""),
        "Sandbox primary account",
        "92.5000 EUR", // 100 - 7.5
        "7.5000 EUR",
        &secret_id,
        "Subaccounts API provisioned",
        "id=\"transfers\"",
        "id=\"call-log\"",
        "/accounts/abcd1234/balance-transfers",
        "class=\"failed\"", // the 401
        "id=\"faults\"",
        "status 502",
        "id=\"webhooks\"",
    ] {
        assert!(html.contains(needle), "the page lacks {needle}");
    }
    // The subaccount is nested under its primary.
    let primary_at = html.find(&format!("data-api-key=\"{KEY}\"")).unwrap();
    let sub_at = html.find(&format!("data-api-key=\"{sub}\"")).unwrap();
    let transfers_at = html.find("id=\"transfers\"").unwrap();
    assert!(primary_at < sub_at && sub_at < transfers_at);
    // Newest call first: the failed balance read is the first row.
    let log = &html[html.find("id=\"call-log\"").unwrap()..];
    let first_row = &log[log.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(first_row.contains("/account/get-balance"), "{first_row}");
    assert!(first_row.contains(">401<"), "{first_row}");
}

#[tokio::test]
async fn escapes_every_value_and_never_shows_a_secret() {
    let (sb, _, _) = busy_sandbox().await;
    for path in ["/_sandbox/ui", "/_sandbox/ui/live"] {
        let html = sb.admin(Method::GET, path, None).await.raw;
        assert!(!html.contains(EVIL), "{path}: raw name");
        assert!(
            html.contains(
                "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;img src=x \
                 onerror=alert(1)&gt;"
            ),
            "{path}: escaped name"
        );
        assert!(!html.contains("<i>ref</i>") && html.contains("&lt;i&gt;ref&lt;/i&gt;"));
        assert!(!html.contains("\"><b>") && html.contains("a=&quot;&gt;&lt;b&gt;"));
        assert!(!html.contains("GET /accounts/<x>"));
        // The only script is the page's own file.
        assert_eq!(
            html.matches("<script").count(),
            usize::from(path == "/_sandbox/ui")
        );
        for secret in [SECRET, "SubSecret123", "Rotated12345"] {
            assert!(!html.contains(secret), "{path} shows a secret value");
        }
    }
}

#[tokio::test]
async fn is_self_contained_and_locked_down() {
    let sb = Sandbox::new();
    let page = sb.admin(Method::GET, "/_sandbox/ui", None).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(page.raw.contains("src=\"/_sandbox/ui/dashboard.js\""));
    assert!(page.raw.contains("href=\"/_sandbox/ui/dashboard.css\""));
    // Readable and refreshing without JavaScript.
    assert!(page.raw.contains("<noscript><meta http-equiv=\"refresh\""));
    for (path, content_type) in [
        (
            "/_sandbox/ui/dashboard.js",
            "text/javascript; charset=utf-8",
        ),
        ("/_sandbox/ui/dashboard.css", "text/css; charset=utf-8"),
        ("/_sandbox/ui/live", "text/html; charset=utf-8"),
        ("/_sandbox/ui/favicon.svg", "image/svg+xml"),
    ] {
        let reply = sb.admin(Method::GET, path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.headers["content-type"], content_type, "{path}");
        // (The icon's only URL is its XML namespace name, which loads nothing.)
        let asset = reply
            .raw
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for asset in [&page.raw, &asset] {
            assert!(
                !asset.contains("http://") && !asset.contains("https://"),
                "{path}"
            );
            assert!(
                !asset.contains("//cdn") && !asset.contains("@import"),
                "{path}"
            );
        }
    }
    // Viewing the dashboard is not an API call.
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    assert_eq!(calls.body["calls"], json!([]));
}

#[tokio::test]
async fn the_live_part_follows_changes() {
    let sb = Sandbox::new();
    let before = sb.admin(Method::GET, "/_sandbox/ui/live", None).await.raw;
    assert!(before.contains("No transfers yet.") && before.contains("No API calls yet."));
    sb.subaccount("appears live", true).await;
    let after = sb.admin(Method::GET, "/_sandbox/ui/live", None).await.raw;
    assert!(after.contains("appears live"));
    assert!(after.contains("1 call, 0 failed"));
    assert!(!after.contains("<html"), "a fragment, not a page");
}

/// Most calls take well under a millisecond: the call log has `duration_us`
/// beside `duration_ms` (whose type stays), and the page shows milliseconds
/// with three decimals instead of "0 ms".
#[tokio::test]
async fn durations_have_sub_millisecond_precision() {
    let sb = Sandbox::new();
    sb.primary(Method::GET, "/account/get-balance", None).await;
    let calls = sb.admin(Method::GET, "/_sandbox/calls", None).await;
    let call = &calls.body["calls"][0];
    let us = call["duration_us"].as_u64().expect("duration_us");
    assert!(us > 0, "{call}");
    assert_eq!(call["duration_ms"].as_u64(), Some(us / 1000), "{call}");
    let html = sb.admin(Method::GET, "/_sandbox/ui/live", None).await.raw;
    let shown = format!("{}.{:03} ms", us / 1000, us % 1000);
    assert!(html.contains(&shown), "the page lacks {shown}");
}

/// The `.mode` part of a page's header.
fn header_mode(html: &str) -> &str {
    let at = html
        .find("<span class=\"mode\">")
        .expect("a mode in the header");
    let rest = &html[at..];
    &rest[..rest.find("</header>").unwrap()]
}

/// The header says which of Vonage's rules this sandbox applies and what
/// each of the others needs. (It used to say "Vonage's rules" in the default
/// mode, where the callback check is off.)
#[tokio::test]
async fn the_header_says_which_rules_are_on_and_which_need_strict() {
    let page = Sandbox::vonage_defaults()
        .admin(Method::GET, "/_sandbox/ui", None)
        .await
        .raw;
    let mode = header_mode(&page);
    let (on, off) = mode.split_once("Off:").expect("rules that are off");
    for rule in [
        "30 requests/s per key",
        "transfers listed newest first",
        "top-up needs its payment&#39;s trx",
    ] {
        assert!(on.contains(rule), "{rule} is not on: {mode}");
    }
    for rule in [
        "callback URLs checked (GET, 200 within 2 s) (needs --strict or --check-callbacks)",
        "bodies in the route&#39;s Content-Type (needs --strict)",
        "the Subaccounts API needs provisioning (the seeded primary has it) (needs --strict",
        "(needs --max-subaccounts N)",
    ] {
        assert!(off.contains(rule), "{rule} is not off: {mode}");
    }
    assert!(!mode.contains("--strict</strong>"), "{mode}");

    let strict = Sandbox::with(SandboxOptions {
        max_subaccounts: Some(5),
        ..SandboxOptions::strict()
    })
    .admin(Method::GET, "/_sandbox/ui", None)
    .await
    .raw;
    let mode = header_mode(&strict);
    assert!(mode.contains("<strong>--strict</strong>: rehearsing production"));
    assert!(!mode.contains("Off:"), "every rule is on: {mode}");
    for rule in [
        "callback URLs checked",
        "bodies in the route&#39;s Content-Type",
        "the Subaccounts API needs provisioning",
        "at most 5 subaccounts per primary",
    ] {
        assert!(mode.contains(rule), "{rule}: {mode}");
    }

    let relaxed = Sandbox::new()
        .admin(Method::GET, "/_sandbox/ui", None)
        .await
        .raw;
    assert!(
        header_mode(&relaxed).contains("30 requests/s per key (relaxed by --rate-limit 0)"),
        "{}",
        header_mode(&relaxed)
    );
}
