//! `ephemeral "vonage_api_secret"`: an API secret that lives for one Terraform run.
//!
//! API: `GET/POST /accounts/{api_key}/secrets` on open, `DELETE .../secrets/{id}` on close.
//! Open generates a strong value, checks for a free slot and creates the secret; close revokes
//! it. The value exists only in Terraform's memory for the run (a provider alias can be
//! configured from it). Terraform opens ephemeral resources during plan and again during
//! apply, so one `terraform apply` creates and revokes two secrets in turn.
//!
//! Vonage secrets have no expiry and no label: a run that dies between open and close would
//! leave its secret behind, holding one of the account's two slots. So:
//! - when Terraform skips the close (a failed run), the process closes it anyway when
//!   Terraform shuts it down, or when Terraform dies (`framework::left_open`, `plugin`);
//! - every secret is written down in this machine's run-secret journal (`run_secrets`) before
//!   its POST and struck off once revoked; the next open for the account revokes journalled
//!   secrets whose process is provably dead, and a no-free-slot error names those whose
//!   process may still run.
//!
//! Must not: put the value in private state, the journal, a message or a log; private state
//! holds ids only.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::ephemeral::EphemeralResource;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::vonage::{ApiSecret, Client, Error, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::ephemeral::generated_secret::generate;
use crate::provider::run_secrets::{self, Entry, Journal};
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
    /// The secret's entry in the run-secret journal, if it was written down.
    #[serde(default)]
    journal: Option<String>,
}

/// The private-state key of [`Opening`].
const OPENING: &str = "opening";

/// The length of generated values: comfortably inside Vonage's 8 to 25.
const LENGTH: usize = 24;

