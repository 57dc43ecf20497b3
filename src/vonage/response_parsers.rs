//! The client's parsers of what Vonage answers, callable on their own, for the fuzz targets in
//! `fuzz/` and the regression tests of what they found.
//!
//! Owns no parsing of its own: [`error_response`] runs what a call runs on an error answer
//! (`Retry-After`, `ApiFailure::parse`, `ApiFailure::into_error` with the call's secrets),
//! [`success_response`] runs the decode of each success body the client reads and its
//! conversion into the public type, and [`logged_error_body`] is the redacted body a trace log
//! shows.
//!
//! Must not: parse anything itself, or offer a way around the scrubbing of secrets.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use super::account::Settings;
use super::call::{RawResponse, decode};
use super::client::Client;
use super::errors::{Error, ErrorContext};
use super::request_log::redacted_body;
use super::retry::parse_retry_after;
use super::secrets::ApiSecret;
use super::subaccounts::{PrimaryAccount, Subaccount, SubaccountList, created};
use super::transfers::{NumberTransferResult, Transfer};
use crate::wire::account::{BalanceResponse, SettingsResponse};
use crate::wire::numbers::NumberTransferBody;
use crate::wire::secrets::{SecretList, SecretResource};
use crate::wire::subaccounts::{
    CreatedSubaccountBody, SubaccountBody, SubaccountList as WireSubaccountList,
};
use crate::wire::transfers::{BalanceTransferList, CreditTransferList, TransferBody};

/// The error a call on `api_key` that knows `secrets` returns for this answer.
pub fn error_response(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    api_key: &str,
    secrets: &[&str],
) -> Error {
    let raw = RawResponse {
        status,
        headers: headers.clone(),
        body: body.to_vec(),
    };
    let ctx = ErrorContext {
        api_key,
        what: format!("account '{api_key}'"),
        secrets: secrets.to_vec(),
    };
    Client::failure(&raw).into_error(&ctx)
}

/// A `Retry-After` value as the client reads it, relative to `now`.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    parse_retry_after(value, now)
}

/// An error body as the client's trace log shows it.
pub fn logged_error_body(body: &[u8], secrets: &[&str]) -> String {
    redacted_body(body, secrets)
}

/// Each success body the client decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessBody {
    Balance,
    Settings,
    SecretList,
    Secret,
    SubaccountList,
    CreatedSubaccount,
    Subaccount,
    CreditTransferList,
    BalanceTransferList,
    Transfer,
    NumberTransfer,
}

impl SuccessBody {
    pub const ALL: [SuccessBody; 11] = [
        SuccessBody::Balance,
        SuccessBody::Settings,
        SuccessBody::SecretList,
        SuccessBody::Secret,
        SuccessBody::SubaccountList,
        SuccessBody::CreatedSubaccount,
        SuccessBody::Subaccount,
        SuccessBody::CreditTransferList,
        SuccessBody::BalanceTransferList,
        SuccessBody::Transfer,
        SuccessBody::NumberTransfer,
    ];
}

/// Decode a success answer of `kind` as the client does, into the public type it returns.
pub fn success_response(
    kind: SuccessBody,
    status: u16,
    body: &[u8],
) -> Result<Box<dyn Debug>, Error> {
    let raw = RawResponse {
        status,
        headers: HeaderMap::new(),
        body: body.to_vec(),
    };
    let op = "the operation";
    Ok(match kind {
        SuccessBody::Balance => {
            let wire: BalanceResponse = decode(&raw, op)?;
            Box::new((wire.value, wire.auto_reload))
        }
        SuccessBody::Settings => Box::new(Settings::from(decode::<SettingsResponse>(&raw, op)?)),
        SuccessBody::SecretList => {
            let list: SecretList = decode(&raw, op)?;
            let secrets: Vec<ApiSecret> = list
                .embedded
                .secrets
                .into_iter()
                .map(ApiSecret::from)
                .collect();
            Box::new(secrets)
        }
        SuccessBody::Secret => Box::new(ApiSecret::from(decode::<SecretResource>(&raw, op)?)),
        SuccessBody::SubaccountList => {
            let list: WireSubaccountList = decode(&raw, op)?;
            Box::new(SubaccountList {
                primary: PrimaryAccount::from(list.embedded.primary_account),
                subaccounts: list
                    .embedded
                    .subaccounts
                    .into_iter()
                    .map(Subaccount::from)
                    .collect(),
                total_balance: list.total_balance,
                total_credit_limit: list.total_credit_limit,
            })
        }
        SuccessBody::CreatedSubaccount => {
            Box::new(created(decode::<CreatedSubaccountBody>(&raw, op)?))
        }
        SuccessBody::Subaccount => Box::new(Subaccount::from(decode::<SubaccountBody>(&raw, op)?)),
        SuccessBody::CreditTransferList => {
            let list: CreditTransferList = decode(&raw, op)?;
            let items: Vec<Transfer> = (list.embedded.credit_transfers.into_iter())
                .map(Transfer::from)
                .collect();
            Box::new(items)
        }
        SuccessBody::BalanceTransferList => {
            let list: BalanceTransferList = decode(&raw, op)?;
            let items: Vec<Transfer> = (list.embedded.balance_transfers.into_iter())
                .map(Transfer::from)
                .collect();
            Box::new(items)
        }
        SuccessBody::Transfer => Box::new(Transfer::from(decode::<TransferBody>(&raw, op)?)),
        SuccessBody::NumberTransfer => {
            let body: NumberTransferBody = decode(&raw, op)?;
            Box::new(NumberTransferResult {
                number: body.number,
                country: body.country,
                from: body.from,
                to: body.to,
            })
        }
    })
}
