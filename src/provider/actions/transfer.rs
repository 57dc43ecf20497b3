//! `action "vonage_balance_transfer"` and `action "vonage_credit_transfer"`: move balance (money)
//! or credit (a share of the primary's credit line) between the provider's account (the
//! primary) and one of its subaccounts, once per invocation.
//!
//! API: `POST /accounts/{primary}/balance-transfers` or `/credit-transfers`. The plan checks
//! what it can without moving anything (one `GET /accounts/{primary}/subaccounts`): that both
//! accounts exist and are the primary and one of its own-balance subaccounts, and that the
//! source can cover the amount. A transfer whose answer is lost is found in the transfer list,
//! never sent twice: by the reference the provider sets when none is given (unique), or by the
//! accounts, the amount, the user's reference and the time, setting aside earlier transfers.
//!
//! Must not: send a transfer more than once per invocation, or at plan time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::action::{Action, Progress};
use crate::framework::cty::Number;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, ValidateRequest};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::vonage::{SubaccountList, TransferRequest};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::money::Eur;
use crate::provider::transfers::{TransferKind, not_enough, unique_reference};

/// A transfer of one kind.
pub struct Transfer {
    kind: TransferKind,
}

impl Transfer {
    pub fn balance() -> Transfer {
        Transfer {
            kind: TransferKind::Balance,
        }
    }
    pub fn credit() -> Transfer {
        Transfer {
            kind: TransferKind::Credit,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub from: Option<String>,
    pub to: Option<String>,
    pub amount: Option<Number>,
    pub reference: Option<String>,
}

/// One side of the transfer, as the account family shows it.
struct Side<'a> {
    key: &'a str,
    path: &'static str,
}

#[async_trait]
impl Action<ProviderData> for Transfer {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        match self.kind {
            TransferKind::Balance => "vonage_balance_transfer",
            TransferKind::Credit => "vonage_credit_transfer",
        }
    }

    fn schema(&self) -> Schema {
        let (kind, what) = match self.kind {
            TransferKind::Balance => (
                "balance",
                "Moves money between the provider's account (the primary) and one of its \
                subaccounts that has its own balance: to fund a subaccount, or to take money \
                back. The primary can give its balance plus its unspent credit line.",
            ),
            TransferKind::Credit => (
                "credit",
                "Moves credit between the provider's account (the primary) and one of its \
                subaccounts that has its own balance: to allocate part of the primary's unspent \
                credit line to the subaccount, or to return unspent credit. To keep a \
                subaccount's credit at a declared amount, use `credit_limit` on \
                `vonage_subaccount` instead.",
            ),
        };
        Schema::new(
            0,
            Block::new(&format!(
                "\
                {what} Each invocation (Terraform 1.14 or later) makes one {kind} transfer: by \
                hand with `terraform apply \
                -invoke=action.vonage_{kind}_transfer.NAME`, or from a resource's `lifecycle {{ \
                action_trigger {{ ... }} }}`. The plan checks, without moving anything, that the \
                accounts are the primary and one of its own-balance subaccounts and that the \
                source can cover the amount."
            ))
            .attribute(Attribute::string("from").required().description(
                "\
                The API key the amount leaves: the primary's (the provider's `api_key`) or one \
                of its subaccounts'.",
            ))
            .attribute(Attribute::string("to").required().description(
                "\
                The API key the amount goes to: one of the primary's subaccounts, or the \
                primary. Exactly one of `from` and `to` is the primary.",
            ))
            .attribute(
                Attribute::number("amount")
                    .required()
                    .description("The amount in EUR: positive, with at most 8 decimal places."),
            )
            .attribute(Attribute::string("reference").optional().description(
                "\
                Free text for Vonage's audit log; it need not be unique. Left out, the provider \
                sets a unique one (`tf-action-<uuid>`). Either way, a transfer whose answer is \
                lost is found in the transfer list instead of being sent twice.",
            )),
        )
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(amount) = &req.config.amount {
            match Eur::from_number(amount) {
                Some(a) if a.is_positive() => {}
                _ => diags.push(
                    Diagnostic::error(
                        "Invalid amount",
                        "\
                        `amount` must be a positive amount in EUR with at most 8 decimal \
                        places, such as `10` or `2.5`.",
                    )
                    .at(AttrPath::attr("amount")),
                ),
            }
        }
        for (name, key) in [("from", &req.config.from), ("to", &req.config.to)] {
            if key
                .as_deref()
                .is_some_and(|k| k.is_empty() || k.contains('/'))
            {
                diags.push(
                    Diagnostic::error(
                        "Invalid API key",
                        format!("`{name}` must be an account's API key, such as `bbe6222f`."),
                    )
                    .at(AttrPath::attr(name)),
                );
            }
        }
        if let (Some(from), Some(to)) = (&req.config.from, &req.config.to)
            && from == to
        {
            diags.push(
                Diagnostic::error(
                    "Transfer to the same account",
                    "`from` and `to` must be different accounts.",
                )
                .at(AttrPath::attr("to")),
            );
        }
        diags
    }

