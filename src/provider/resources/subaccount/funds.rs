//! `vonage_subaccount`'s money when it is suspended. Vonage cannot delete a subaccount, so
//! destroy suspends it, and its own balance and the credit allocated to it stay with it.
//!
//! A plan that will suspend a subaccount holding either (its destroy, or `suspended = true`)
//! warns with the amounts. With `return_funds_on_destroy = true`, destroy first returns them to
//! the primary: a balance transfer of the balance it holds, then a credit transfer of the
//! credit it has not spent. Each carries a reference unique to it, so one whose answer is lost
//! is found in the transfer list and never sent twice (`vonage::transfers`), and the amounts
//! come from a read made just before, so a destroy run again after a failure moves only what
//! is still there: the money moves once.
//!
//! Owns: the warning and the return.
//! Must not: move money on any path but a destroy that opted in, or suspend before it moved.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::resource::Ctx;
use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::money::Eur;
use crate::provider::transfers::{TransferKind, unique_reference};
use crate::vonage::{Client, Error, TransferRequest};

use super::model::Model;

/// What suspends the subaccount.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Suspension {
    Destroy,
    Update,
}

/// The balance (its positive part) and the credit allocated that `model` holds, as last read.
fn held(model: &Model) -> (Eur, Eur) {
    let balance = model
        .balance
        .as_ref()
        .and_then(Eur::from_number)
        .filter(|b| b.is_positive())
        .unwrap_or(Eur::ZERO);
    (balance, model.allocated_credit())
}

/// Of `credit` allocated, what the subaccount can give back once its balance is `balance`:
/// credit it has spent (a negative balance) stays.
fn returnable_credit(balance: Eur, credit: Eur) -> Eur {
    TransferKind::Credit.available(balance, credit.negated())
}

fn amounts(balance: Eur, credit: Eur) -> String {
    let mut parts = Vec::new();
    if balance.is_positive() {
        parts.push(format!("{balance} EUR of balance"));
    }
    if credit.is_positive() {
        parts.push(format!("{credit} EUR of credit"));
    }
    parts.join(" and ")
}

/// The plan-time warning of a suspension of `prior` while it holds money: the amounts, and
/// what to do about them. A destroy that opted in warns only of credit that was spent.
pub(super) fn warn(ctx: &Ctx<'_, ProviderData>, prior: &Model, by: Suspension) {
    let (balance, credit) = held(prior);
    let key = prior.api_key.as_deref().unwrap_or("?");
    if by == Suspension::Destroy && prior.return_funds_on_destroy == Some(true) {
        let spent = credit.minus(returnable_credit(balance_after_return(prior), credit));
        if spent.is_positive() {
            ctx.warnings.warn(spent_credit_stays(key, spent));
        }
        return;
    }
    if !balance.is_positive() && !credit.is_positive() {
        return;
    }
    let (doing, remedy) = match by {
        Suspension::Destroy => (
            format!(
                "Destroying vonage_subaccount {key} suspends it (Vonage cannot delete a \
                subaccount) and removes it from Terraform's state"
            ),
            "\
            To get them back first, set `return_funds_on_destroy = true` and apply before the \
            destroy: the destroy then returns them to the primary account. Or move them \
            yourself: `credit_limit = 0` returns the credit, and the `vonage_balance_transfer` \
            action moves the balance.",
        ),
        Suspension::Update => (
            format!("Setting `suspended = true` suspends vonage_subaccount {key}"),
            "\
            To get them back first, apply `credit_limit = 0` (it returns the credit) and move \
            the balance with the `vonage_balance_transfer` action.",
        ),
    };
    ctx.warnings.warn(Diagnostic::warning(
        format!("Subaccount {key} still holds {}", amounts(balance, credit)),
        format!(
            "\
            {doing}, and its own balance and the credit allocated to it stay with it: {}, as \
            last read. {remedy}",
            amounts(balance, credit)
        ),
    ));
}

fn spent_credit_stays(key: &str, spent: Eur) -> Diagnostic {
    Diagnostic::warning(
        format!("{spent} EUR of credit stays with subaccount {key}"),
        format!(
            "\
            Subaccount {key} has spent {spent} EUR of the credit allocated to it, and Vonage \
            returns only unspent credit, so that much stays allocated when it is suspended. The \
            rest of its credit and its balance go back to the primary account first. To return \
            it all, fund the subaccount's balance before the destroy."
        ),
    )
}

