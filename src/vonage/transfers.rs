//! Credit, balance and number transfers (docs/vonage-api-notes.md §6, §7), under the
//! client's own (primary) key.
//!
//! Reconciliation of credit/balance transfers. A transfer whose answer is lost (a timeout, a
//! dropped connection, a 5xx) may or may not have happened, and sending it again could move the
//! money twice. So after an ambiguous outcome the transfer list (from the request start, less a
//! minute of clock-skew allowance, filtered on the subaccount involved) is searched for a
//! transfer with the same `from`, `to`, `amount` and `reference` (absent and `""` are the
//! same), created no earlier than that. A reference need not be unique, and may be empty: unless
//! the caller says it is unique to this request (`reference_is_unique`, e.g. one it generated),
//! the same list is read once *before* the POST and the transfers already in it are set aside,
//! so an earlier transfer with the same details is never taken for this one. One candidate is
//! adopted; none means provably not done (sent again, within the retry budget); several are
//! reported as `UnknownOutcome` naming them.
//! Number transfer is retried like an idempotent call: a 409 "already owned
//! by the requesting account" after an ambiguous attempt means it happened.
//!
//! Must not: repeat a transfer whose outcome is unknown unless the transfer list proves it absent.

use std::collections::HashSet;

use reqwest::Method;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use super::call::{Call, Host, Payload, decode};
use super::client::Client;
use super::errors::{ApiFailure, Error};
use super::reconcile::{Probe, ProbeFuture};
use super::retry_loop::Settled;
use crate::wire::money::Eur;
use crate::wire::numbers::{NumberTransferBody, NumberTransferRequest};
use crate::wire::transfers::{
    BalanceTransferList, CreditTransferList, TransferBody, TransferRequest as WireRequest,
};

const SKEW_ALLOWANCE: time::Duration = time::Duration::seconds(60);

/// Filter for listing transfers. `start_date` is required by the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferQuery {
    pub start_date: OffsetDateTime,
    pub end_date: Option<OffsetDateTime>,
    /// Only transfers involving these subaccounts (any of them).
    pub subaccounts: Vec<String>,
}

impl Default for TransferQuery {
    /// Everything since the Unix epoch.
    fn default() -> TransferQuery {
        TransferQuery::since(OffsetDateTime::UNIX_EPOCH)
    }
}

impl TransferQuery {
    pub fn since(start_date: OffsetDateTime) -> TransferQuery {
        TransferQuery {
            start_date,
            end_date: None,
            subaccounts: Vec::new(),
        }
    }

