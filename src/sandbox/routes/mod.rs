//! The API routes: one file per route group, mounted here.
//!
//! | Route | File |
//! | --- | --- |
//! | `GET /account/get-balance`, `POST /account/top-up`, `POST /account/settings` | `account.rs` |
//! | `/accounts/{k}/secrets[/{id}]` | `secrets.rs` |
//! | `/accounts/{k}/subaccounts[/{sub}]` | `subaccounts.rs` |
//! | `/accounts/{k}/credit-transfers`, `/accounts/{k}/balance-transfers` | `transfers.rs` |
//! | `/accounts/{k}/transfer-number` | `numbers.rs` |
//! | `GET /account/numbers` (Numbers API) | `account_numbers.rs` |
//!
//! Each handler authenticates (`auth`), checks access, validates input
//! (`rules`), reads or changes the world through `SandboxState`, and renders
//! a wire body (`render`) or an `ApiError` (`problem`).
//! Must not: hold state of its own.

mod account;
mod account_numbers;
mod numbers;
mod secrets;
mod subaccounts;
mod transfers;

use axum::Router;
use axum::http::{Method, Uri};
use axum::routing::{get, post};

use super::problem::{ApiError, method_not_allowed, route_not_found};
use super::state::SandboxState;

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/account/get-balance", get(account::get_balance))
        .route("/account/top-up", post(account::top_up))
        .route("/account/settings", post(account::settings))
        .route("/account/numbers", get(account_numbers::list))
        .route(
            "/accounts/{api_key}/secrets",
            get(secrets::list).post(secrets::create),
        )
        .route(
            "/accounts/{api_key}/secrets/{secret_id}",
            get(secrets::get).delete(secrets::revoke),
        )
        .route(
            "/accounts/{api_key}/subaccounts",
            get(subaccounts::list).post(subaccounts::create),
        )
        .route(
            "/accounts/{api_key}/subaccounts/{subaccount_key}",
            get(subaccounts::get).patch(subaccounts::modify),
        )
        .route(
            "/accounts/{api_key}/credit-transfers",
            get(transfers::list_credit).post(transfers::create_credit),
        )
        .route(
            "/accounts/{api_key}/balance-transfers",
            get(transfers::list_balance).post(transfers::create_balance),
        )
        .route(
            "/accounts/{api_key}/transfer-number",
            post(numbers::transfer),
        )
        .method_not_allowed_fallback(not_allowed)
}

pub async fn not_found(method: Method, uri: Uri) -> ApiError {
    route_not_found(method.as_str(), uri.path())
}

async fn not_allowed(method: Method, uri: Uri) -> ApiError {
    method_not_allowed(method.as_str(), uri.path())
}
