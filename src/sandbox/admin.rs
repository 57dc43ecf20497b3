//! The admin surface under `/_sandbox/` — a development tool with no auth,
//! answered to loopback clients only unless `--admin-from-anywhere` (see
//! `middleware::admin_only_from_loopback`).
//!
//! | Method and path | Does |
//! | --- | --- |
//! | `GET /_sandbox/health` | `{"status":"ok"}` |
//! | `POST /_sandbox/reset` | back to the seeded world; clears faults, call log, webhooks, rate windows; the clock back to the machine's |
//! | `GET /_sandbox/state` | dump of accounts, subaccounts, secrets (ids and `created_at`; values redacted), settings, balances, transfers, numbers |
//! | `GET /_sandbox/calls` / `DELETE` | the call log (method, path, query without credentials, status, fault, time, duration in ms and µs) / clear it |
//! | `GET /_sandbox/faults` / `POST` / `DELETE` | list (with the `--fault-seed`, or `null`) / add one (see `faults` for the JSON) / clear all |
//! | `GET /_sandbox/clock` / `POST` | the sandbox's time (`now` as the API writes times, `now_ms`, `offset_ms`, `frozen`), which stamps what the API creates and runs the rate windows / `{"advance_ms": N}` (N ≥ 0) moves it forward, `{"frozen": true\|false}` stops or restarts it; answers the new reading (see `clock`) |
//! | `PATCH /_sandbox/accounts/{key}` | set any of `balance`, `credit_limit` (≤ 0, as the API shows it), `auto_reload`, `top_up_amount`, `suspended`, `subaccounts_provisioned` (primaries) |
//! | `POST /_sandbox/accounts/{key}/auto-reload-charges` | `{"amount": 25}`: the payment that switches auto-reload on: credits the balance, sets `top_up_amount`, answers its `trx` for `POST /account/top-up` |
//! | `POST /_sandbox/accounts/{key}/numbers` | `{"number":"447700900000","country":"GB"}`, optionally `type`, `features`, `app_id`, `mo_http_url`, `voice_callback_type` with `voice_callback_value`, `voice_status_callback`, `messages_callback_value` (see `number_seed`): the account now holds that number |
//! | `POST /_sandbox/primary-accounts` | `{"api_key","api_secret","name","balance","credit_limit","subaccounts_provisioned"}`: another primary (for cross-account tests; provisioned unless `--strict`; `"name": null` makes one without a name) |
//! | `ANY /_sandbox/webhooks/{path}` | a webhook receiver: answers 200 and records the delivery (point callback URLs here) |
//! | `GET /_sandbox/webhooks` / `DELETE` | deliveries received, oldest first / clear them |
//!
//! Admin errors are `{"error": "…"}` with 400, 404 or 409. Changes made here are
//! persisted like API changes (the clock is not: see `state`).
//! Times in the call log and in webhook deliveries are the machine's clock's
//! (when a request reached this machine); every `created_at` is the sandbox
//! clock's.
//! Must not: be reachable through the fault or call-log machinery (see
//! `middleware`), or show a secret value.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, patch, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call_log::sanitize_query;
use super::faults::{Fault, FaultSpec};
use super::identifiers::new_payment_reference;
use super::number_seed::NumberSeed;
use super::paths::ADMIN_PREFIX;
use super::problem::ApiError;
use super::rules;
use super::state::{DEFAULT_PRIMARY_NAME, SandboxState};
use super::timestamps::{millis_z, seconds_z, wall_clock_ms};
use super::webhooks::{WebhookRecord, body_text};
use super::world::{Account, AutoReloadCharge, NumberRecord, StoredSettings, World};
use crate::wire::money::Eur;

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/_sandbox/health", get(health))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/state", get(dump))
        .route("/_sandbox/calls", get(calls).delete(clear_calls))
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/clock", get(read_clock).post(change_clock))
        .route("/_sandbox/accounts/{api_key}", patch(adjust_account))
        .route(
            "/_sandbox/accounts/{api_key}/auto-reload-charges",
            post(add_auto_reload_charge),
        )
        .route("/_sandbox/accounts/{api_key}/numbers", post(add_number))
        .route("/_sandbox/primary-accounts", post(add_primary))
        .route(
            "/_sandbox/webhooks",
            get(list_webhooks).delete(clear_webhooks),
        )
        .route("/_sandbox/webhooks/{*path}", any(receive_webhook))
}

