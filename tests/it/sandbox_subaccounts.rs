//! Subaccount routes (`routes/subaccounts.rs`): create, get, list, modify,
//! suspension, balance mode and who may call them.

use crate::sandbox_harness;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sandbox_harness::{KEY, SECRET, Sandbox, basic, is_millis_z};
use serde_json::{Value, json};
use tfvonage::sandbox::SandboxOptions;

#[tokio::test]
async fn subaccount_create_get_list() {
    let sb = Sandbox::new();
    let path = format!("/accounts/{KEY}/subaccounts");
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({
                "name": "sub one", "secret": "Abcdefg1x", "use_primary_account_balance": false,
                "primary_account_api_key": KEY,
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.content_type(), "application/json");
    let own_key = reply.body["api_key"].as_str().unwrap().to_string();
    assert_eq!(own_key.len(), 8);
    assert_eq!(reply.body["secret"], "Abcdefg1x");
    assert_eq!(reply.body["primary_account_api_key"], KEY);
    assert_eq!(reply.body["use_primary_account_balance"], false);
    assert!(reply.raw.contains(r#""balance":0.0000"#), "{}", reply.raw);
    assert!(is_millis_z(reply.body["created_at"].as_str().unwrap()));

    // Default: shared balance, generated secret.
    let reply = sb
        .primary(Method::POST, &path, Some(json!({"name": "shared"})))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let shared_key = reply.body["api_key"].as_str().unwrap().to_string();
    let generated = reply.body["secret"].as_str().unwrap().to_string();
    assert_eq!(reply.body["use_primary_account_balance"], true);
    assert_eq!(reply.body["balance"], Value::Null);
    assert_eq!(reply.body["credit_limit"], Value::Null);
    assert!(generated.len() >= 8);

    // The subaccount's secret is its first and only secret, and works.
    let reply = sb
        .call(
            Method::GET,
            &format!("/accounts/{shared_key}/secrets"),
            Some((&shared_key, &generated)),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(
        reply.body["_embedded"]["secrets"].as_array().unwrap().len(),
        1
    );
    // Shared balance: get-balance shows the primary's.
    let reply = sb
        .call(
            Method::GET,
            "/account/get-balance",
            Some((&shared_key, &generated)),
            None,
        )
        .await;
    assert_eq!(reply.body["value"].to_string(), "100.00000000");

    // Get: later reads show .000Z.
    let reply = sb
        .primary(Method::GET, &format!("{path}/{own_key}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body["created_at"]
            .as_str()
            .unwrap()
            .ends_with(".000Z")
    );
    assert_eq!(reply.body["name"], "sub one");
    assert!(reply.body.get("secret").is_none());

    // List with totals.
    let reply = sb.primary(Method::GET, &path, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["_links"]["self"]["href"], path);
    assert_eq!(reply.body["total_balance"].to_string(), "100.0000");
    assert_eq!(reply.body["total_credit_limit"].to_string(), "0.0000");
    let primary = &reply.body["_embedded"]["primary_account"];
    assert_eq!(primary["api_key"], KEY);
    assert!(primary["name"].is_string());
    assert!(primary.get("primary_account_api_key").is_none());
    let subs = reply.body["_embedded"]["subaccounts"].as_array().unwrap();
    let mut keys: Vec<&str> = subs
        .iter()
        .map(|s| s["api_key"].as_str().unwrap())
        .collect();
    keys.sort();
    let mut expected = [own_key.as_str(), shared_key.as_str()];
    expected.sort();
    assert_eq!(keys, expected);

    // Unknown subaccount.
    let reply = sb
        .primary(Method::GET, &format!("{path}/ffffffff"), None)
        .await;
    reply.assert_problem(404, "#invalid-api-key");
}

#[tokio::test]
async fn subaccount_validation() {
    let sb = Sandbox::new();
    let path = format!("/accounts/{KEY}/subaccounts");
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x".repeat(81)}),
        json!({"name": 7}),
    ] {
        let reply = sb.primary(Method::POST, &path, Some(body)).await;
        reply.assert_problem(422, "/account/subaccounts#validation");
        assert_eq!(reply.invalid_parameter_names(), ["name"]);
    }
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"name": "ok", "use_primary_account_balance": "yes"})),
        )
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(
        reply.invalid_parameter_names(),
        ["use_primary_account_balance"]
    );
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"name": "ok", "secret": "weak"})),
        )
        .await;
    // The endpoint's one documented validation answer (spec 1.0.8: 422
    // subaccounts#validation), not the Secrets API's 400 (docs/sandbox.md).
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(reply.invalid_parameter_names(), ["secret"]);
    assert_eq!(
        reply.body["invalid_parameters"][0]["reason"],
        "Does not meet complexity requirements"
    );
    // Every field error in one answer.
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"name": "", "secret": 12345678})),
        )
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(reply.invalid_parameter_names(), ["name", "secret"]);
    let reply = sb
        .primary(Method::POST, &path, Some(json!({"name": "x".repeat(80)})))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = sb
        .call(Method::POST, &path, Some((KEY, SECRET)), None)
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    // Malformed JSON (without a Content-Type: not checked by default).
    let request = Request::builder()
        .method(Method::POST)
        .uri(&path)
        .header(header::AUTHORIZATION, basic(KEY, SECRET))
        .body(Body::from("{nope"))
        .unwrap();
    sb.send(request)
        .await
        .assert_problem(400, "/api-errors#invalid-json");
}

