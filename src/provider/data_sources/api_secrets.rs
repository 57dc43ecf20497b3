//! `data "vonage_api_secrets"`: the ids and creation times of an account's API secrets.
//!
//! API: `GET /accounts/{api_key}/secrets`. Values are never returned by Vonage.
//!
//! Must not: call anything but the list endpoint; data sources never change the account.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::data_source::DataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Nesting, Schema};

use crate::provider::ProviderData;
use crate::provider::secret_slots;

pub struct ApiSecrets;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub api_key: Option<String>,
    pub secrets: Option<Vec<SecretEntry>>,
}

#[derive(Serialize, Deserialize)]
pub struct SecretEntry {
    pub id: String,
    pub created_at: String,
}

#[async_trait]
impl DataSource<ProviderData> for ApiSecrets {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_api_secrets"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Lists an account's API secrets (at most two). Useful to find a secret's id for \
                `terraform import vonage_api_secret.NAME API_KEY/SECRET_ID`.",
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .computed()
                    .non_empty()
                    .path_segment()
                    .description(
                        "\
                        The account to list. Defaults to the provider's `api_key`; a subaccount's \
                        key lists that subaccount's secrets.",
                    ),
            )
            .attribute(
                Attribute::nested(
                    "secrets",
                    Nesting::List,
                    vec![
                        Attribute::string("id")
                            .computed()
                            .description("The secret's id."),
                        Attribute::string("created_at")
                            .computed()
                            .description("When the secret was created (RFC 3339, UTC)."),
                    ],
                )
                .computed()
                .description("The account's secrets, oldest first."),
            ),
        )
    }

    async fn read(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let api_key = config.api_key.unwrap_or_else(|| data.api_key.clone());
        let shared = secret_slots::shared(data, &client, &api_key).await?;
        let mut list = shared.as_ref().clone();
        list.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        let secrets = list
            .into_iter()
            .map(|s| SecretEntry {
                id: s.id,
                created_at: s.created_at,
            })
            .collect();
        Ok(Model {
            api_key: Some(api_key),
            secrets: Some(secrets),
        })
    }
}