/// An admin error: `{"error": "…"}`.
pub struct AdminError(StatusCode, String);

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<ApiError> for AdminError {
    fn from(e: ApiError) -> AdminError {
        let message = match *e.body {
            super::problem::ErrorBody::Problem(p) => p.detail,
            super::problem::ErrorBody::Legacy(l) => l.error_code_label,
        };
        AdminError(e.status, message)
    }
}

fn bad_request(message: impl Into<String>) -> AdminError {
    AdminError(StatusCode::BAD_REQUEST, message.into())
}

fn no_account(api_key: &str) -> AdminError {
    AdminError(StatusCode::NOT_FOUND, format!("no account '{api_key}'"))
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn reset(State(state): State<SandboxState>) -> Result<Json<Value>, AdminError> {
    state.reset().await?;
    Ok(Json(json!({ "status": "reset" })))
}

#[derive(Serialize)]
struct SecretView {
    id: String,
    created_at: String,
    value: &'static str,
}

#[derive(Serialize)]
struct ChargeView {
    trx: String,
    amount: Eur,
    created_at: String,
}

#[derive(Serialize)]
struct AccountView<'a> {
    api_key: &'a str,
    name: Option<&'a str>,
    primary_account_api_key: Option<&'a str>,
    use_primary_account_balance: bool,
    balance: serde_json::Number,
    credit_limit: serde_json::Number,
    suspended: bool,
    created_at: String,
    auto_reload: bool,
    top_up_amount: Eur,
    auto_reload_charges: Vec<ChargeView>,
    /// Primaries only.
    #[serde(skip_serializing_if = "Option::is_none")]
    subaccounts_provisioned: Option<bool>,
    settings: &'a StoredSettings,
    secrets: Vec<SecretView>,
}

fn account_view(a: &Account) -> AccountView<'_> {
    AccountView {
        api_key: &a.api_key,
        name: a.name.as_deref(),
        primary_account_api_key: a.primary.as_deref(),
        use_primary_account_balance: a.use_primary_account_balance,
        balance: a.balance.to_json_fixed(8),
        credit_limit: a.credit_limit.to_json_fixed(8),
        suspended: a.suspended,
        created_at: millis_z(a.created_at_ms),
        auto_reload: a.auto_reload,
        top_up_amount: a.top_up_amount,
        auto_reload_charges: a
            .auto_reload_charges
            .iter()
            .map(|c| ChargeView {
                trx: c.trx.clone(),
                amount: c.amount,
                created_at: millis_z(c.created_at_ms),
            })
            .collect(),
        subaccounts_provisioned: a.is_primary().then_some(a.subaccounts_provisioned),
        settings: &a.settings,
        secrets: a
            .secrets
            .iter()
            .map(|s| SecretView {
                id: s.id.clone(),
                created_at: seconds_z(s.created_at_ms),
                value: "[redacted]",
            })
            .collect(),
    }
}

fn dump_world(world: &World) -> Value {
    let (primaries, subs): (Vec<&Account>, Vec<&Account>) =
        world.accounts.values().partition(|a| a.is_primary());
    let transfers: Vec<Value> = world
        .transfers
        .iter()
        .map(|t| {
            json!({
                "id": t.id, "kind": t.kind, "primary": t.primary, "from": t.from, "to": t.to,
                "amount": t.amount, "reference": t.reference,
                "created_at": millis_z(t.created_at_ms),
            })
        })
        .collect();
    json!({
        "accounts": primaries.into_iter().map(account_view).collect::<Vec<_>>(),
        "subaccounts": subs.into_iter().map(account_view).collect::<Vec<_>>(),
        "transfers": transfers,
        "numbers": world.numbers,
    })
}

async fn dump(State(state): State<SandboxState>) -> Json<Value> {
    Json(state.read(dump_world))
}

async fn calls(State(state): State<SandboxState>) -> Json<Value> {
    Json(json!({ "calls": state.calls().records() }))
}

async fn clear_calls(State(state): State<SandboxState>) -> StatusCode {
    state.calls().clear();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(state): State<SandboxState>) -> Json<Value> {
    let book = state.faults();
    Json(json!({ "faults": book.list(), "seed": book.seed() }))
}

