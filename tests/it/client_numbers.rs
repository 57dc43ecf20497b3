//! Client ↔ sandbox over real HTTP: the Numbers API's list of an account's numbers, for the
//! primary and, with the primary's secret, for a subaccount; and a number transfer whose answer
//! is lost, reconciled by reading where the number is before sending it again.

use crate::common;

use common::{KEY, SandboxProcess, calls, client, fault};
use serde_json::json;
use tfvonage::vonage::{NumberFilter, NumberTransfer, SearchPattern};

async fn give(sandbox: &SandboxProcess, holder: &str, number: &str) {
    common::admin_post(
        sandbox,
        &format!("/_sandbox/accounts/{holder}/numbers"),
        json!({"number": number, "country": "GB"}),
    )
    .await;
}

#[tokio::test]
async fn every_number_is_read_100_at_a_time_and_a_subaccounts_with_the_primarys_secret() {
    let sandbox = SandboxProcess::spawn(&["--rate-limit", "0"]);
    let client = client(&sandbox);
    let sub = common::requests::own_balance_sub(&client, "holder").await;
    for i in 0..150 {
        give(&sandbox, KEY, &format!("4477009{i:05}")).await;
    }
    give(&sandbox, &sub, "447700800001").await;
    let before = calls(&sandbox, "GET", "/account/numbers").await.len();
    let all = client
        .list_numbers(KEY, &NumberFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 150);
    assert_eq!(all[0].number, "447700900000");
    assert_eq!(all[0].features, ["VOICE", "SMS"]);
    let pages = calls(&sandbox, "GET", "/account/numbers").await;
    assert_eq!(pages.len() - before, 2, "150 numbers are two pages of 100");
    for call in &pages[before..] {
        let query = call["query"].as_str().unwrap_or("");
        assert!(
            !query.contains("api_secret"),
            "credentials only in the header: {query}"
        );
    }
    let held = client
        .list_numbers(&sub, &NumberFilter::default())
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].number, "447700800001");
    let ends = NumberFilter {
        pattern: Some(("00149".into(), SearchPattern::EndsWith)),
        ..NumberFilter::default()
    };
    assert_eq!(client.list_numbers(KEY, &ends).await.unwrap().len(), 1);
    assert!(
        client
            .find_number(&sub, "447700900001", "GB")
            .await
            .unwrap()
            .is_none(),
        "the primary holds it, not the subaccount"
    );
    assert!(
        client
            .find_number(KEY, "447700900001", "GB")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        client
            .list_numbers("nobody00", &NumberFilter::default())
            .await
            .is_err(),
        "an unknown key is refused"
    );
}

#[tokio::test]
async fn a_transfer_whose_answer_is_lost_moves_the_number_once() {
    let sandbox = SandboxProcess::spawn(&[]);
    let client = client(&sandbox);
    let sub = common::requests::own_balance_sub(&client, "to").await;
    give(&sandbox, KEY, "447700900123").await;
    let transfer = |from: &str, to: &str| NumberTransfer {
        from: from.into(),
        to: to.into(),
        number: "447700900123".into(),
        country: "GB".into(),
    };
    let path = format!("/accounts/{KEY}/transfer-number");
    // The move happens, its answer is lost: the client reads where the number is, sends nothing
    // again, and reports the move.
    fault(
        &sandbox,
        json!({"route": format!("POST {path}"), "kind": "drop", "count": 1, "after_handler": true}),
    )
    .await;
    let moved = client.transfer_number(&transfer(KEY, &sub)).await.unwrap();
    assert_eq!(
        (moved.from.as_str(), moved.to.as_str()),
        (KEY, sub.as_str())
    );
    assert_eq!(calls(&sandbox, "POST", &path).await.len(), 1);
    // The answer is lost before the move: the number is still at `from`, so it is sent again.
    fault(
        &sandbox,
        json!({"route": format!("POST {path}"), "kind": "status", "status": 503, "count": 1}),
    )
    .await;
    let back = client.transfer_number(&transfer(&sub, KEY)).await.unwrap();
    assert_eq!(back.to, KEY);
    assert_eq!(calls(&sandbox, "POST", &path).await.len(), 3);
    let state = common::admin_get(&sandbox, "/_sandbox/state").await;
    assert_eq!(state["numbers"][0]["owner"], KEY);
}
