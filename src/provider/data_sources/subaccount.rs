//! `data "vonage_subaccount"`: one subaccount of the provider's account, by api key.
//!
//! API: `GET /accounts/{primary}/subaccounts/{key}`. `balance` and `credit_limit` are as the
//! API shows them: `credit_limit` zero or negative (the resource's is the positive allocation).
//!
//! Must not: change the account.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::Number;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::operation::{Ctx, ValidateRequest};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::vonage::Error;

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;

pub struct Subaccount;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub api_key: Option<String>,
    pub name: Option<String>,
    pub use_primary_account_balance: Option<bool>,
    pub suspended: Option<bool>,
    pub primary_account_api_key: Option<String>,
    pub balance: Option<Number>,
    pub credit_limit: Option<Number>,
    pub created_at: Option<String>,
}

#[async_trait]
impl DataSource<ProviderData> for Subaccount {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_subaccount"
    }

    fn schema(&self) -> Schema {
        let c = |a: Attribute, d: &str| a.computed().description(d);
        Schema::new(
            0,
            Block::new(
                "\
                One subaccount of the provider's account (the primary), by its API key. Money \
                is shown as Vonage's API shows it: `credit_limit` is zero or **negative** (`-25` \
                is 25 EUR of credit), where the `vonage_subaccount` resource's `credit_limit` is \
                the positive amount allocated.",
            )
            .attribute(
                Attribute::string("api_key")
                    .non_empty()
                    .path_segment()
                    .required()
                    .description("The subaccount's API key."),
            )
            .attribute(c(Attribute::string("name"), "The subaccount's name."))
            .attribute(c(
                Attribute::bool("use_primary_account_balance"),
                "Whether it spends the primary's balance.",
            ))
            .attribute(c(Attribute::bool("suspended"), "Whether it is suspended."))
            .attribute(c(
                Attribute::string("primary_account_api_key"),
                "The primary account's API key.",
            ))
            .attribute(c(
                Attribute::number("balance"),
                "Its own balance in EUR; null when it uses the primary's balance.",
            ))
            .attribute(c(
                Attribute::number("credit_limit"),
                "\
                Its credit limit in EUR as the API shows it, zero or negative (`-25` is 25 EUR \
                of credit); null when it uses the primary's balance.",
            ))
            .attribute(c(
                Attribute::string("created_at"),
                "When it was created (RFC 3339, UTC).",
            )),
        )
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        match &req.config.api_key {
            Some(key) if key.is_empty() || key.contains('/') => Diagnostic::error(
                "Invalid API key",
                "`api_key` must be a subaccount's API key, such as `bbe6222f`.",
            )
            .at(AttrPath::attr("api_key"))
            .into(),
            _ => Diagnostics::new(),
        }
    }

    async fn read(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let key = config.api_key.unwrap_or_default();
        let client = data.client_for(&ctx.cancel);
        let s = data
            .snapshots
            .subaccount(&client, &key)
            .await
            .map_err(|e| {
                let d = match e {
                    Error::NotFound { .. } => Diagnostic::error(
                        "Subaccount not found",
                        format!(
                            "\
                        Account {} has no subaccount {key}. Check the key; `data \
                        \"vonage_subaccounts\"` lists them all.",
                            data.api_key
                        ),
                    ),
                    e => diagnostic(data, &format!("reading subaccount {key}"), &e),
                };
                Diagnostics::from(d.at(AttrPath::attr("api_key")))
            })?;
        Ok(Model {
            api_key: Some(s.api_key),
            name: Some(s.name),
            use_primary_account_balance: Some(s.use_primary_account_balance),
            suspended: Some(s.suspended),
            primary_account_api_key: Some(s.primary_account_api_key),
            balance: s.balance.as_ref().map(Number::from),
            credit_limit: s.credit_limit.as_ref().map(Number::from),
            created_at: Some(s.created_at),
        })
    }
}
