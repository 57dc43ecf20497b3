//! The money moves the provider makes: balance and credit transfers between the primary and
//! its subaccounts, as the credit line of `vonage_subaccount`, the transfer actions and the
//! transfer-history data sources use them.
//!
//! Owns [`TransferKind`] (which API, which words), [`unique_reference`] (the reference the
//! provider sets when the user gave none, so that a transfer whose answer is lost is found in
//! the transfer list rather than sent twice), what an account can give away (Vonage's rules,
//! docs/vonage-api-notes.md §6.5), and the plan-time checks built on them.
//!
//! Must not: send a transfer twice; the client's reconciliation (`vonage::transfers`) decides
//! what happened to one whose answer was lost.

use crate::framework::diagnostics::{AttrPath, Diagnostic};
use crate::vonage::{Client, Error, Transfer, TransferQuery, TransferRequest};

use super::money::Eur;

/// Balance (money) or credit (a share of the primary's credit line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferKind {
    Balance,
    Credit,
}

impl TransferKind {
    /// `balance` or `credit`, as the type names say it.
    pub fn word(self) -> &'static str {
        match self {
            TransferKind::Balance => "balance",
            TransferKind::Credit => "credit",
        }
    }

    pub async fn send(self, client: &Client, request: &TransferRequest) -> Result<Transfer, Error> {
        match self {
            TransferKind::Balance => client.transfer_balance(request).await,
            TransferKind::Credit => client.transfer_credit(request).await,
        }
    }

    pub async fn list(
        self,
        client: &Client,
        query: &TransferQuery,
    ) -> Result<Vec<Transfer>, Error> {
        match self {
            TransferKind::Balance => client.list_balance_transfers(query).await,
            TransferKind::Credit => client.list_credit_transfers(query).await,
        }
    }

    /// What an account with this balance and (API-signed, zero or negative) credit limit can
    /// give away in a transfer of this kind.
    pub fn available(self, balance: Eur, credit_limit: Eur) -> Eur {
        let available = match self {
            // It may draw on its credit line: balance − credit_limit.
            TransferKind::Balance => balance.minus(credit_limit),
            // Its unspent credit: |credit_limit| − |balance| when it owes, else |credit_limit|.
            TransferKind::Credit if balance.is_negative() => {
                credit_limit.abs().minus(balance.abs())
            }
            TransferKind::Credit => credit_limit.abs(),
        };
        if available.is_negative() {
            Eur::ZERO
        } else {
            available
        }
    }
}

/// A reference no other transfer has: `tf-<purpose>-<uuid>`.
pub fn unique_reference(purpose: &str) -> String {
    format!("tf-{purpose}-{}", uuid::Uuid::new_v4())
}

/// The plan-time refusal of a transfer its source cannot cover, at `path`. `remedy` says what
/// to change, in the words of the configuration that asked for it.
pub fn not_enough(
    kind: TransferKind,
    account: &str,
    needed: Eur,
    available: Eur,
    remedy: &str,
    path: AttrPath,
) -> Diagnostic {
    let what = match kind {
        TransferKind::Balance => "balance (including its credit line)",
        TransferKind::Credit => "unspent credit",
    };
    Diagnostic::error(
        format!("Not enough {} to transfer", kind.word()),
        format!(
            "\
            Account {account} has {available} EUR of {what} available, less than the {needed} \
            EUR this needs. {remedy}"
        ),
    )
    .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Eur {
        Eur::parse(s).unwrap()
    }

    /// The worked examples of Vonage's Subaccounts overview (docs/vonage-api-notes.md §6.5).
    #[test]
    fn availability_follows_vonages_examples() {
        let balance = TransferKind::Balance;
        let credit = TransferKind::Credit;
        // Primary balance −20, credit limit −100: 80 transferable.
        assert_eq!(balance.available(eur("-20"), eur("-100")), eur("80"));
        // Primary credit −100, balance −40: 60 allocatable.
        assert_eq!(credit.available(eur("-40"), eur("-100")), eur("60"));
        // A prepaid account gives its balance and no credit.
        assert_eq!(balance.available(eur("100"), Eur::ZERO), eur("100"));
        assert_eq!(credit.available(eur("100"), Eur::ZERO), Eur::ZERO);
        // With a positive balance all the credit is unspent.
        assert_eq!(credit.available(eur("5"), eur("-25")), eur("25"));
        // Never below zero.
        assert_eq!(credit.available(eur("-30"), eur("-25")), Eur::ZERO);
        assert_eq!(balance.available(eur("-30"), eur("-25")), Eur::ZERO);
    }

    #[test]
    fn references_are_unique_and_say_whose_they_are() {
        let (a, b) = (unique_reference("action"), unique_reference("action"));
        assert_ne!(a, b);
        assert!(
            a.starts_with("tf-action-") && a.len() == "tf-action-".len() + 36,
            "{a}"
        );
    }
}