    fn to_query(&self) -> Vec<(String, String)> {
        let mut query = vec![("start_date".to_string(), query_date(self.start_date))];
        if let Some(end) = self.end_date {
            query.push(("end_date".to_string(), query_date(end)));
        }
        for sub in &self.subaccounts {
            query.push(("subaccount".to_string(), sub.clone()));
        }
        query
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC — no milliseconds (the API rejects them).
pub fn query_date(when: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    when.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// A credit or balance transfer to make.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferRequest {
    pub from: String,
    pub to: String,
    /// A positive amount in EUR.
    pub amount: serde_json::Number,
    /// Free text for the audit log (`None` sends none). Part of what identifies a transfer
    /// whose answer was lost.
    pub reference: Option<String>,
    /// True when `reference` is unique to this request (generated for it). Then a lost answer
    /// is reconciled by the reference alone; otherwise the transfer list is also read before
    /// the POST (one more GET), so that earlier transfers with the same details are set aside.
    pub reference_is_unique: bool,
}

/// A transfer that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub id: String,
    pub from: String,
    pub to: String,
    pub amount: serde_json::Number,
    /// `None` when the API shows no (or an empty) reference.
    pub reference: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`: whole seconds, as for subaccounts.
    pub created_at: String,
}

impl From<TransferBody> for Transfer {
    fn from(w: TransferBody) -> Transfer {
        Transfer {
            id: w.id,
            from: w.from,
            to: w.to,
            amount: w.amount,
            reference: w.reference.filter(|r| !r.is_empty()),
            created_at: super::subaccounts::whole_seconds(w.created_at),
        }
    }
}

/// A number to move between accounts of the same family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberTransfer {
    pub from: String,
    pub to: String,
    /// E.164 digits, e.g. `447700900000`.
    pub number: String,
    /// Two-letter country code.
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberTransferResult {
    pub number: String,
    pub country: String,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Copy)]
enum Kind {
    Credit,
    Balance,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Credit => "credit-transfers",
            Kind::Balance => "balance-transfers",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Credit => "credit transfer",
            Kind::Balance => "balance transfer",
        }
    }
}

/// Whether two amounts are the same, exactly: `1.50` and `1.5` are; text that is no amount
/// matches only itself.
fn same_amount(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (Eur::from_json(a), Eur::from_json(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.to_string() == b.to_string(),
    }
}

fn already_owned(failure: &ApiFailure) -> bool {
    failure.status == 409
}

impl Client {
    async fn list_transfers(
        &self,
        kind: Kind,
        query: &TransferQuery,
    ) -> Result<Vec<Transfer>, Error> {
        let primary = self.api_key();
        let call = Call::new(
            Method::GET,
            Host::Api,
            &["accounts", primary, kind.path()],
            format!("list the {}s of '{primary}'", kind.noun()),
        )
        .with_query(query.to_query());
        let ctx = self.context(primary, format!("account '{primary}'"), &[]);
        let raw = self.idempotent(&call, &ctx).await?;
        let items = match kind {
            Kind::Credit => {
                decode::<CreditTransferList>(&raw, &call.operation)?
                    .embedded
                    .credit_transfers
            }
            Kind::Balance => {
                decode::<BalanceTransferList>(&raw, &call.operation)?
                    .embedded
                    .balance_transfers
            }
        };
        Ok(items.into_iter().map(Transfer::from).collect())
    }

    async fn transfer(&self, kind: Kind, request: &TransferRequest) -> Result<Transfer, Error> {
        let primary = self.api_key();
        let started = OffsetDateTime::now_utc();
        let call = Call::new(
            Method::POST,
            Host::Api,
            &["accounts", primary, kind.path()],
            format!(
                "{} of {} EUR from '{}' to '{}'{}",
                kind.noun(),
                request.amount,
                request.from,
                request.to,
                request
                    .reference
                    .as_ref()
                    .map(|r| format!(" (reference '{r}')"))
                    .unwrap_or_default()
            ),
        )
        .with_payload(Payload::json(&WireRequest {
            from: request.from.clone(),
            to: request.to.clone(),
            amount: request.amount.clone(),
            reference: request.reference.clone(),
        }));
        let ctx = self.context(primary, format!("account '{primary}'"), &[]);
        let parse = |raw| {
            Ok(Transfer::from(decode::<TransferBody>(
                &raw,
                &call.operation,
            )?))
        };
        let subaccount = if request.from == primary {
            request.to.clone()
        } else {
            request.from.clone()
        };
        let query = TransferQuery {
            start_date: started - SKEW_ALLOWANCE,
            end_date: None,
            subaccounts: vec![subaccount],
        };
        let earlier: HashSet<String> = if request.reference_is_unique {
            HashSet::new()
        } else {
            self.list_transfers(kind, &query)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect()
        };
        let (query, earlier) = (&query, &earlier);
        let reference = request.reference.as_deref().unwrap_or("");
        let probe = || -> ProbeFuture<'_, Transfer> {
            Box::pin(async move {
                let mut matches: Vec<Transfer> = self
                    .list_transfers(kind, query)
                    .await?
                    .into_iter()
                    .filter(|t| {
                        !earlier.contains(&t.id)
                            && t.from == request.from
                            && t.to == request.to
                            && same_amount(&t.amount, &request.amount)
                            && t.reference.as_deref().unwrap_or("") == reference
                            && OffsetDateTime::parse(&t.created_at, &Rfc3339)
                                .is_ok_and(|c| c >= started - SKEW_ALLOWANCE)
                    })
                    .collect();
                Ok(match matches.len() {
                    0 => Probe::Absent,
                    1 => Probe::Found(matches.remove(0)),
                    n => Probe::Unclear(format!(
                        "\
                        {n} new {}s from '{}' to '{}' of {} EUR with reference '{reference}' were \
                        found ({}), so which one is ours cannot be told",
                        kind.noun(),
                        request.from,
                        request.to,
                        request.amount,
                        matches
                            .iter()
                            .map(|t| t.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                })
            })
        };
        self.create_reconciled(&call, &ctx, parse, probe).await
    }

    /// `GET /accounts/{primary}/credit-transfers`.
    pub async fn list_credit_transfers(
        &self,
        query: &TransferQuery,
    ) -> Result<Vec<Transfer>, Error> {
        self.list_transfers(Kind::Credit, query).await
    }

    /// `POST /accounts/{primary}/credit-transfers`.
    pub async fn transfer_credit(&self, request: &TransferRequest) -> Result<Transfer, Error> {
        self.transfer(Kind::Credit, request).await
    }

    /// `GET /accounts/{primary}/balance-transfers`.
    pub async fn list_balance_transfers(
        &self,
        query: &TransferQuery,
    ) -> Result<Vec<Transfer>, Error> {
        self.list_transfers(Kind::Balance, query).await
    }

    /// `POST /accounts/{primary}/balance-transfers`.
    pub async fn transfer_balance(&self, request: &TransferRequest) -> Result<Transfer, Error> {
        self.transfer(Kind::Balance, request).await
    }

    /// `POST /accounts/{primary}/transfer-number`.
    pub async fn transfer_number(
        &self,
        request: &NumberTransfer,
    ) -> Result<NumberTransferResult, Error> {
        let primary = self.api_key();
        let call = Call::new(
            Method::POST,
            Host::Api,
            &["accounts", primary, "transfer-number"],
            format!(
                "transfer number {} ({}) from '{}' to '{}'",
                request.number, request.country, request.from, request.to
            ),
        )
        .with_payload(Payload::json(&NumberTransferRequest {
            from: request.from.clone(),
            to: request.to.clone(),
            number: request.number.clone(),
            country: request.country.clone(),
        }));
        let ctx = self.context(primary, format!("number {}", request.number), &[]);
        match self
            .idempotent_settled_by(&call, &ctx, already_owned)
            .await?
        {
            Settled::Response(raw) => {
                let body: NumberTransferBody = decode(&raw, &call.operation)?;
                Ok(NumberTransferResult {
                    number: body.number,
                    country: body.country,
                    from: body.from,
                    to: body.to,
                })
            }
            Settled::AlreadyDone => Ok(NumberTransferResult {
                number: request.number.clone(),
                country: request.country.clone(),
                from: request.from.clone(),
                to: request.to.clone(),
            }),
            Settled::Unknown(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_dates_have_no_milliseconds() {
        let when = OffsetDateTime::parse("2024-01-02T03:04:05.678+02:00", &Rfc3339).unwrap();
        assert_eq!(query_date(when), "2024-01-02T01:04:05Z");
        let query = TransferQuery {
            end_date: Some(OffsetDateTime::UNIX_EPOCH),
            subaccounts: vec!["a".into(), "b".into()],
            ..TransferQuery::default()
        };
        assert_eq!(
            query.to_query(),
            vec![
                ("start_date".to_string(), "1970-01-01T00:00:00Z".to_string()),
                ("end_date".to_string(), "1970-01-01T00:00:00Z".to_string()),
                ("subaccount".to_string(), "a".to_string()),
                ("subaccount".to_string(), "b".to_string()),
            ]
        );
    }

    #[test]
    fn amounts_compare_by_value() {
        let a: serde_json::Number = serde_json::from_str("1.50").unwrap();
        let b: serde_json::Number = serde_json::from_str("1.5").unwrap();
        let c: serde_json::Number = serde_json::from_str("1.51").unwrap();
        let d: serde_json::Number = serde_json::from_str("1.50000001").unwrap();
        let e: serde_json::Number = serde_json::from_str("15e-1").unwrap();
        assert!(same_amount(&a, &b));
        assert!(same_amount(&a, &e));
        assert!(!same_amount(&a, &c));
        assert!(!same_amount(&a, &d), "8 decimals tell them apart");
    }
}