    async fn plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: ValidateRequest<'_, Model>,
    ) -> Diagnostics {
        let config = req.config;
        let Some(data) = ctx.data else {
            return Diagnostics::new();
        };
        if config.from.is_none() && config.to.is_none() {
            return Diagnostics::new();
        }
        let client = data.client_for(&ctx.cancel);
        match data.snapshots.subaccounts(&client).await {
            Ok(family) => self.check(&family, config),
            Err(e) => diagnostic(
                data,
                &format!(
                    "checking the accounts of {} at plan time",
                    self.type_name_of()
                ),
                &e,
            )
            .into(),
        }
    }

    async fn invoke(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        config: Model,
        progress: &Progress,
    ) -> Diagnostics {
        let data = match ctx.configured() {
            Ok(data) => data,
            Err(d) => return d,
        };
        let (Some(from), Some(to), Some(amount)) = (config.from, config.to, config.amount) else {
            return Diagnostic::error(
                format!(
                    "Provider bug in {}: incomplete configuration",
                    self.type_name_of()
                ),
                "`from`, `to` and `amount` are required. Please report this.",
            )
            .into();
        };
        let kind = self.kind.word();
        let (reference, reference_is_unique) = match config.reference {
            Some(r) => (r, false),
            None => (unique_reference("action"), true),
        };
        progress.report(format!(
            "Transferring {amount} EUR of {kind} from {from} to {to} (reference \"{reference}\")"
        ));
        let request = TransferRequest {
            from: from.clone(),
            to: to.clone(),
            amount: serde_json::Number::from(&amount),
            reference: Some(reference),
            reference_is_unique,
        };
        let client = data.client_for(&ctx.cancel);
        let sent = self.kind.send(&client, &request).await;
        data.snapshots.subaccounts_changed(None).await;
        match sent {
            Ok(done) => {
                progress.report(format!(
                    "Transferred {} EUR of {kind} from {from} to {to}: transfer {} at {}",
                    done.amount, done.id, done.created_at
                ));
                Diagnostics::new()
            }
            Err(e) => diagnostic(
                data,
                &format!("transferring {amount} EUR of {kind} from {from} to {to}"),
                &e,
            )
            .into(),
        }
    }
}

/// The warning for a transfer into a suspended subaccount: Vonage moves it, but the subaccount
/// cannot spend it while its own credentials are refused.
fn suspended_recipient(key: &str, kind: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("Subaccount {key} is suspended"),
        format!(
            "\
            Vonage moves the {kind} into subaccount {key}, but a suspended subaccount's own \
            credentials are refused, so nothing can use it until the subaccount is reactivated: \
            set `suspended = false` on its `vonage_subaccount` (or reactivate it in the Vonage \
            dashboard), or transfer to another subaccount."
        ),
    )
    .at(AttrPath::attr("to"))
}

