//! Number transfer route (`routes/numbers.rs`).

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, Sandbox};
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
