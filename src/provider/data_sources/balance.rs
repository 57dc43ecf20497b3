//! `data "vonage_balance"`: an account's balance in EUR.
//!
//! API: `GET /account/get-balance` on the REST host for the provider's own account; for a
//! subaccount key, the subaccount's `balance` from the Subaccounts API (null when it shares
//! the primary's balance).
//!
//! Exposing the balance in outputs makes `terraform plan -detailed-exitcode` drift jobs report
//! a change whenever the balance moves; the docs say so.
//!
//! Must not: change the account (no top-up here).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::Number;
use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;

pub struct Balance;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub api_key: Option<String>,
    pub value: Option<Number>,
    pub auto_reload: Option<bool>,
}

#[async_trait]
impl DataSource<ProviderData> for Balance {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_balance"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                An account's current balance. **Drift jobs beware:** an output or attribute that \
                uses `value` changes whenever the balance moves, so `terraform plan \
                -detailed-exitcode` reports a change (exit code 2) even when nothing else did.",
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .computed()
                    .non_empty()
                    .path_segment()
                    .description(
                        "\
                        The account to read. Defaults to the provider's `api_key`; a subaccount's \
                        key reads that subaccount's own balance.",
                    ),
            )
            .attribute(Attribute::number("value").computed().description(
                "\
                The balance in EUR, with Vonage's full precision. Null for a subaccount that \
                shares its primary's balance.",
            ))
            .attribute(Attribute::bool("auto_reload").computed().description(
                "\
                Whether automatic top-up is on. Known only for the provider's own account; null \
                for subaccounts.",
            )),
        )
    }

    async fn read(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let api_key = config.api_key.unwrap_or_else(|| data.api_key.clone());
        if api_key == data.api_key {
            let b = client.get_balance().await.map_err(|e| {
                diagnostic(
                    data,
                    &format!("reading the balance of account {api_key}"),
                    &e,
                )
            })?;
            return Ok(Model {
                api_key: Some(api_key),
                value: Some(Number::from(&b.value)),
                auto_reload: Some(b.auto_reload),
            });
        }
        let sub = data
            .snapshots
            .subaccount(&client, &api_key)
            .await
            .map_err(|e| {
                diagnostic(
                    data,
                    &format!("reading the balance of subaccount {api_key}"),
                    &e,
                )
            })?;
        Ok(Model {
            api_key: Some(api_key),
            value: sub.balance.as_ref().map(Number::from),
            auto_reload: None,
        })
    }
}
