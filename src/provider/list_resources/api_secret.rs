//! `list "vonage_api_secret"`: the API secrets of one account, to import as
//! `vonage_api_secret` resources.
//!
//! API: `GET /accounts/{api_key}/secrets` (one call; Vonage does not paginate it).
//!
//! A list of the provider's own account includes the secret the provider authenticates with,
//! and Vonage gives no way to tell which id that is; the docs warn that destroying it after
//! an import locks the run out.
//!
//! Must not: change anything.

use async_trait::async_trait;
use serde::Deserialize;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::list_resource::{ListResource, ListResults};
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};

use crate::provider::ProviderData;
use crate::provider::resources::api_secret::{ApiSecret, Model};
use crate::provider::secret_slots;

pub struct ApiSecretList;

#[derive(Deserialize)]
pub struct Config {
    pub api_key: Option<String>,
}

#[async_trait]
impl ListResource<ProviderData> for ApiSecretList {
    type Resource = ApiSecret;
    type Config = Config;

    fn resource(&self) -> &ApiSecret {
        &ApiSecret
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Finds the API secrets of one account, to import them as `vonage_api_secret` \
                resources. Listing the provider's own account includes the secret the provider \
                authenticates with.",
            )
            .attribute(
                Attribute::string("api_key")
                    .non_empty()
                    .path_segment()
                    .optional()
                    .description(
                        "\
                The account whose secrets to list. Defaults to the provider's `api_key`; a \
                subaccount's key lists that subaccount's secrets.",
                    ),
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
        let api_key = config.api_key.unwrap_or_else(|| data.api_key.clone());
        let mut secrets = secret_slots::list(data, &api_key).await?;
        secrets.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        for s in secrets {
            let display = format!("API secret of {api_key} created {}", s.created_at);
            let model = Model {
                id: Some(s.id),
                api_key: Some(api_key.clone()),
                created_at: Some(s.created_at),
                ..Model::default()
            };
            if !results.push(display, model).await {
                break;
            }
        }
        Ok(())
    }
}
