//! `vonage_subaccount`'s credit line: `credit_limit`'s checks at validate and plan time (an own
//! balance, enough unspent credit on the primary, credit the subaccount has not spent), and the
//! credit transfer that makes the allocation what the plan says.
//!
//! Owns: every credit move the resource makes, each with a reference unique to it (so one whose
//! answer is lost is found, never sent twice).
//! Must not: move credit on destroy, or send a transfer a plan did not promise.

use crate::framework::cty::Number;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::resource::{ApplyFailure, Ctx, PlanRequest, ValidateRequest};
use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::money::Eur;
use crate::provider::transfers::{TransferKind, not_enough, unique_reference};
use crate::vonage::{Client, TransferRequest};

use super::model::Model;

/// Plan-time checks of `credit_limit` that need no API.
pub(super) fn validate_credit(credit: &Number, req: &ValidateRequest<'_, Model>) -> Diagnostics {
    let at = || AttrPath::attr("credit_limit");
    let mut diags = Diagnostics::new();
    match Eur::from_number(credit) {
        Some(amount) if amount.is_negative() => diags.push(
            Diagnostic::error(
                "Invalid credit limit",
                "\
                `credit_limit` is the credit allocated to the subaccount, zero or a positive \
                amount in EUR (Vonage's API shows it negated). Write `25` for 25 EUR of credit.",
            )
            .at(at()),
        ),
        Some(_) => {}
        None => diags.push(
            Diagnostic::error(
                "Invalid credit limit",
                "`credit_limit` must be an amount in EUR with at most 8 decimal places.",
            )
            .at(at()),
        ),
    }
    let shared = match req.config.use_primary_account_balance {
        Some(shared) => shared,
        None => !(req.unknown)("use_primary_account_balance"),
    };
    if shared {
        diags.push(credit_needs_own_balance());
    }
    diags
}

fn credit_needs_own_balance() -> Diagnostic {
    Diagnostic::error(
        "A credit line needs an own balance",
        "\
        A subaccount that uses the primary account's balance has no credit line of its own \
        (Vonage reports it as null). Set `use_primary_account_balance = false` to give it one, \
        or leave `credit_limit` out.",
    )
    .at(AttrPath::attr("credit_limit"))
}

/// Plan-time checks of a credit change that need the API (or the refreshed state): the
/// primary can cover an increase, and the subaccount can return a decrease.
pub(super) async fn check_credit_move(
    ctx: &Ctx<'_, ProviderData>,
    req: &PlanRequest<'_, Model>,
    desired: Eur,
) -> Result<(), Diagnostics> {
    let at = || AttrPath::attr("credit_limit");
    if req.planned.use_primary_account_balance == Some(true) {
        return Err(credit_needs_own_balance().into());
    }
    let prior = req.prior;
    let current = prior.map(Model::allocated_credit).unwrap_or(Eur::ZERO);
    let change = desired.minus(current);
    if change.is_positive()
        && let Some(data) = ctx.data
    {
        let client = data.client_for(&ctx.cancel);
        let family = data.snapshots.subaccounts(&client).await.map_err(|e| {
            diagnostic(
                data,
                &format!("checking the unspent credit of account {}", data.api_key),
                &e,
            )
        })?;
        let primary = &family.primary;
        let available = match (
            Eur::from_json(&primary.balance),
            Eur::from_json(&primary.credit_limit),
        ) {
            (Some(balance), Some(limit)) => TransferKind::Credit.available(balance, limit),
            _ => return Ok(()),
        };
        if change > available {
            let remedy = format!(
                "\
                Raising `credit_limit` from {current} to {desired} allocates {change} EUR of the \
                primary's credit line: set it to at most {}, or return credit from other \
                subaccounts first.",
                current.plus(available)
            );
            return Err(not_enough(
                TransferKind::Credit,
                &primary.api_key,
                change,
                available,
                &remedy,
                at(),
            )
            .into());
        }
    }
    if change.is_negative()
        && let Some(prior) = prior
        && let Some(balance) = prior.balance.as_ref().and_then(Eur::from_number)
    {
        let returnable = TransferKind::Credit.available(balance, current.negated());
        if change.abs() > returnable {
            let remedy = format!(
                "\
                The subaccount has spent part of its credit line, and lowering `credit_limit` \
                from {current} to {desired} would return {} EUR: set it to at least {}, or fund \
                the subaccount's balance first (a balance transfer to it).",
                change.abs(),
                current.minus(returnable)
            );
            return Err(not_enough(
                TransferKind::Credit,
                prior.api_key.as_deref().unwrap_or("?"),
                change.abs(),
                returnable,
                &remedy,
                at(),
            )
            .into());
        }
    }
    Ok(())
}

/// The last step of a create or an update: make the subaccount's allocation `desired` (when the
/// configuration declares one) from the allocation `model` holds, as Vonage last answered.
pub(super) async fn with_credit(
    data: &ProviderData,
    client: &Client,
    mut model: Model,
    desired: Option<Number>,
) -> Result<Model, ApplyFailure<Model>> {
    let Some(desired) = desired else {
        return Ok(model);
    };
    let key = model.api_key.clone().unwrap_or_default();
    let current = model.allocated_credit();
    if let Err(d) = settle_credit(data, client, &key, current, &desired).await {
        return Err(ApplyFailure {
            diags: d.into(),
            partial: Some(model),
        });
    }
    model.credit_limit = Some(desired);
    Ok(model)
}

/// Move credit between the primary and subaccount `key` until the subaccount's allocation,
/// `current` now, is `desired`: one credit transfer with a unique reference, or none.
async fn settle_credit(
    data: &ProviderData,
    client: &Client,
    key: &str,
    current: Eur,
    desired: &Number,
) -> Result<(), Diagnostic> {
    let Some(desired) = Eur::from_number(desired) else {
        return Ok(());
    };
    let change = desired.minus(current);
    if change == Eur::ZERO {
        return Ok(());
    }
    let primary = data.api_key.as_str();
    let (from, to, doing) = if change.is_positive() {
        (
            primary,
            key,
            format!("allocating {change} EUR of credit to vonage_subaccount {key}"),
        )
    } else {
        let amount = change.abs();
        (
            key,
            primary,
            format!("returning {amount} EUR of credit from vonage_subaccount {key}"),
        )
    };
    let request = TransferRequest {
        from: from.to_owned(),
        to: to.to_owned(),
        amount: change.abs().to_json(),
        reference: Some(unique_reference("credit-limit")),
        reference_is_unique: true,
    };
    let sent = TransferKind::Credit.send(client, &request).await;
    data.snapshots.subaccounts_changed(None).await;
    sent.map(|_| ())
        .map_err(|e| diagnostic(data, &doing, &e).at(AttrPath::attr("credit_limit")))
}