fn no_free_slot(api_key: &str, existing: &[ApiSecret], journalled: &[Entry]) -> Diagnostics {
    let runs = if journalled.is_empty() {
        String::new()
    } else {
        format!(
            "\
            This machine's journal of ephemeral secrets holds {}: a concurrent run may be using \
            it, since the process that opened it still runs, or this machine cannot tell \
            (another machine sharing the folder, or no start time to compare). Let that run \
            finish, and it revokes its secret; if no run is using it, revoke it. ",
            journalled
                .iter()
                .map(Entry::describe)
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    Diagnostic::error(
        "No free API secret slot for an ephemeral secret",
        format!(
            "\
            Account {api_key} already has {} API secrets, the most Vonage allows: {}. An \
            ephemeral secret needs a free slot for the length of the run. {runs}Revoke a secret \
            that no application uses and run again; if `vonage_api_secret_rotation` manages \
            this account, it owns both slots: authenticate as the account with the rotation's \
            current secret instead (its docs show how). {}",
            existing.len(),
            secret_slots::describe(existing),
            cleanup_hint(api_key)
        ),
    )
    .into()
}

fn not_journalled(e: &std::io::Error) -> Diagnostic {
    Diagnostic::warning(
        "Ephemeral API secret not journalled",
        format!(
            "\
            The provider could not use its journal of ephemeral secrets ({e}). The secret \
            works as usual, but if this run is killed before it ends, the next run cannot \
            find and revoke what it leaves. Set VONAGE_PROVIDER_STATE_DIR to a private folder \
            of yours."
        ),
    )
}

/// Revokes the journalled secrets of `api_key` whose process is provably dead, with a warning
/// naming them; the ids revoked or found gone, to strike off.
async fn revoke_leftovers(
    ctx: &Ctx<'_, ProviderData>,
    client: &Client,
    api_key: &str,
    entries: &[Entry],
) -> Vec<String> {
    let (mut settled, mut revoked) = (Vec::new(), Vec::new());
    for id in run_secrets::leftovers(entries)
        .into_iter()
        .filter_map(|e| e.id)
    {
        match client.revoke_secret(api_key, &id).await {
            Ok(()) => revoked.push(id.clone()),
            Err(Error::NotFound { .. }) => {}
            // Kept in the journal: the next open tries again.
            Err(_) => continue,
        }
        settled.push(id);
    }
    if !revoked.is_empty() {
        ctx.warnings.warn(Diagnostic::warning(
            "Revoked ephemeral API secrets left by a stopped run",
            format!(
                "\
                Account {api_key} held ephemeral secrets that provider processes on this \
                machine opened and never revoked, because they were stopped (killed, or their \
                machine restarted): {}. Those processes no longer run, so no run can use the \
                secrets; they are revoked.",
                revoked.join(", ")
            ),
        ));
    }
    settled
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
        let api_url = data.client.settings().api_url.to_owned();
        let unusable = |e: std::io::Error| ctx.warnings.warn(not_journalled(&e));
        let journal = Journal::open().map_err(unusable).ok();
        let journalled = (journal.as_ref())
            .and_then(|j| j.of_account(&api_url, &api_key).map_err(unusable).ok())
            .unwrap_or_default();
        let revoked = revoke_leftovers(ctx, &data.client, &api_key, &journalled).await;
        // Checked before the POST, as everywhere a create needs a free slot (DESIGN.md).
        let existing = secret_slots::list(data, &api_key).await?;
        let journalled = match &journal {
            Some(j) => run_secrets::settle(j, journalled, &revoked, &existing),
            None => Vec::new(),
        };
        if existing.len() >= MAX_SECRETS {
            return Err(no_free_slot(&api_key, &existing, &journalled));
        }
        // Written down before the POST: a process killed during it leaves a trace.
        let entry = Entry::new(&api_url, &api_key);
        let journal = journal.filter(|j| j.add(&entry).map_err(unusable).is_ok());
        let value = generate(LENGTH);
        let created = data
            .client
            .create_secret(&api_key, &Secret::new(value.clone()))
            .await
            .map_err(|e| {
                // A refused POST made nothing; an unknown outcome stays journalled.
                if let (Some(j), false) = (&journal, matches!(e, Error::UnknownOutcome { .. })) {
                    let _ = j.remove(&entry.token);
                }
                diagnostic(
                    data,
                    &format!("creating an ephemeral API secret for account {api_key}"),
                    &e,
                )
            })?;
        let journal = journal.filter(|j| {
            j.set_id(&entry.token, &created.id)
                .map_err(unusable)
                .is_ok()
        });
        ctx.private.set(
            OPENING,
            &Opening {
                api_key: api_key.clone(),
                id: created.id.clone(),
                journal: journal.map(|_| entry.token),
            },
        );
        Ok(Model {
            api_key: Some(api_key),
            id: Some(created.id),
            secret: Some(value),
        })
    }

    async fn close(&self, ctx: &Ctx<'_, ProviderData>) -> Result<(), Diagnostics> {
        let Some(Opening {
            api_key,
            id,
            journal,
        }) = ctx.private.get(OPENING)
        else {
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
            Ok(()) | Err(Error::NotFound { .. }) => {
                if let (Some(token), Ok(j)) = (journal, Journal::open()) {
                    let _ = j.remove(&token);
                }
                Ok(())
            }
            Err(e) => {
                let mut d = diagnostic(
                    data,
                    &format!("revoking ephemeral API secret {id} of account {api_key}"),
                    &e,
                );
                d.summary = format!("Ephemeral API secret {id} was not revoked");
                let by_hand = format!(
                    "revoke it in the Vonage dashboard, or import it into a `vonage_api_secret` \
                    (import ID `{api_key}/{id}`) and destroy that."
                );
                let way_out = if journal.is_some() {
                    format!(
                        "\
                        The next run on this machine that opens an ephemeral secret for the \
                        account revokes it, once this provider process has ended. To free the \
                        slot sooner, {by_hand}"
                    )
                } else {
                    format!("To free it, {by_hand}")
                };
                d.detail = format!(
                    "{} The secret stays valid and holds one of the account's two slots until it \
                    is revoked. {way_out}",
                    d.detail
                );
                Err(d.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_account_names_the_journalled_secret_a_concurrent_run_may_use() {
        let existing = [ApiSecret {
            id: "held".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        }];
        let entry = Entry {
            id: Some("held".into()),
            opened_at: "2026-01-01T00:00:00Z".into(),
            ..Entry::new("https://api.nexmo.com", "bbe6222f")
        };
        let diags = no_free_slot("bbe6222f", &existing, std::slice::from_ref(&entry));
        let detail = &diags.iter().next().unwrap().detail;
        let named = format!(
            "length of the run. This machine's journal of ephemeral secrets holds `held`, opened \
             at 2026-01-01T00:00:00Z by provider process {}",
            std::process::id()
        );
        assert!(detail.contains(&named), "{detail}");
        assert!(detail.contains("revoke it. Revoke a secret"), "{detail}");
        let plain = no_free_slot("bbe6222f", &existing, &[]);
        let detail = &plain.iter().next().unwrap().detail;
        assert!(
            detail.contains("length of the run. Revoke a secret"),
            "{detail}"
        );
    }
}
