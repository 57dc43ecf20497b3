//! The typed Vonage client used by the provider's resources.
//!
//! | File | Owns |
//! | --- | --- |
//! | `client.rs` | `Client`: what it was built with, cancellation, waits, error context |
//! | `config.rs` | `ClientConfig`, the `DEFAULT_*` constants, `user_agent()`, `ClientSettings`, the checks of its values (`checks`, also for the provider block) |
//! | `call.rs` | one call as data (`Call`, `Payload`), what an attempt brings back, a success body decoded |
//! | `attempt.rs` | one attempt at a call: URL, rate-limit slot, request, answer or `ApiFailure`, its log line |
//! | `retry_loop.rs` | the one retry loop, and the classifiers that decide after each failed attempt |
//! | `reconcile.rs` | a create whose outcome is unknown: probes, `create_reconciled`, `create_unreconcilable` |
//! | `request_log.rs` | the debug line of every attempt and wait, redacted error bodies at trace level |
//! | `account.rs` | balance, top-up, settings |
//! | `secrets.rs` | API secrets (+ create reconciliation) |
//! | `subaccounts.rs` | subaccounts (+ create reconciliation) |
//! | `transfers.rs` | credit, balance and number transfers (+ reconciliation by reference) |
//! | `numbers.rs` | the Numbers API's list of an account's numbers, for the primary or a subaccount |
//! | `errors.rs` | `Error`, and parsing Vonage error bodies into it |
//! | `retry.rs` | backoff with full jitter, `Retry-After`, what a call may spend on retries |
//! | `rate_limit.rs` | client-side pacing (30/s per key by default), slower after a 429 |
//! | `shared_pacing.rs` | one pacing per API key for every provider process on the machine, through a locked file |
//! | `auth.rs` | the Basic `Authorization` header (the only place credentials go) |
//! | `secret.rs` | `Secret`, which never prints |
//! | `response_parsers.rs` | the parsers above, callable on their own (fuzz targets, regression tests) |
//!
//! Must not: print, log a credential or an unredacted body (see `request_log.rs`), or depend
//! on the sandbox (only `crate::wire` is
//! shared with it).

mod account;
mod attempt;
mod auth;
mod call;
mod client;
mod config;
mod errors;
mod numbers;
mod rate_limit;
mod reconcile;
mod request_log;
pub mod response_parsers;
mod retry;
mod retry_loop;
mod secret;
mod secrets;
mod shared_pacing;
mod subaccounts;
mod transfers;

pub use account::{Balance, Settings, SettingsUpdate};
pub use client::Client;
pub use config::{
    ClientConfig, ClientSettings, DEFAULT_API_URL, DEFAULT_RATE_LIMIT_PER_SECOND, DEFAULT_REST_URL,
    DEFAULT_RETRY_MAX_SECONDS, DEFAULT_TIMEOUT_SECONDS, MAX_RETRY_AFTER_SECONDS, checks,
    user_agent,
};
pub use errors::{Error, FieldError, TransportClass};
pub use numbers::{NUMBERS_PAGE_SIZE, NumberFilter, OwnedNumber, SearchPattern};
pub use secret::Secret;
pub use secrets::{ApiSecret, FirstSecretOnly};
pub use subaccounts::{
    CreateSubaccount, ModifySubaccount, NewSubaccount, PrimaryAccount, Subaccount, SubaccountList,
};
pub use tokio_util::sync::CancellationToken;
pub use transfers::{
    NumberTransfer, NumberTransferResult, Transfer, TransferQuery, TransferRequest, query_date,
};

#[cfg(test)]
mod tests {
    //! The provider calls the client from tonic handlers, which need `Send`
    //! futures: this test fails to compile if any public call is not.
    use super::*;

    fn assert_send<T: Send>(_: T) {}

    #[allow(dead_code)]
    fn every_call_is_send(client: &Client) {
        let secret = Secret::from("x");
        let create = CreateSubaccount {
            name: String::new(),
            secret: None,
            use_primary_account_balance: None,
        };
        let transfer = TransferRequest {
            from: String::new(),
            to: String::new(),
            amount: serde_json::Number::from(1),
            reference: None,
            reference_is_unique: false,
        };
        let number = NumberTransfer {
            from: String::new(),
            to: String::new(),
            number: String::new(),
            country: String::new(),
        };
        let query = TransferQuery::default();
        assert_send(client.get_balance());
        assert_send(client.top_up(""));
        assert_send(client.read_settings());
        assert_send(client.update_settings(&SettingsUpdate::default()));
        assert_send(client.list_secrets(""));
        assert_send(client.create_secret("", &secret));
        assert_send(client.get_secret("", ""));
        assert_send(client.revoke_secret("", ""));
        assert_send(client.list_subaccounts());
        assert_send(client.create_subaccount(&create));
        assert_send(client.get_subaccount(""));
        assert_send(client.modify_subaccount("", &ModifySubaccount::default()));
        assert_send(client.list_credit_transfers(&query));
        assert_send(client.transfer_credit(&transfer));
        assert_send(client.list_balance_transfers(&query));
        assert_send(client.transfer_balance(&transfer));
        assert_send(client.transfer_number(&number));
        assert_send(client.list_numbers("", &NumberFilter::default()));
        assert_send(client.find_number("", "", ""));
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
        check::<Error>();
    }
}
