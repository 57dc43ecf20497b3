//! What the client puts on the wire, observed by a recording server: Basic
//! credentials only in the header, never in a URL or body; the User-Agent;
//! form and JSON bodies; an empty settings read; strict query dates.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::IntoResponse;
use common::requests::new_subaccount;
use serde_json::json;
use tfvonage::vonage::{Client, ClientConfig, Secret, SettingsUpdate, TransferQuery, user_agent};

#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: String,
}

type Log = Arc<Mutex<Vec<Seen>>>;

async fn record(
    State(log): State<Log>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let path = uri.path().to_string();
    log.lock().unwrap().push(Seen {
        method,
        uri: uri.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    });
    let reply = if path.ends_with("/settings") {
        json!({"mo-callback-url": "", "dr-callback-url": "", "max-outbound-request": 30,
               "max-inbound-request": 30, "max-calls-per-second": 30})
    } else if path.ends_with("/get-balance") {
        json!({"value": 1.5, "autoReload": false})
    } else if path.ends_with("/subaccounts") && uri.query().is_none() && body.is_empty() {
        json!({
            "_links": {"self": {"href": "/accounts/abcd1234/subaccounts"}},
            "total_balance": 0.0, "total_credit_limit": 0.0,
            "_embedded": {
                "primary_account": {
                    "api_key": "abcd1234", "name": null, "balance": 0.0, "credit_limit": 0.0,
                    "suspended": false, "created_at": "2024-01-01T00:00:00.000Z",
                },
                "subaccounts": [],
            },
        })
    } else if path.ends_with("/subaccounts") {
        json!({
            "api_key": "aaaa1111", "primary_account_api_key": "abcd1234",
            "use_primary_account_balance": true, "name": "n", "balance": null,
            "credit_limit": null, "suspended": false, "created_at": "2024-01-01T00:00:00.123Z",
            "secret": "Generated123",
        })
    } else {
        json!({"_links": {"self": {"href": "/x"}}, "_embedded": {"credit_transfers": []}})
    };
    axum::Json(reply)
}

async fn recording_server() -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(record).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), log)
}

fn client_for(base: &str) -> Client {
    let mut config = ClientConfig::new("abcd1234", Secret::from("WireSecret123"));
    config.rest_url = base.to_string();
    config.api_url = base.to_string();
    config.timeout = Duration::from_secs(2);
    config.user_agent = user_agent(Some("1.10.0"));
    Client::new(config).unwrap()
}

#[tokio::test]
async fn credentials_only_in_the_basic_header() {
    let (base, log) = recording_server().await;
    let client = client_for(&base);
    client.get_balance().await.unwrap();
    client.read_settings().await.unwrap();
    client
        .update_settings(&SettingsUpdate {
            mo_callback_url: Some("https://example.com/in?a=b".into()),
            dr_callback_url: Some(String::new()),
            http_forward_method: None,
        })
        .await
        .unwrap();
    let (_, secret) = client
        .create_subaccount(&new_subaccount("n", None, Some("SubSecret123")))
        .await
        .unwrap();
    assert_eq!(
        secret.unwrap().expose(),
        "Generated123",
        "the response's secret wins"
    );
    client
        .list_credit_transfers(&TransferQuery {
            subaccounts: vec!["aaaa1111".into()],
            ..TransferQuery::default()
        })
        .await
        .unwrap();

    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), 6, "{seen:#?}");
    for request in &seen {
        let auth = request.headers["authorization"].to_str().unwrap();
        assert_eq!(auth, "Basic YWJjZDEyMzQ6V2lyZVNlY3JldDEyMw==");
        assert!(!request.uri.contains("WireSecret123") && !request.uri.contains("api_secret"));
        assert!(!request.body.contains("WireSecret123") && !request.body.contains("api_key"));
        let agent = request.headers["user-agent"].to_str().unwrap();
        assert!(
            agent.starts_with(&format!(
                "terraform-provider-vonage/{} terraform/1.10.0",
                env!("CARGO_PKG_VERSION")
            )),
            "{agent}"
        );
        assert_eq!(request.headers["accept"], "application/json");
    }
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].uri, "/account/get-balance");
    // Settings read: POST with no body and no content type.
    assert_eq!(seen[1].method, Method::POST);
    assert_eq!(seen[1].body, "");
    assert!(!seen[1].headers.contains_key("content-type"));
    // Settings update: form body, empty value sent, absent one not.
    assert_eq!(
        seen[2].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        seen[2].body,
        "moCallBackUrl=https%3A%2F%2Fexample.com%2Fin%3Fa%3Db&drCallBackUrl="
    );
    // Subaccount: list first (for reconciliation), then a JSON create.
    assert_eq!(seen[3].method, Method::GET);
    assert_eq!(seen[4].headers["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_str(&seen[4].body).unwrap();
    assert_eq!(body, json!({"name": "n", "secret": "SubSecret123"}));
    // Transfers: start_date without milliseconds.
    assert_eq!(
        seen[5].uri,
        "/accounts/abcd1234/credit-transfers?start_date=1970-01-01T00%3A00%3A00Z&subaccount=aaaa1111"
    );
}