/// The balance a destroy that returns the balance first leaves: `prior`'s when it is negative
/// (it spent credit), else zero.
fn balance_after_return(prior: &Model) -> Eur {
    match prior.balance.as_ref().and_then(Eur::from_number) {
        Some(b) if b.is_negative() => b,
        _ => Eur::ZERO,
    }
}

/// Destroy's first step with `return_funds_on_destroy = true`: return subaccount `key`'s
/// balance, then its unspent credit, to the primary, from a fresh read of it.
pub(super) async fn return_to_primary(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    key: &str,
) -> Result<(), Diagnostics> {
    let doing = format!("reading vonage_subaccount {key} to return its money to the primary");
    let sub = match client.get_subaccount(key).await {
        Ok(s) => s,
        Err(Error::NotFound { .. }) => return Ok(()),
        Err(e) => return Err(diagnostic(data, &doing, &e).into()),
    };
    if sub.use_primary_account_balance {
        return Ok(());
    }
    let balance = sub
        .balance
        .as_ref()
        .and_then(Eur::from_json)
        .unwrap_or(Eur::ZERO);
    let limit = sub
        .credit_limit
        .as_ref()
        .and_then(Eur::from_json)
        .unwrap_or(Eur::ZERO);
    let mut left = balance;
    if balance.is_positive() {
        send(data, client, TransferKind::Balance, key, balance).await?;
        left = Eur::ZERO;
    }
    let credit = returnable_credit(left, limit.abs());
    if credit.is_positive() {
        send(data, client, TransferKind::Credit, key, credit).await?;
    }
    let spent = limit.abs().minus(credit);
    if spent.is_positive() {
        ctx.warnings.warn(spent_credit_stays(key, spent));
    }
    Ok(())
}

/// One transfer of `amount` from subaccount `key` to the primary, with a unique reference.
async fn send(
    data: &ProviderData,
    client: &Client,
    kind: TransferKind,
    key: &str,
    amount: Eur,
) -> Result<(), Diagnostics> {
    let request = TransferRequest {
        from: key.to_owned(),
        to: data.api_key.clone(),
        amount: amount.to_json(),
        reference: Some(unique_reference(&format!("return-{}", kind.word()))),
        reference_is_unique: true,
    };
    let sent = kind.send(client, &request).await;
    data.snapshots.subaccounts_changed(None).await;
    sent.map(|_| ()).map_err(|e| {
        diagnostic(
            data,
            &format!(
                "returning {amount} EUR of {} from vonage_subaccount {key} to the primary \
                before suspending it (nothing was suspended; destroy again to finish)",
                kind.word()
            ),
            &e,
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::cty::Number;

    fn holding(balance: &str, credit: &str, opted_in: bool) -> Model {
        Model {
            api_key: Some("bbe6222f".into()),
            balance: Some(balance.parse::<Number>().unwrap()),
            credit_limit: Some(credit.parse::<Number>().unwrap()),
            return_funds_on_destroy: Some(opted_in),
            ..Model::default()
        }
    }

    fn warnings(model: &Model, by: Suspension) -> Vec<String> {
        let warnings = Default::default();
        let ctx = Ctx {
            data: None,
            cancel: Default::default(),
            private: &Default::default(),
            warnings: &warnings,
        };
        warn(&ctx, model, by);
        warnings.take().iter().map(|d| d.summary.clone()).collect()
    }

    #[test]
    fn a_suspension_of_a_subaccount_holding_money_warns_with_the_amounts() {
        assert_eq!(
            warnings(&holding("4.25", "25", false), Suspension::Destroy),
            ["Subaccount bbe6222f still holds 4.25 EUR of balance and 25 EUR of credit"]
        );
        assert_eq!(
            warnings(&holding("0", "30", false), Suspension::Update),
            ["Subaccount bbe6222f still holds 30 EUR of credit"]
        );
        assert!(warnings(&holding("0", "0", false), Suspension::Destroy).is_empty());
        // Opted in: everything goes back, and only spent credit is worth a word.
        assert!(warnings(&holding("4.25", "25", true), Suspension::Destroy).is_empty());
        assert_eq!(
            warnings(&holding("-5", "25", true), Suspension::Destroy),
            ["5 EUR of credit stays with subaccount bbe6222f"]
        );
    }
}