async fn add_fault(
    State(state): State<SandboxState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Fault>), AdminError> {
    let spec: FaultSpec =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid fault: {e}")))?;
    let fault = state.faults().add(spec).map_err(bad_request)?;
    Ok((StatusCode::CREATED, Json(fault)))
}

async fn clear_faults(State(state): State<SandboxState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

fn clock_view(state: &SandboxState) -> Value {
    let reading = state.clock().reading();
    json!({
        "now": millis_z(reading.now_ms),
        "now_ms": reading.now_ms,
        "offset_ms": reading.offset_ms,
        "frozen": reading.frozen,
    })
}

async fn read_clock(State(state): State<SandboxState>) -> Json<Value> {
    Json(clock_view(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    advance_ms: Option<i64>,
    frozen: Option<bool>,
}

async fn change_clock(
    State(state): State<SandboxState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, AdminError> {
    let change: ClockChange =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    if change.advance_ms.is_none() && change.frozen.is_none() {
        return Err(bad_request(
            "give \"advance_ms\" (milliseconds, zero or more) or \"frozen\" (true or false)",
        ));
    }
    if let Some(by) = change.advance_ms {
        state.clock().advance(by).map_err(|r| bad_request(r.0))?;
    }
    if let Some(frozen) = change.frozen {
        state.clock().set_frozen(frozen);
    }
    Ok(Json(clock_view(&state)))
}

/// A JSON number field as money.
fn money(value: &Value, field: &str) -> Result<Eur, AdminError> {
    value
        .as_number()
        .and_then(Eur::from_json)
        .ok_or_else(|| bad_request(format!("\"{field}\" must be a JSON number")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountAdjustment {
    balance: Option<Value>,
    credit_limit: Option<Value>,
    auto_reload: Option<bool>,
    top_up_amount: Option<Value>,
    suspended: Option<bool>,
    subaccounts_provisioned: Option<bool>,
}

async fn adjust_account(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, AdminError> {
    let adjustment: AccountAdjustment =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    let balance = adjustment
        .balance
        .map(|v| money(&v, "balance"))
        .transpose()?;
    let credit_limit = adjustment
        .credit_limit
        .map(|v| money(&v, "credit_limit"))
        .transpose()?;
    if credit_limit.is_some_and(Eur::is_positive) {
        return Err(bad_request("\"credit_limit\" must be zero or negative"));
    }
    let top_up = adjustment
        .top_up_amount
        .map(|v| money(&v, "top_up_amount"))
        .transpose()?;
    if top_up.is_some_and(|m| !m.is_positive()) {
        return Err(bad_request("\"top_up_amount\" must be positive"));
    }
    let view = state
        .change_with(|world| -> Result<Value, AdminError> {
            let account = world
                .account_mut(&api_key)
                .ok_or_else(|| no_account(&api_key))?;
            if let Some(b) = balance {
                account.balance = b;
            }
            if let Some(c) = credit_limit {
                account.credit_limit = c;
            }
            if let Some(r) = adjustment.auto_reload {
                account.auto_reload = r;
            }
            if let Some(t) = top_up {
                account.top_up_amount = t;
            }
            if let Some(s) = adjustment.suspended {
                account.suspended = s;
            }
            if let Some(p) = adjustment.subaccounts_provisioned {
                if !account.is_primary() {
                    return Err(bad_request(
                        "\"subaccounts_provisioned\" applies to primary accounts only",
                    ));
                }
                account.subaccounts_provisioned = p;
            }
            Ok(serde_json::to_value(account_view(account)).unwrap_or(Value::Null))
        })
        .await?;
    Ok(Json(view))
}

async fn add_number(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<NumberRecord>), AdminError> {
    let seed: NumberSeed =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    let record = seed.record(&api_key).map_err(bad_request)?;
    let stored = record.clone();
    state
        .change_with(move |world| {
            if world.account(&stored.owner).is_none() {
                return Err(no_account(&stored.owner));
            }
            world
                .numbers
                .retain(|n| !(n.number == stored.number && n.country == stored.country));
            world.numbers.push(stored);
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrimarySeed {
    api_key: String,
    api_secret: String,
    /// Absent: the default name. `null`: no name, shown as `null` in the
    /// subaccount list, as Vonage's recorded response shows a primary.
    #[serde(default, deserialize_with = "present")]
    name: Option<Option<String>>,
    balance: Option<Value>,
    credit_limit: Option<Value>,
    subaccounts_provisioned: Option<bool>,
}

/// A field that may be given as `null`: `Some(None)`, unlike an absent one
/// (`None`, through `#[serde(default)]`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

async fn add_primary(
    State(state): State<SandboxState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), AdminError> {
    let seed: PrimarySeed =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    if seed.api_key.is_empty() || seed.api_key.contains(['/', '?', '#', ':']) {
        return Err(bad_request(
            "\"api_key\" must be a non-empty path-safe string",
        ));
    }
    if !rules::secret_is_strong(&seed.api_secret) {
        return Err(bad_request(
            "\
            \"api_secret\" must be 8-25 characters with a lower-case letter, an upper-case letter \
            and a digit",
        ));
    }
    let balance = seed.balance.map(|v| money(&v, "balance")).transpose()?;
    let credit = seed
        .credit_limit
        .map(|v| money(&v, "credit_limit"))
        .transpose()?;
    if credit.is_some_and(Eur::is_positive) {
        return Err(bad_request("\"credit_limit\" must be zero or negative"));
    }
    let mut account = Account::new_primary(
        &seed.api_key,
        &seed.api_secret,
        DEFAULT_PRIMARY_NAME,
        balance.unwrap_or(Eur::ZERO),
        credit.unwrap_or(Eur::ZERO),
        state.now_ms(),
    );
    if let Some(name) = seed.name {
        account.name = name;
    }
    account.subaccounts_provisioned = seed
        .subaccounts_provisioned
        .unwrap_or(!state.options().strict);
    let view = serde_json::to_value(account_view(&account)).unwrap_or(Value::Null);
    state
        .change_with(move |world| {
            if world.account(&account.api_key).is_some() {
                return Err(AdminError(
                    StatusCode::CONFLICT,
                    format!("account '{}' already exists", account.api_key),
                ));
            }
            world.accounts.insert(account.api_key.clone(), account);
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargeSeed {
    amount: Value,
}

/// The payment that switches auto-reload on: credits the balance, makes its
/// amount the top-up amount, and answers its `trx`.
async fn add_auto_reload_charge(
    State(state): State<SandboxState>,
    Path(api_key): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), AdminError> {
    let seed: ChargeSeed =
        serde_json::from_slice(&body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    let amount = money(&seed.amount, "amount")?;
    if !amount.is_positive() {
        return Err(bad_request("\"amount\" must be positive"));
    }
    let charge = AutoReloadCharge {
        trx: new_payment_reference(),
        amount,
        created_at_ms: state.now_ms(),
    };
    let answer = json!({
        "api_key": api_key,
        "trx": charge.trx,
        "amount": amount,
        "created_at": millis_z(charge.created_at_ms),
    });
    state
        .change_with(|world| -> Result<(), AdminError> {
            let account = world
                .account_mut(&api_key)
                .ok_or_else(|| no_account(&api_key))?;
            if !account.has_own_balance() {
                return Err(bad_request(format!(
                    "account '{api_key}' uses its primary's balance: charge the primary"
                )));
            }
            account.balance = account
                .balance
                .checked_add(amount)
                .ok_or_else(|| bad_request("\"amount\" is too large"))?;
            account.auto_reload = true;
            account.top_up_amount = amount;
            account.auto_reload_charges.push(charge);
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

async fn list_webhooks(State(state): State<SandboxState>) -> Json<Value> {
    Json(json!({ "webhooks": state.webhooks().records() }))
}

async fn clear_webhooks(State(state): State<SandboxState>) -> StatusCode {
    state.webhooks().clear();
    StatusCode::NO_CONTENT
}

/// Any method on `/_sandbox/webhooks/…`: 200, and the delivery is recorded.
async fn receive_webhook(
    State(state): State<SandboxState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Json<Value> {
    let below = uri
        .path()
        .strip_prefix(ADMIN_PREFIX)
        .and_then(|p| p.strip_prefix("webhooks"))
        .unwrap_or("/");
    let (text, truncated) = body_text(&body);
    state.webhooks().push(WebhookRecord {
        method: method.to_string(),
        path: below.to_string(),
        query: uri.query().and_then(sanitize_query),
        content_type: headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: text,
        body_truncated: truncated,
        time: millis_z(wall_clock_ms()),
        internal: state.is_internal(&headers),
    });
    Json(json!({ "status": "received" }))
}
