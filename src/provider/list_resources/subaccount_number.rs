//! `list "vonage_subaccount_number"`: the numbers the provider's subaccounts hold, to import as
//! `vonage_subaccount_number` resources (`terraform query`), each with what the Numbers API
//! shows of it (type, features, linked application, callbacks).
//!
//! API: `GET /accounts/{primary}/subaccounts` once, then `GET /account/numbers` per subaccount
//! (one call per 100 numbers), or only the subaccount `api_key` names.
//!
//! Must not: change anything.

use async_trait::async_trait;
use serde::Deserialize;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::list_resource::{ListResource, ListResults};
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::numbers::numbers_diagnostic;
use crate::provider::resources::subaccount_number::{Model, SubaccountNumber};

pub struct SubaccountNumberList;

#[derive(Deserialize)]
pub struct Config {
    pub api_key: Option<String>,
    pub country: Option<String>,
}

#[async_trait]
impl ListResource<ProviderData> for SubaccountNumberList {
    type Resource = SubaccountNumber;
    type Config = Config;

    fn resource(&self) -> &SubaccountNumber {
        &SubaccountNumber
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Finds the numbers the provider's subaccounts hold, to import them as \
                `vonage_subaccount_number` resources.",
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .non_empty()
                    .path_segment()
                    .description(
                        "Only the numbers of this subaccount. Unset lists every subaccount's.",
                    ),
            )
            .attribute(
                Attribute::string("country")
                    .optional()
                    .non_empty()
                    .description("Only numbers of this two-letter country code, such as `GB`."),
            ),
        )
    }

    async fn list(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        config: Config,
        results: &mut ListResults<'_, Model>,
    ) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let family = data.snapshots.subaccounts(&client).await.map_err(|e| {
            diagnostic(
                data,
                &format!("listing the subaccounts of account {}", data.api_key),
                &e,
            )
        })?;
        let keys = family
            .subaccounts
            .iter()
            .map(|s| s.api_key.as_str())
            .filter(|k| config.api_key.as_deref().is_none_or(|only| only == *k));
        for key in keys {
            let held = data.numbers.held_by(&client, key).await.map_err(|e| {
                numbers_diagnostic(data, &format!("listing the numbers of {key}"), key, &e)
            })?;
            for n in held.iter() {
                if config
                    .country
                    .as_deref()
                    .is_some_and(|c| !c.eq_ignore_ascii_case(&n.country))
                {
                    continue;
                }
                let model = Model {
                    api_key: Some(key.to_owned()),
                    ..Model::default()
                }
                .held(key, n);
                let display = format!(
                    "+{} ({}, {}) held by {key}",
                    n.number,
                    n.country,
                    n.features.join(" ")
                );
                if !results.push(display, model).await {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
