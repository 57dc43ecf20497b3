//! API secret routes (`routes/secrets.rs`): lifecycle, strength, the
//! two-secret limit, the last secret, and access.

use crate::sandbox_harness;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sandbox_harness::{KEY, SECRET, Sandbox, basic, is_seconds_z};
use serde_json::json;

#[tokio::test]
async fn secret_lifecycle_and_rules() {
    let sb = Sandbox::new();
    let list_path = format!("/accounts/{KEY}/secrets");
    let reply = sb.primary(Method::GET, &list_path, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.body["_links"]["self"]["href"], list_path);
    let secrets = reply.body["_embedded"]["secrets"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(secrets.len(), 1);
    let first_id = secrets[0]["id"].as_str().unwrap().to_string();
    assert!(is_seconds_z(secrets[0]["created_at"].as_str().unwrap()));
    assert_eq!(
        secrets[0]["_links"]["self"]["href"],
        format!("{list_path}/{first_id}")
    );

    // Weak secrets.
    for weak in [
        "short1A",
        "alllowercase1",
        "ALLUPPERCASE1",
        "NoDigitsHere",
        "A1bcdefghijklmnopqrstuvwxy",
    ] {
        let reply = sb
            .primary(Method::POST, &list_path, Some(json!({"secret": weak})))
            .await;
        reply.assert_problem(400, "/account/secret-management#validation");
        assert_eq!(reply.invalid_parameter_names(), ["secret"]);
    }
    let reply = sb.primary(Method::POST, &list_path, Some(json!({}))).await;
    reply.assert_problem(400, "/account/secret-management#validation");

    // Create (trailing slash, unknown field tolerated).
    let reply = sb
        .primary(
            Method::POST,
            &format!("{list_path}/"),
            Some(json!({"secret": "NewSecret123", "comment": "ignored"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.raw);
    assert_eq!(reply.content_type(), "application/json");
    let second_id = reply.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        reply.body["_links"]["self"]["href"],
        format!("{list_path}/{second_id}")
    );
    assert!(!reply.raw.contains("NewSecret123"));

    // The new secret authenticates.
    let reply = sb
        .call(
            Method::GET,
            "/account/get-balance",
            Some((KEY, "NewSecret123")),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);

    // Third → 403 (newest variant).
    let reply = sb
        .primary(
            Method::POST,
            &list_path,
            Some(json!({"secret": "ThirdSecret123"})),
        )
        .await;
    reply.assert_problem(403, "/account/secret-management#add-excess-secret");
    assert_eq!(reply.body["title"], "Secret Addition Forbidden");

    // Get (trailing `?`, JSON content type on a GET).
    let request = Request::builder()
        .uri(format!("{list_path}/{second_id}?"))
        .header(header::AUTHORIZATION, basic(KEY, SECRET))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::empty())
        .unwrap();
    let reply = sb.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.body["id"], second_id.as_str());

    // Unknown id.
    let reply = sb
        .primary(
            Method::GET,
            &format!("{list_path}/00000000-0000-0000-0000-000000000000"),
            None,
        )
        .await;
    reply.assert_problem(404, "#invalid-id");
    let reply = sb
        .primary(Method::DELETE, &format!("{list_path}/nope"), None)
        .await;
    reply.assert_problem(404, "#invalid-id");

    // Revoke the first, then the last one is refused.
    let reply = sb
        .primary(Method::DELETE, &format!("{list_path}/{first_id}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.raw.is_empty());
    let reply = sb
        .call(
            Method::DELETE,
            &format!("{list_path}/{second_id}"),
            Some((KEY, "NewSecret123")),
            None,
        )
        .await;
    reply.assert_problem(403, "/account/secret-management#delete-last-secret");
    // The revoked secret no longer authenticates.
    let reply = sb.primary(Method::GET, &list_path, None).await;
    reply.assert_problem(401, "#unauthorized");
}

#[tokio::test]
async fn secrets_of_unknown_or_foreign_accounts_are_404() {
    let sb = Sandbox::new();
    let reply = sb
        .primary(Method::GET, "/accounts/zzzz9999/secrets", None)
        .await;
    reply.assert_problem(404, "#invalid-api-key");
    assert!(reply.body["detail"].as_str().unwrap().contains("zzzz9999"));
}
