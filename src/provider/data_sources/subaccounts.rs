//! `data "vonage_subaccounts"`: the provider's account with all its subaccounts and totals.
//!
//! API: `GET /accounts/{primary}/subaccounts`.
//!
//! Must not: change the account.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::Number;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Nesting, Schema};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;

pub struct Subaccounts;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub primary_account_api_key: Option<String>,
    pub total_balance: Option<Number>,
    pub total_credit_limit: Option<Number>,
    pub subaccounts: Option<Vec<Entry>>,
}

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub api_key: String,
    pub name: String,
    pub use_primary_account_balance: bool,
    pub suspended: bool,
    pub balance: Option<Number>,
    pub credit_limit: Option<Number>,
    pub created_at: String,
}

#[async_trait]
impl DataSource<ProviderData> for Subaccounts {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_subaccounts"
    }

    fn schema(&self) -> Schema {
        let c = |a: Attribute, d: &str| a.computed().description(d);
        Schema::new(
            0,
            Block::new(
                "\
                The provider's account (the primary) and all its subaccounts, with the family's \
                balance totals. Needs the Subaccounts API to be enabled for the account.",
            )
            .attribute(c(
                Attribute::string("primary_account_api_key"),
                "The primary account's API key.",
            ))
            .attribute(c(
                Attribute::number("total_balance"),
                "\
                The sum of the balances of the primary and all subaccounts, in EUR (negative \
                means owed to Vonage).",
            ))
            .attribute(c(
                Attribute::number("total_credit_limit"),
                "\
                The sum of the credit limits of the primary and all subaccounts, in EUR, as the \
                API shows them: zero or negative (`-100` is 100 EUR of credit).",
            ))
            .attribute(
                Attribute::nested(
                    "subaccounts",
                    Nesting::List,
                    vec![
                        c(Attribute::string("api_key"), "The subaccount's API key."),
                        c(Attribute::string("name"), "Its name."),
                        c(
                            Attribute::bool("use_primary_account_balance"),
                            "Whether it spends the primary's balance.",
                        ),
                        c(Attribute::bool("suspended"), "Whether it is suspended."),
                        c(
                            Attribute::number("balance"),
                            "Its own balance in EUR; null when it uses the primary's.",
                        ),
                        c(
                            Attribute::number("credit_limit"),
                            "\
                            Its credit limit in EUR as the API shows it, zero or negative (`-25` \
                            is 25 EUR of credit, which `vonage_subaccount`'s `credit_limit` shows \
                            as `25`); null when it uses the primary's balance.",
                        ),
                        c(Attribute::string("created_at"), "When it was created."),
                    ],
                )
                .computed()
                .description("Every subaccount, in the order Vonage lists them."),
            ),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        _config: Model,
    ) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let list = data.snapshots.subaccounts(&client).await.map_err(|e| {
            diagnostic(
                data,
                &format!("listing the subaccounts of account {}", data.api_key),
                &e,
            )
        })?;
        Ok(Model {
            primary_account_api_key: Some(list.primary.api_key.clone()),
            total_balance: Some(Number::from(&list.total_balance)),
            total_credit_limit: Some(Number::from(&list.total_credit_limit)),
            subaccounts: Some(
                list.subaccounts
                    .iter()
                    .cloned()
                    .map(|s| Entry {
                        api_key: s.api_key,
                        name: s.name,
                        use_primary_account_balance: s.use_primary_account_balance,
                        suspended: s.suspended,
                        balance: s.balance.as_ref().map(Number::from),
                        credit_limit: s.credit_limit.as_ref().map(Number::from),
                        created_at: s.created_at,
                    })
                    .collect(),
            ),
        })
    }
}
