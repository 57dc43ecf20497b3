//! Credit and balance transfer routes (`routes/transfers.rs`): moving
//! money and credit, the rules, and listing.

use crate::sandbox_harness;

use axum::http::{Method, StatusCode};
use sandbox_harness::{KEY, Sandbox, is_millis_z};
use serde_json::json;
use tfvonage::sandbox::SandboxOptions;
use tfvonage::wire::money::Eur;

#[tokio::test]
async fn balance_transfers_move_money_both_ways() {
    let sb = Sandbox::new();
    let (sub, _) = sb.subaccount("funded", false).await;
    let path = format!("/accounts/{KEY}/balance-transfers");
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": sub, "amount": 25.5, "reference": "first"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.body["masterAccountId"], KEY);
    let id = reply.body["id"].as_str().unwrap().to_string();
    assert_eq!(reply.body["_links"]["self"]["href"], format!("{path}/{id}"));
    assert_eq!(reply.body["amount"].to_string(), "25.5");
    assert_eq!(reply.body["reference"], "first");
    assert!(is_millis_z(reply.body["created_at"].as_str().unwrap()));

    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": sub, "to": KEY, "amount": 0.5})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);

    let reply = sb
        .primary(
            Method::GET,
            &format!("/accounts/{KEY}/subaccounts/{sub}"),
            None,
        )
        .await;
    assert_eq!(reply.body["balance"].to_string(), "25.0000");
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    assert_eq!(
        reply.body["_embedded"]["primary_account"]["balance"].to_string(),
        "75.0000"
    );
    assert_eq!(reply.body["total_balance"].to_string(), "100.0000");

    // Over the available balance (prepaid primary: 75).
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": sub, "amount": 75.01})),
        )
        .await;
    reply.assert_problem(403, "/account/subaccounts#valid-transfers");
    assert_eq!(reply.body["detail"], "Insufficient Credit");
    assert_eq!(reply.body["title"], "Transfer amount is invalid");

    // List: needs a strict start_date.
    let reply = sb.primary(Method::GET, &path, None).await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(reply.invalid_parameter_names(), ["start_date"]);
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=2020-01-01T00:00:00.000Z"),
            None,
        )
        .await;
    reply.assert_problem(422, "/account/subaccounts#validation");
    assert_eq!(reply.body["invalid_parameters"][0]["reason"], "Malformed");
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=2020-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    assert_eq!(reply.body["_links"]["self"]["href"], path);
    let items = reply.body["_embedded"]["balance_transfers"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0].get("masterAccountId").is_none());
    assert!(items[0].get("_links").is_none());
    // Newest first, as Vonage lists them.
    assert_eq!(items[0]["reference"], "");
    assert_eq!(items[1]["id"], id.as_str());
    // Filters.
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=2999-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(reply.body["_embedded"]["balance_transfers"], json!([]));
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=2020-01-01T00:00:00Z&subaccount=ffffffff"),
            None,
        )
        .await;
    assert_eq!(reply.body["_embedded"]["balance_transfers"], json!([]));
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=2020-01-01T00:00:00Z&subaccount=ffffffff&subaccount={sub}"),
            None,
        )
        .await;
    assert_eq!(
        reply.body["_embedded"]["balance_transfers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Credit transfers are a separate list.
    let reply = sb
        .primary(
            Method::GET,
            &format!("/accounts/{KEY}/credit-transfers?start_date=2020-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(reply.body["_embedded"]["credit_transfers"], json!([]));
}

#[tokio::test]
async fn transfer_rules() {
    let sb = Sandbox::new();
    let (a, _) = sb.subaccount("a", false).await;
    let (b, _) = sb.subaccount("b", false).await;
    let (shared, _) = sb.subaccount("shared", true).await;
    let path = format!("/accounts/{KEY}/balance-transfers");
    let cases = [
        (json!({"from": KEY, "to": KEY, "amount": 1}), 422, "from"),
        (json!({"from": KEY, "to": a, "amount": "1"}), 422, "amount"),
        (json!({"from": KEY, "to": a, "amount": 0}), 422, "amount"),
        (json!({"from": KEY, "to": a, "amount": -3}), 422, "amount"),
        (json!({"to": a, "amount": 1}), 422, "from"),
    ];
    for (body, status, field) in cases {
        let reply = sb.primary(Method::POST, &path, Some(body.clone())).await;
        reply.assert_problem(status, "/account/subaccounts#validation");
        assert_eq!(reply.invalid_parameter_names(), [field], "{body}");
    }
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": a, "amount": "1"})),
        )
        .await;
    assert_eq!(
        reply.body["invalid_parameters"][0]["reason"],
        "Only positive values of data type JSON number are allowed"
    );
    for body in [
        json!({"from": a, "to": b, "amount": 1}),
        json!({"from": KEY, "to": "ffffffff", "amount": 1}),
        json!({"from": KEY, "to": shared, "amount": 1}),
    ] {
        let reply = sb.primary(Method::POST, &path, Some(body)).await;
        reply.assert_problem(403, "/account/subaccounts#valid-transfers");
        assert_eq!(reply.body["title"], "Invalid Transfer");
    }
}

#[tokio::test]
async fn credit_transfers_allocate_the_credit_line() {
    let sb = Sandbox::with(SandboxOptions {
        seed: tfvonage::sandbox::world::SeedAccount {
            credit: Eur::from_euros(100),
            balance: Eur::from_euros(-40),
            ..SandboxOptions::default().seed
        },
        ..SandboxOptions::default()
    });
    let (sub, _) = sb.subaccount("postpaid", false).await;
    let path = format!("/accounts/{KEY}/credit-transfers");
    // Available credit: 100 − 40 = 60.
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": sub, "amount": 60.01})),
        )
        .await;
    reply.assert_problem(403, "#valid-transfers");
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": KEY, "to": sub, "amount": 35})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let reply = sb
        .primary(Method::GET, &format!("/accounts/{KEY}/subaccounts"), None)
        .await;
    let primary = &reply.body["_embedded"]["primary_account"];
    assert_eq!(primary["credit_limit"].to_string(), "-65.0000");
    assert_eq!(primary["balance"].to_string(), "-40.0000");
    let sub_body = &reply.body["_embedded"]["subaccounts"][0];
    assert_eq!(sub_body["credit_limit"].to_string(), "-35.0000");
    assert_eq!(reply.body["total_credit_limit"].to_string(), "-100.0000");
    // And back.
    let reply = sb
        .primary(
            Method::POST,
            &path,
            Some(json!({"from": sub, "to": KEY, "amount": 5})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
    let reply = sb
        .primary(
            Method::GET,
            &format!("{path}?start_date=1970-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(
        reply.body["_embedded"]["credit_transfers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Balance transfer may draw on the credit line: balance −40, limit −65 → 25.
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/balance-transfers"),
            Some(json!({"from": KEY, "to": sub, "amount": 25})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
}

#[tokio::test]
async fn prepaid_primary_has_no_credit_to_give() {
    let sb = Sandbox::new();
    let (sub, _) = sb.subaccount("s", false).await;
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/credit-transfers"),
            Some(json!({"from": KEY, "to": sub, "amount": 1})),
        )
        .await;
    reply.assert_problem(403, "#valid-transfers");
    assert_eq!(reply.body["detail"], "Insufficient Credit");
}

/// Creates three transfers of each kind (amounts 1, 2, 3) and lists them.
async fn amounts_as_listed(sb: &Sandbox) -> (Vec<String>, Vec<String>) {
    let (sub, _) = sb.subaccount("ordered", false).await;
    for amount in [1, 2, 3] {
        for kind in ["balance-transfers", "credit-transfers"] {
            let reply = sb
                .primary(
                    Method::POST,
                    &format!("/accounts/{KEY}/{kind}"),
                    Some(json!({"from": KEY, "to": sub, "amount": amount})),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
        }
    }
    let mut lists = Vec::new();
    for (kind, key) in [
        ("balance-transfers", "balance_transfers"),
        ("credit-transfers", "credit_transfers"),
    ] {
        let reply = sb
            .primary(
                Method::GET,
                &format!("/accounts/{KEY}/{kind}?start_date=2020-01-01T00:00:00Z"),
                None,
            )
            .await;
        lists.push(
            reply.body["_embedded"][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["amount"].to_string())
                .collect::<Vec<_>>(),
        );
    }
    (lists.remove(0), lists.remove(0))
}

#[tokio::test]
async fn lists_are_newest_first_unless_relaxed() {
    let with_credit = |oldest_first| SandboxOptions {
        seed: tfvonage::sandbox::world::SeedAccount {
            credit: Eur::from_euros(100),
            ..SandboxOptions::default().seed
        },
        rate_limit: None,
        transfers_oldest_first: oldest_first,
        ..SandboxOptions::default()
    };
    let sb = Sandbox::with(with_credit(false));
    let (balance, credit) = amounts_as_listed(&sb).await;
    assert_eq!(balance, ["3", "2", "1"]);
    assert_eq!(credit, ["3", "2", "1"]);
    let sb = Sandbox::with(with_credit(true));
    let (balance, credit) = amounts_as_listed(&sb).await;
    assert_eq!(balance, ["1", "2", "3"]);
    assert_eq!(credit, ["1", "2", "3"]);
}

/// Vonage documents one effect of suspension on transfers: a number transfer
/// with a suspended party is refused ("banned"). Balance and credit
/// transfers are undocumented; the sandbox allows them both ways, so a
/// suspended subaccount's money and credit can be taken back
/// (docs/sandbox.md, "Suspended subaccounts and money").
#[tokio::test]
async fn money_and_credit_move_to_and_from_a_suspended_subaccount() {
    let sb = Sandbox::with(SandboxOptions {
        rate_limit: None,
        seed: tfvonage::sandbox::world::SeedAccount {
            credit: Eur::from_euros(100),
            ..SandboxOptions::default().seed
        },
        ..SandboxOptions::default()
    });
    let (sub, _) = sb.subaccount("suspended", false).await;
    let reply = sb
        .primary(
            Method::PATCH,
            &format!("/accounts/{KEY}/subaccounts/{sub}"),
            Some(json!({"suspended": true})),
        )
        .await;
    assert_eq!(reply.body["suspended"], true, "{}", reply.raw);
    for (kind, from, to) in [
        ("balance-transfers", KEY, sub.as_str()),
        ("balance-transfers", sub.as_str(), KEY),
        ("credit-transfers", KEY, sub.as_str()),
        ("credit-transfers", sub.as_str(), KEY),
    ] {
        let reply = sb
            .primary(
                Method::POST,
                &format!("/accounts/{KEY}/{kind}"),
                Some(json!({"from": from, "to": to, "amount": 5})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{kind} {from}->{to}: {}",
            reply.raw
        );
    }
    // A number transfer with it is refused, as Vonage answers.
    sb.admin(
        Method::POST,
        &format!("/_sandbox/accounts/{KEY}/numbers"),
        Some(json!({"number": "447700900001", "country": "GB"})),
    )
    .await;
    let reply = sb
        .primary(
            Method::POST,
            &format!("/accounts/{KEY}/transfer-number"),
            Some(json!({"from": KEY, "to": sub, "number": "447700900001", "country": "GB"})),
        )
        .await;
    reply.assert_problem(403, "#invalid-number-transfer");
    assert_eq!(
        reply.body["detail"],
        "One of the accounts involved in the transfer is banned"
    );
}
