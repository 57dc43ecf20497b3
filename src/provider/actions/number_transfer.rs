//! `action "vonage_number_transfer"`: move one phone number between two accounts of the
//! provider's family (the primary and its subaccounts, or two subaccounts), once per invocation.
//!
//! API: `POST /accounts/{primary}/transfer-number`. The plan checks, without moving anything,
//! that both accounts are in the family and neither is suspended (one subaccount list) and that
//! `from` holds the number (its numbers, one call per 100). A move whose answer is lost is
//! reconciled by reading where the number is before sending it again (`vonage::transfers`).
//!
//! Must not: move a number more than once per invocation, or at plan time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::action::{Action, Progress};
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, ValidateRequest};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::vonage::{NumberTransfer as Move, SubaccountList};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::numbers::{normalized, number_and_country_problems, numbers_diagnostic};

pub struct NumberTransfer;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub from: Option<String>,
    pub to: Option<String>,
    pub number: Option<String>,
    pub country: Option<String>,
}

#[async_trait]
impl Action<ProviderData> for NumberTransfer {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_number_transfer"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Moves one phone number between two accounts of the provider's family: the \
                provider's account (the primary) and its subaccounts, in any direction. Each \
                invocation (Terraform 1.14 or later) makes one move: by hand with `terraform \
                apply -invoke=action.vonage_number_transfer.NAME`, or from a resource's \
                `lifecycle { action_trigger { ... } }`. The plan checks, without moving \
                anything, that both accounts are in the family and active and that `from` holds \
                the number. To keep a number with a subaccount, declare it with \
                `vonage_subaccount_number` instead.",
            )
            .attribute(Attribute::string("from").required().path_segment().description(
                "\
                The API key of the account that holds the number: the primary's or a \
                subaccount's.",
            ))
            .attribute(Attribute::string("to").required().path_segment().description(
                "The API key of the account the number goes to: the primary's or a subaccount's.",
            ))
            .attribute(Attribute::string("number").required().description(
                "\
                The phone number in E.164 form, such as `447700900123` (a leading `+` is \
                allowed).",
            ))
            .attribute(
                Attribute::string("country").required().description(
                    "The number's two-letter country code in upper case, such as `GB`.",
                ),
            ),
        )
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = req.config;
        for (name, key) in [("from", &config.from), ("to", &config.to)] {
            if key
                .as_deref()
                .is_some_and(|k| k.is_empty() || k.contains(['/', ':']))
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
        if let (Some(from), Some(to)) = (&config.from, &config.to)
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
        for problem in
            number_and_country_problems(config.number.as_deref(), config.country.as_deref())
        {
            diags.push(problem);
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
        let family = match data.snapshots.subaccounts(&client).await {
            Ok(family) => family,
            Err(e) => {
                return diagnostic(
                    data,
                    "checking the accounts of vonage_number_transfer at plan time",
                    &e,
                )
                .into();
            }
        };
        let diags = check_accounts(&family, config);
        if diags.has_errors() {
            return diags;
        }
        let (Some(from), Some(number), Some(country)) = (
            config.from.as_deref(),
            config.number.as_deref().and_then(normalized),
            config.country.as_deref(),
        ) else {
            return diags;
        };
        let doing = "checking at plan time that `from` holds the number";
        match data.numbers.held_by(&client, from).await {
            Ok(held)
                if held
                    .iter()
                    .any(|n| n.number == number && n.country == country) =>
            {
                diags
            }
            Ok(_) => Diagnostic::error(
                format!("Account {from} does not hold number {number}"),
                format!(
                    "\
                    Vonage moves a number only from the account that holds it, and {number} \
                    ({country}) is not among the numbers of {from}. Check `from`, `number` and \
                    `country` (the `vonage_numbers` data source lists an account's numbers)."
                ),
            )
            .at(AttrPath::attr("from"))
            .into(),
            Err(e) => numbers_diagnostic(data, doing, from, &e).into(),
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
        let (Some(from), Some(to), Some(number), Some(country)) = (
            config.from,
            config.to,
            config.number.as_deref().and_then(normalized),
            config.country,
        ) else {
            return Diagnostic::error(
                "Provider bug in vonage_number_transfer: incomplete configuration",
                "`from`, `to`, `number` and `country` are required. Please report this.",
            )
            .into();
        };
        progress.report(format!(
            "Moving number {number} ({country}) from {from} to {to}"
        ));
        let request = Move {
            from: from.clone(),
            to: to.clone(),
            number: number.clone(),
            country: country.clone(),
        };
        let client = data.client_for(&ctx.cancel);
        let moved = client.transfer_number(&request).await;
        data.numbers.changed(&from).await;
        data.numbers.changed(&to).await;
        match moved {
            Ok(_) => {
                progress.report(format!(
                    "Moved number {number} ({country}) from {from} to {to}"
                ));
                Diagnostics::new()
            }
            Err(e) => diagnostic(
                data,
                &format!("moving number {number} from {from} to {to}"),
                &e,
            )
            .into(),
        }
    }
}

/// The plan-time checks of the two accounts against the family as Vonage lists it.
fn check_accounts(family: &SubaccountList, config: &Model) -> Diagnostics {
    let primary = family.primary.api_key.as_str();
    let mut diags = Diagnostics::new();
    let sides = [
        ("from", config.from.as_deref()),
        ("to", config.to.as_deref()),
    ];
    for (path, key) in sides {
        let Some(key) = key else { continue };
        let suspended = if key == primary {
            family.primary.suspended
        } else {
            match family.subaccounts.iter().find(|s| s.api_key == key) {
                Some(s) => s.suspended,
                None => {
                    diags.push(
                        Diagnostic::error(
                            "Unknown account",
                            format!(
                                "\
                                `{path}` is {key}, which is neither the provider's account \
                                {primary} nor one of its subaccounts. Vonage moves numbers only \
                                within one primary's family."
                            ),
                        )
                        .at(AttrPath::attr(path)),
                    );
                    continue;
                }
            }
        };
        if suspended {
            diags.push(
                Diagnostic::error(
                    format!("Account {key} is suspended"),
                    format!(
                        "\
                        Vonage refuses number transfers with a suspended account. Reactivate \
                        {key} (`suspended = false` on its `vonage_subaccount`) first."
                    ),
                )
                .at(AttrPath::attr(path)),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vonage::{PrimaryAccount, Subaccount};

    fn family() -> SubaccountList {
        let number = |t: &str| serde_json::from_str::<serde_json::Number>(t).unwrap();
        let sub = |key: &str, suspended: bool| Subaccount {
            api_key: key.into(),
            primary_account_api_key: "abcd1234".into(),
            name: key.into(),
            use_primary_account_balance: true,
            balance: None,
            credit_limit: None,
            suspended,
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        SubaccountList {
            primary: PrimaryAccount {
                api_key: "abcd1234".into(),
                name: None,
                balance: number("10"),
                credit_limit: number("0"),
                suspended: false,
                created_at: "2026-01-01T00:00:00Z".into(),
            },
            subaccounts: vec![sub("active01", false), sub("paused01", true)],
            total_balance: number("10"),
            total_credit_limit: number("0"),
        }
    }

    fn check(from: &str, to: &str) -> Vec<String> {
        let config = Model {
            from: Some(from.into()),
            to: Some(to.into()),
            number: Some("447700900123".into()),
            country: Some("GB".into()),
        };
        check_accounts(&family(), &config)
            .iter()
            .map(|d| format!("{} @ {}", d.summary, d.path.as_ref().unwrap()))
            .collect()
    }

    #[test]
    fn the_plan_knows_the_family_and_who_is_suspended() {
        assert!(check("abcd1234", "active01").is_empty());
        assert!(check("active01", "abcd1234").is_empty());
        assert_eq!(check("abcd1234", "zzzz9999"), ["Unknown account @ to"]);
        assert_eq!(
            check("paused01", "abcd1234"),
            ["Account paused01 is suspended @ from"]
        );
    }

    #[test]
    fn the_schema_is_an_actions() {
        assert!(
            crate::framework::action::schema_problems(&Action::schema(&NumberTransfer)).is_empty()
        );
    }
}