impl Transfer {
    fn type_name_of(&self) -> &'static str {
        Action::type_name(self)
    }

    /// The plan-time checks against the account family as Vonage lists it.
    fn check(&self, family: &SubaccountList, config: &Model) -> Diagnostics {
        let primary = family.primary.api_key.as_str();
        let mut diags = Diagnostics::new();
        let sides = [
            config.from.as_deref().map(|key| Side { key, path: "from" }),
            config.to.as_deref().map(|key| Side { key, path: "to" }),
        ];
        for side in sides.iter().flatten().filter(|s| s.key != primary) {
            let Some(sub) = family.subaccounts.iter().find(|s| s.api_key == side.key) else {
                diags.push(
                    Diagnostic::error(
                        "Unknown account",
                        format!(
                            "\
                            `{}` is {}, which is neither the provider's account {primary} nor one \
                            of its subaccounts. Transfers run only between a primary account and \
                            its own subaccounts.",
                            side.path, side.key
                        ),
                    )
                    .at(AttrPath::attr(side.path)),
                );
                continue;
            };
            if sub.use_primary_account_balance {
                diags.push(
                    Diagnostic::error(
                        "Subaccount without its own balance",
                        format!(
                            "\
                            Subaccount {} spends the primary account's balance, so it has no \
                            balance or credit of its own to transfer. Give it its own balance \
                            with `use_primary_account_balance = false` on its \
                            `vonage_subaccount`.",
                            sub.api_key
                        ),
                    )
                    .at(AttrPath::attr(side.path)),
                );
            }
        }
        if let Some(to) = &sides[1]
            && let Some(sub) = family.subaccounts.iter().find(|s| s.api_key == to.key)
            && sub.suspended
        {
            diags.push(suspended_recipient(sub.api_key.as_str(), self.kind.word()));
        }
        if let [Some(from), Some(to)] = &sides
            && from.key != primary
            && to.key != primary
        {
            diags.push(
                Diagnostic::error(
                    "Transfer between two subaccounts",
                    format!(
                        "\
                        Vonage moves {} only between the primary account ({primary}) and one of \
                        its subaccounts. Transfer from {} to {primary}, then from {primary} to {}.",
                        self.kind.word(),
                        from.key,
                        to.key
                    ),
                )
                .at(AttrPath::attr("to")),
            );
        }
        if diags.has_errors() {
            return diags;
        }
        let source = config.from.as_deref().and_then(|key| {
            if key == primary {
                Some((&family.primary.balance, &family.primary.credit_limit))
            } else {
                let sub = family.subaccounts.iter().find(|s| s.api_key == key)?;
                Some((sub.balance.as_ref()?, sub.credit_limit.as_ref()?))
            }
        });
        let amount = config.amount.as_ref().and_then(Eur::from_number);
        if let (Some((balance, limit)), Some(amount), Some(from)) =
            (source, amount, config.from.as_deref())
            && let (Some(balance), Some(limit)) = (Eur::from_json(balance), Eur::from_json(limit))
        {
            let available = self.kind.available(balance, limit);
            if amount > available {
                let remedy = format!(
                    "Lower `amount` to at most {available}, or give {from} more {} first.",
                    self.kind.word()
                );
                diags.push(not_enough(
                    self.kind,
                    from,
                    amount,
                    available,
                    &remedy,
                    AttrPath::attr("amount"),
                ));
            }
        }
        diags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vonage::{PrimaryAccount, Subaccount};

    fn json(text: &str) -> serde_json::Number {
        serde_json::from_str(text).unwrap()
    }

    fn family() -> SubaccountList {
        let sub = |key: &str, shared: bool, balance: &str, limit: &str| Subaccount {
            api_key: key.into(),
            primary_account_api_key: "abcd1234".into(),
            name: key.into(),
            use_primary_account_balance: shared,
            balance: (!shared).then(|| json(balance)),
            credit_limit: (!shared).then(|| json(limit)),
            suspended: false,
            created_at: "2026-01-01T00:00:00.000Z".into(),
        };
        SubaccountList {
            primary: PrimaryAccount {
                api_key: "abcd1234".into(),
                name: None,
                balance: json("-40"),
                credit_limit: json("-100"),
                suspended: false,
                created_at: "2026-01-01T00:00:00.000Z".into(),
            },
            subaccounts: vec![
                sub("own00001", false, "5", "-10"),
                sub("own00002", false, "0", "0"),
                sub("shared01", true, "", ""),
            ],
            total_balance: json("-35"),
            total_credit_limit: json("-110"),
        }
    }

    fn check(t: &Transfer, from: Option<&str>, to: Option<&str>, amount: &str) -> Vec<String> {
        let config = Model {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            amount: Some(amount.parse().unwrap()),
            reference: None,
        };
        t.check(&family(), &config)
            .iter()
            .map(|d| format!("{} @ {}", d.summary, d.path.as_ref().unwrap()))
            .collect()
    }

    #[test]
    fn the_plan_knows_the_accounts_and_what_the_source_can_give() {
        let (balance, credit) = (Transfer::balance(), Transfer::credit());
        let p = Some("abcd1234");
        // The primary (balance -40, credit line 100) can give 60 balance and 60 credit.
        assert!(check(&balance, p, Some("own00001"), "60").is_empty());
        assert_eq!(
            check(&balance, p, Some("own00001"), "60.01"),
            ["Not enough balance to transfer @ amount"]
        );
        assert!(check(&credit, p, Some("own00002"), "60").is_empty());
        assert_eq!(
            check(&credit, p, Some("own00002"), "61"),
            ["Not enough credit to transfer @ amount"]
        );
        // own00001 (balance 5, credit 10) can give back 15 balance and 10 credit.
        assert!(check(&balance, Some("own00001"), p, "15").is_empty());
        assert_eq!(
            check(&credit, Some("own00001"), p, "10.5"),
            ["Not enough credit to transfer @ amount"]
        );
        // Unknown, shared and sub-to-sub are refused with the argument that is wrong.
        assert_eq!(
            check(&balance, p, Some("zzzz9999"), "1"),
            ["Unknown account @ to"]
        );
        assert_eq!(
            check(&balance, p, Some("shared01"), "1"),
            ["Subaccount without its own balance @ to"]
        );
        assert_eq!(
            check(&balance, Some("own00001"), Some("own00002"), "1"),
            ["Transfer between two subaccounts @ to"]
        );
        // A key not known until apply (a subaccount being created): the rest is checked.
        assert!(check(&balance, p, None, "60").is_empty());
        assert_eq!(
            check(&balance, p, None, "61"),
            ["Not enough balance to transfer @ amount"]
        );
    }

    #[test]
    fn amounts_are_positive_and_accounts_different() {
        let validate = |from: &str, to: &str, amount: &str| {
            let config = Model {
                from: Some(from.into()),
                to: Some(to.into()),
                amount: Some(amount.parse().unwrap()),
                reference: None,
            };
            let unknown = |_: &str| false;
            Transfer::balance()
                .validate(ValidateRequest {
                    config: &config,
                    unknown: &unknown,
                })
                .iter()
                .map(|d| format!("{} @ {}", d.summary, d.path.as_ref().unwrap()))
                .collect::<Vec<_>>()
        };
        assert!(validate("abcd1234", "own00001", "0.01").is_empty());
        for bad in ["0", "-5", "0.000000001"] {
            assert_eq!(
                validate("abcd1234", "own00001", bad),
                ["Invalid amount @ amount"]
            );
        }
        assert_eq!(
            validate("abcd1234", "abcd1234", "1"),
            ["Transfer to the same account @ to"]
        );
        assert_eq!(validate("", "abcd1234", "1"), ["Invalid API key @ from"]);
    }

    #[test]
    fn action_schemas_have_no_computed_or_sensitive_attributes() {
        for t in [Transfer::balance(), Transfer::credit()] {
            let schema = Action::schema(&t);
            assert!(crate::framework::action::schema_problems(&schema).is_empty());
            let names: Vec<&str> = schema
                .block
                .attributes
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            assert_eq!(names, ["from", "to", "amount", "reference"]);
        }
    }
}