#[tokio::test]
async fn subaccount_modify_suspend_and_balance_mode() {
    let sb = Sandbox::new();
    let (sub, sub_secret) = sb.subaccount("renamable", false).await;
    let shared = sb.subaccount("shared", true).await;
    let path = format!("/accounts/{KEY}/subaccounts/{sub}");

    let reply = sb
        .primary(
            Method::PATCH,
            &path,
            Some(json!({"name": "renamed", "suspended": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.body["name"], "renamed");
    assert_eq!(reply.body["suspended"], true);

    // Own credentials of a suspended account: 403 on both hosts.
    let reply = sb
        .call(
            Method::GET,
            &format!("/accounts/{sub}/secrets"),
            Some((&sub, &sub_secret)),
            None,
        )
        .await;
    reply.assert_problem(403, "#account-suspended");
    let reply = sb
        .call(
            Method::GET,
            "/account/get-balance",
            Some((&sub, &sub_secret)),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.body["error-code"], "403");
    // The primary can still read it and manage its secrets.
    let reply = sb.primary(Method::GET, &path, None).await;
    assert_eq!(reply.body["suspended"], true);
    let secrets_path = format!("/accounts/{sub}/secrets");
    let reply = sb
        .primary(
            Method::POST,
            &secrets_path,
            Some(json!({"secret": "Rotated1234"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let reply = sb.primary(Method::GET, &secrets_path, None).await;
    let ids: Vec<String> = reply.body["_embedded"]["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    let reply = sb
        .primary(Method::DELETE, &format!("{secrets_path}/{}", ids[0]), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);

    // Reactivate: the rotated secret works.
    let reply = sb
        .primary(Method::PATCH, &path, Some(json!({"suspended": false})))
        .await;
    assert_eq!(reply.body["suspended"], false);
    let reply = sb
        .call(
            Method::GET,
            &secrets_path,
            Some((&sub, "Rotated1234")),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);

    // Own balance cannot go back to shared.
    let reply = sb
        .primary(
            Method::PATCH,
            &path,
            Some(json!({"use_primary_account_balance": true})),
        )
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(
        reply.invalid_parameter_names(),
        ["use_primary_account_balance"]
    );
    // Shared → own is allowed.
    let (shared_sub, _) = shared;
    let reply = sb
        .primary(
            Method::PATCH,
            &format!("/accounts/{KEY}/subaccounts/{shared_sub}"),
            Some(json!({"use_primary_account_balance": false})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["use_primary_account_balance"], false);
    assert_eq!(reply.body["balance"].to_string(), "0.0000");

    // Type errors.
    let reply = sb
        .primary(Method::PATCH, &path, Some(json!({"suspended": "true"})))
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(
        reply.body["invalid_parameters"][0]["reason"],
        "Should be either 'true' or 'false'"
    );
    let reply = sb
        .primary(Method::PATCH, &path, Some(json!({"name": ""})))
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
}

#[tokio::test]
async fn subaccount_credentials_reach_only_their_own_account() {
    let sb = Sandbox::new();
    let (a, a_secret) = sb.subaccount("a", false).await;
    let (b, _) = sb.subaccount("b", false).await;
    let creds = Some((a.as_str(), a_secret.as_str()));
    let reply = sb
        .call(Method::GET, &format!("/accounts/{a}/secrets"), creds, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    for path in [
        format!("/accounts/{b}/secrets"),
        format!("/accounts/{KEY}/secrets"),
        format!("/accounts/{KEY}/subaccounts"),
        format!("/accounts/{KEY}/subaccounts/{a}"),
    ] {
        let reply = sb.call(Method::GET, &path, creds, None).await;
        reply.assert_problem(404, "#invalid-api-key");
    }
    // Its own key on the Subaccounts API: not provisioned.
    let reply = sb
        .call(
            Method::GET,
            &format!("/accounts/{a}/subaccounts"),
            creds,
            None,
        )
        .await;
    reply.assert_problem(403, "#unprovisioned");
    // A second primary cannot see the first one's subaccounts.
    let reply = sb
        .admin(
            Method::POST,
            "/_sandbox/primary-accounts",
            Some(json!({"api_key": "other123", "api_secret": "OtherSecret1"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    let other = Some(("other123", "OtherSecret1"));
    let reply = sb
        .call(Method::GET, &format!("/accounts/{a}/secrets"), other, None)
        .await;
    reply.assert_problem(404, "#invalid-api-key");
    let reply = sb
        .call(
            Method::GET,
            &format!("/accounts/{KEY}/subaccounts"),
            other,
            None,
        )
        .await;
    reply.assert_problem(404, "#invalid-api-key");
    let reply = sb
        .call(Method::GET, "/accounts/other123/subaccounts", other, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["_embedded"]["subaccounts"], json!([]));
}

/// Every Subaccounts API route, as the primary.
fn subaccounts_api(sub: &str) -> Vec<(Method, String, Option<Value>)> {
    let transfer = json!({"from": KEY, "to": sub, "amount": 1});
    vec![
        (Method::GET, format!("/accounts/{KEY}/subaccounts"), None),
        (
            Method::POST,
            format!("/accounts/{KEY}/subaccounts"),
            Some(json!({"name": "refused"})),
        ),
        (
            Method::GET,
            format!("/accounts/{KEY}/subaccounts/{sub}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/accounts/{KEY}/subaccounts/{sub}"),
            Some(json!({"name": "refused"})),
        ),
        (
            Method::GET,
            format!("/accounts/{KEY}/credit-transfers?start_date=2020-01-01T00:00:00Z"),
            None,
        ),
        (
            Method::POST,
            format!("/accounts/{KEY}/credit-transfers"),
            Some(transfer.clone()),
        ),
        (
            Method::GET,
            format!("/accounts/{KEY}/balance-transfers?start_date=2020-01-01T00:00:00Z"),
            None,
        ),
        (
            Method::POST,
            format!("/accounts/{KEY}/balance-transfers"),
            Some(transfer),
        ),
        (
            Method::POST,
            format!("/accounts/{KEY}/transfer-number"),
            Some(json!({"from": KEY, "to": sub, "number": "447700900000", "country": "GB"})),
        ),
    ]
}

async fn set_provisioned(sb: &Sandbox, key: &str, provisioned: bool) -> u16 {
    sb.admin(
        Method::PATCH,
        &format!("/_sandbox/accounts/{key}"),
        Some(json!({"subaccounts_provisioned": provisioned})),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn strict_refuses_the_subaccounts_api_until_provisioned() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: None,
        ..SandboxOptions::strict()
    });
    // Provision to create a subaccount to aim at, then take it away again.
    assert_eq!(set_provisioned(&sb, KEY, true).await, 200);
    let (sub, _) = sb.subaccount("aimed at", false).await;
    assert_eq!(set_provisioned(&sb, KEY, false).await, 200);
    for (method, path, body) in subaccounts_api(&sub) {
        let reply = sb.primary(method.clone(), &path, body).await;
        reply.assert_problem(403, "/api-errors#unprovisioned");
        assert_eq!(reply.body["title"], "Authorisation error");
        assert_eq!(
            reply.body["detail"],
            format!("Account {KEY} is not provisioned to access Subaccount Provisioning API"),
            "{method} {path}"
        );
    }
    // The Account API is not affected.
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/secrets"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let state = sb.admin(Method::GET, "/_sandbox/state", None).await;
    assert_eq!(state.body["accounts"][0]["subaccounts_provisioned"], false);
    assert_eq!(state.body["subaccounts"].as_array().unwrap().len(), 1);
    // Provisioned through the admin API: allowed.
    assert_eq!(set_provisioned(&sb, KEY, true).await, 200);
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
}

#[tokio::test]
async fn provisioning_is_a_per_primary_flag() {
    // By default the seeded primary is provisioned; the admin API can take
    // it away, and only primaries have the flag.
    let sb = Sandbox::new();
    let (sub, _) = sb.subaccount("s", true).await;
    assert_eq!(set_provisioned(&sb, &sub, true).await, 400);
    assert_eq!(set_provisioned(&sb, KEY, false).await, 200);
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    reply.assert_problem(403, "#unprovisioned");

    // Primaries added through the admin API: provisioned unless --strict,
    // or as the body says.
    for (options, body, expected) in [
        (SandboxOptions::default(), json!({}), true),
        (SandboxOptions::strict(), json!({}), false),
        (
            SandboxOptions::strict(),
            json!({"subaccounts_provisioned": true}),
            true,
        ),
    ] {
        let sb = Sandbox::with(options);
        let mut seed = json!({"api_key": "other123", "api_secret": "OtherSecret1"});
        seed.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        let reply = sb
            .admin(Method::POST, "/_sandbox/primary-accounts", Some(seed))
            .await;
        assert_eq!(reply.body["subaccounts_provisioned"], expected);
        let reply = sb
            .call(
                Method::GET,
                "/accounts/other123/subaccounts",
                Some(("other123", "OtherSecret1")),
                None,
            )
            .await;
        assert_eq!(reply.status.is_success(), expected, "{}", reply.raw);
    }
}

/// `--max-subaccounts N`: Vonage limits the subaccounts of a primary (its
/// spec names the `provisioning` error, "Maximum number of sub-accounts
/// reached") without publishing the number; past N a create is refused with
/// that error and nothing is made.
#[tokio::test]
async fn past_the_subaccount_limit_a_create_gets_vonages_provisioning_error() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: None,
        max_subaccounts: Some(2),
        ..SandboxOptions::default()
    });
    sb.subaccount("one", true).await;
    let (second, _) = sb.subaccount("two", false).await;
    // Suspended subaccounts still count: Vonage has no delete.
    let reply = sb
        .primary(
            Method::PATCH,
            &format!("/accounts/{KEY}/subaccounts/{second}"),
            Some(json!({"suspended": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let path = format!("/accounts/{KEY}/subaccounts");
    let reply = sb
        .primary(Method::POST, &path, Some(json!({"name": "three"})))
        .await;
    reply.assert_problem(403, "/account/subaccounts#provisioning");
    assert_eq!(
        reply.body["detail"],
        "Maximum number of sub-accounts reached"
    );
    let listed = sb.primary(Method::GET, &path, None).await;
    assert_eq!(
        listed.body["_embedded"]["subaccounts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Another primary has its own count.
    sb.admin(
        Method::POST,
        "/_sandbox/primary-accounts",
        Some(json!({"api_key": "other001", "api_secret": "OtherSecret1"})),
    )
    .await;
    let reply = sb
        .call(
            Method::POST,
            "/accounts/other001/subaccounts",
            Some(("other001", "OtherSecret1")),
            Some(json!({"name": "theirs"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
}
