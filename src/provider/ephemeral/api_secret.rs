//! `ephemeral "vonage_api_secret"`: an API secret that lives for one Terraform run.
//!
//! API: `GET/POST /accounts/{api_key}/secrets` on open, `DELETE .../secrets/{id}` on close.
//! Open generates a strong value, checks for a free slot and creates the secret; close revokes
//! it. The value exists only in Terraform's memory for the run (a provider alias can be
//! configured from it). Terraform opens ephemeral resources during plan and again during
//! apply, so one `terraform apply` creates and revokes two secrets in turn.
//!
//! Vonage secrets have no expiry and no label: a run that dies between open and close leaves
//! its secret behind, holding one of the account's two slots. The docs give the cleanup path.
//!
//! Must not: put the value in private state, a message or a log; private state holds ids only.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::ephemeral::EphemeralResource;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::vonage::{ApiSecret, Error, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::ephemeral::generated_secret::generate;
use crate::provider::secret_slots::{self, MAX_SECRETS};

pub struct EphemeralApiSecret;

/// No `Debug`: the model holds the secret's value.
#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub api_key: Option<String>,
    pub id: Option<String>,
    pub secret: Option<String>,
}

/// What close needs to revoke the secret, kept in private state: never its value.
#[derive(Serialize, Deserialize)]
struct Opening {
    api_key: String,
    id: String,
}

/// The private-state key of [`Opening`].
const OPENING: &str = "opening";

/// The length of generated values: comfortably inside Vonage's 8 to 25.
const LENGTH: usize = 24;

fn no_free_slot(api_key: &str, existing: &[ApiSecret]) -> Diagnostics {
    Diagnostic::error(
        "No free API secret slot for an ephemeral secret",
        format!(
            "\
            Account {api_key} already has {} API secrets, the most Vonage allows: {}. An \
            ephemeral secret needs a free slot for the length of the run. Revoke a secret that \
            no application uses and run again. {}",
            existing.len(),
            secret_slots::describe(existing),
            cleanup_hint(api_key)
        ),
    )
    .into()
}

fn cleanup_hint(api_key: &str) -> String {
    format!(
        "\
        List the account's secrets with `terraform query` (a `list \"vonage_api_secret\"` block \
        with `config {{ api_key = \"{api_key}\" }}`) or the `vonage_api_secrets` data source; \
        a leftover ephemeral secret is the one created at the time of the interrupted run. Revoke \
        it in the Vonage dashboard, or import it into a `vonage_api_secret` and destroy that."
    )
}

#[async_trait]
impl EphemeralResource<ProviderData> for EphemeralApiSecret {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_api_secret"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                A short-lived API secret: created with a strong generated value when Terraform \
                opens it, and revoked when Terraform closes it at the end of the plan or apply. \
                Meant for a subaccount's key, to configure a provider alias that acts as that \
                subaccount for one run. It needs a free secret slot (Vonage allows two per \
                account) while the run lasts.",
            )
            .attribute(
                Attribute::string("api_key")
                    .non_empty()
                    .path_segment()
                    .optional()
                    .computed()
                    .description(
                        "\
                        The account to create the secret for. Defaults to the provider's \
                        `api_key`; a subaccount's key creates a secret of that subaccount with \
                        the primary's credentials.",
                    ),
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("The secret's id (a UUID)."),
            )
            .attribute(
                Attribute::string("secret")
                    .computed()
                    .sensitive()
                    .description(&format!(
                        "\
                        The secret's value: {LENGTH} random characters that meet Vonage's rule. \
                        It is valid until the run ends."
                    )),
            ),
        )
    }

    async fn open(&self, ctx: &Ctx<'_, ProviderData>, config: Model) -> Result<Model, Diagnostics> {
        let data = ctx.configured()?;
        let api_key = config.api_key.unwrap_or_else(|| data.api_key.clone());
        // Checked before the POST, as everywhere a create needs a free slot (DESIGN.md).
        let existing = secret_slots::list(data, &api_key).await?;
        if existing.len() >= MAX_SECRETS {
            return Err(no_free_slot(&api_key, &existing));
        }
        let value = generate(LENGTH);
        let created = data
            .client
            .create_secret(&api_key, &Secret::new(value.clone()))
            .await
            .map_err(|e| {
                diagnostic(
                    data,
                    &format!("creating an ephemeral API secret for account {api_key}"),
                    &e,
                )
            })?;
        ctx.private.set(
            OPENING,
            &Opening {
                api_key: api_key.clone(),
                id: created.id.clone(),
            },
        );
        Ok(Model {
            api_key: Some(api_key),
            id: Some(created.id),
            secret: Some(value),
        })
    }

    async fn close(&self, ctx: &Ctx<'_, ProviderData>) -> Result<(), Diagnostics> {
        let Some(Opening { api_key, id }) = ctx.private.get(OPENING) else {
            return Err(Diagnostic::error(
                "Ephemeral API secret not revoked",
                "\
                Terraform closed an ephemeral `vonage_api_secret` without the data that names \
                it, so the provider cannot tell which secret to revoke. Please report this to \
                the provider's maintainers, and revoke the leftover secret by hand.",
            )
            .into());
        };
        let data = ctx.configured()?;
        match data.client.revoke_secret(&api_key, &id).await {
            Ok(()) | Err(Error::NotFound { .. }) => Ok(()),
            Err(e) => {
                let mut d = diagnostic(
                    data,
                    &format!("revoking ephemeral API secret {id} of account {api_key}"),
                    &e,
                );
                d.summary = format!("Ephemeral API secret {id} was not revoked");
                d.detail = format!(
                    "\
                    {} The secret stays valid and holds one of the account's two slots until it \
                    is revoked: revoke it in the Vonage dashboard, or import it into a \
                    `vonage_api_secret` (import ID `{api_key}/{id}`) and destroy that.",
                    d.detail
                );
                Err(d.into())
            }
        }
    }
}
