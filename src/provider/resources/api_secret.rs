//! `vonage_api_secret`: one API secret of an account, rotated within Vonage's two-secret limit.
//!
//! API: `GET/POST /accounts/{api_key}/secrets`, `GET/DELETE .../secrets/{id}` on the API host.
//! Vonage never returns a secret's value, so the value comes from configuration:
//! `secret_wo` (write-only, never in plan or state; Terraform 1.11+) with `secret_wo_version`
//! as the rotation trigger, or `secret` (sensitive, kept in state) for older Terraform. With
//! neither, the resource adopts an imported secret and manages only its lifecycle.
//!
//! Rules that protect the account:
//! - create checks for a free slot before its POST (at most two secrets per account);
//! - delete never revokes the account's last secret, and checks before the DELETE;
//! - a revoke is remembered so that a 401 afterwards is explained (the run may have revoked
//!   the very secret the provider authenticates with).
//!
//! Must not: put a secret's value in state (except `secret`, by the user's choice), a plan, a message or a log.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::{Number, Value};
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::plan::object;
use crate::framework::resource::{
    ApplyFailure, CreateRequest, Ctx, PlanRequest, Resource, Timeouts, UpdateRequest,
    ValidateRequest,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema, timeouts_block};
use crate::vonage::{Error, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, is_suspension, suspended_read_warning};
use crate::provider::secret_strength::{secret_rule, secret_strength, weak_secret_diagnostic};

/// Vonage's limit of secrets per account.
pub const MAX_SECRETS: usize = 2;

pub struct ApiSecret;

/// No `Debug`: the model can hold the secret's value.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct Model {
    pub id: Option<String>,
    pub api_key: Option<String>,
    pub secret_wo: Option<String>,
    pub secret_wo_version: Option<Number>,
    pub secret: Option<String>,
    pub created_at: Option<String>,
    pub timeouts: Option<Timeouts>,
}

fn parse_import_id(id: &str) -> Result<(String, String), Diagnostics> {
    match id.split_once('/') {
        Some((key, secret_id))
            if !key.is_empty() && !secret_id.is_empty() && !secret_id.contains('/') =>
        {
            Ok((key.to_owned(), secret_id.to_owned()))
        }
        _ => Err(Diagnostic::error(
            "Invalid import ID",
            format!(
                "\
                Expected `API_KEY/SECRET_ID`, for example \
                `abcd1234/ad6dc56f-07b5-46e1-a527-85530e625800`, but got `{id}`. List an \
                account's secret ids with the `vonage_api_secrets` data source."
            ),
        )
        .into()),
    }
}

#[async_trait]
impl Resource<ProviderData> for ApiSecret {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_api_secret"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                An API secret of a Vonage account. Vonage allows **at most two secrets** per \
                account and never returns a secret's value. The recommended way to set the value \
                is the write-only `secret_wo` (Terraform 1.11+), fed from an ephemeral variable, \
                so that it never lands in plan or state; bump `secret_wo_version` to rotate. \
                Rotating the very secret the provider authenticates with locks the run out: \
                manage that one elsewhere.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .stable()
                    .description("The secret's id (a UUID). Vonage's only handle on a secret."),
            )
            .attribute(
                Attribute::string("api_key")
                    .optional()
                    .computed()
                    .stable()
                    .requires_replace()
                    .description(
                        "\
                        The account the secret belongs to. Defaults to the provider's `api_key`. \
                        A subaccount's key manages that subaccount's secrets with the primary's \
                        credentials. Changing it replaces the secret.",
                    ),
            )
            .attribute(
                Attribute::string("secret_wo")
                    .optional()
                    .write_only()
                    .write_only_fallback("secret")
                    .description(&format!(
                        "\
                        The secret's value, **write-only**: sent to Vonage on create and never \
                        stored in plan or state (Terraform 1.11+). {}. Changing it alone does \
                        nothing; bump `secret_wo_version` to rotate.",
                        secret_rule()
                    )),
            )
            .attribute(
                Attribute::number("secret_wo_version")
                    .optional()
                    .requires_replace_once_set()
                    .description(
                        "\
                        Any number that you change to rotate the secret: a new value replaces the \
                        secret with one made from the current `secret_wo`. Setting it for the \
                        first time (after an import) only records it.",
                    ),
            )
            .attribute(
                Attribute::string("secret")
                    .optional()
                    .sensitive()
                    .requires_replace()
                    .description(
                        "\
                        The secret's value for Terraform older than 1.11, which lacks write-only \
                        attributes. It is **stored in state** (marked sensitive). Conflicts with \
                        `secret_wo`. Changing it replaces the secret.",
                    ),
            )
            .attribute(
                Attribute::string("created_at")
                    .computed()
                    .stable()
                    .description("When Vonage created the secret (RFC 3339, UTC)."),
            )
            .block(timeouts_block()),
        )
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::required_strings(&[
            ("api_key", "The account's API key."),
            ("id", "The secret's id."),
        ]))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        Some(object([
            ("api_key", Value::string(state.api_key.clone()?)),
            ("id", Value::string(state.id.clone()?)),
        ]))
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let c = req.config;
        if c.secret_wo.is_some() && c.secret.is_some() {
            diags.push(
                Diagnostic::error(
                    "Conflicting secret arguments",
                    "\
                    Set either `secret_wo` (recommended; never stored) or `secret` (for Terraform \
                    before 1.11; stored in state), not both.",
                )
                .at(AttrPath::attr("secret")),
            );
        }
        for (attr, v) in [("secret_wo", &c.secret_wo), ("secret", &c.secret)] {
            if let Some(s) = v
                && let Err(why) = secret_strength(s)
            {
                diags.push(weak_secret_diagnostic(attr, &why));
            }
        }
        if c.secret_wo_version.is_some()
            && c.secret_wo.is_none()
            && !(req.unknown)("secret_wo")
            && c.secret.is_some()
        {
            diags.push(
                Diagnostic::warning(
                    "`secret_wo_version` has no effect with `secret`",
                    "\
                    `secret_wo_version` rotates a `secret_wo`; with `secret`, change the value \
                    itself to rotate.",
                )
                .at(AttrPath::attr("secret_wo_version")),
            );
        }
        diags
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        let mut planned = req.planned;
        if planned.api_key.is_none()
            && req.config.api_key.is_none()
            && !(req.unknown)("api_key")
            && let Some(data) = ctx.data
        {
            planned.api_key = Some(data.api_key.clone());
        }
        // On create (and replacement) a value is needed: Vonage makes no secret without one.
        let creating = req.prior.is_none();
        if creating
            && req.config.secret_wo.is_none()
            && req.config.secret.is_none()
            && !(req.unknown)("secret")
        {
            return Err(Diagnostic::error(
                "No value for the new API secret",
                "\
                Vonage creates a secret only from a value you choose. Set `secret_wo` \
                (recommended, with an ephemeral variable) or `secret`. To manage an existing \
                secret without knowing its value, import it: `terraform import \
                vonage_api_secret.NAME API_KEY/SECRET_ID`.",
            )
            .at(AttrPath::attr("secret_wo"))
            .into());
        }
        Ok(planned)
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: CreateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let api_key = req
            .planned
            .api_key
            .clone()
            .unwrap_or_else(|| data.api_key.clone());
        let (attr, value) = match (req.config.secret_wo.as_ref(), req.config.secret.as_ref()) {
            (Some(v), _) => ("secret_wo", v),
            (None, Some(v)) => ("secret", v),
            (None, None) => {
                return Err(Diagnostic::error(
                    "No value for the new API secret",
                    "Set `secret_wo` or `secret`.",
                )
                .at(AttrPath::attr("secret_wo"))
                .into());
            }
        };
        if let Err(why) = secret_strength(value) {
            return Err(weak_secret_diagnostic(attr, &why).into());
        }
        let existing = client.list_secrets(&api_key).await.map_err(|e| {
            diagnostic(
                data,
                &format!("listing the API secrets of account {api_key}"),
                &e,
            )
        })?;
        if existing.len() >= MAX_SECRETS {
            let ids: Vec<&str> = existing.iter().map(|s| s.id.as_str()).collect();
            return Err(Diagnostic::error(
                "No free API secret slot",
                format!(
                    "\
                    Account {api_key} already has {} API secrets ({}), the most Vonage allows, so \
                    a new one cannot be created. Nothing was changed. Ways out:\n- If this is a \
                    rotation with `lifecycle {{ create_before_destroy = true }}`: the new secret \
                    would overlap the old one, which needs a free slot, and the other slot is \
                    usually held by the secret the provider authenticates with. Remove \
                    `create_before_destroy` so Terraform revokes the old secret first and then \
                    creates the new one; the account keeps its other secret throughout.\n- \
                    Otherwise revoke a secret the account no longer uses (in the Vonage \
                    dashboard, or import it into a `vonage_api_secret` and destroy that), then \
                    apply again.",
                    existing.len(),
                    ids.join(", ")
                ),
            )
            .into());
        }
        let created = client
            .create_secret(&api_key, &Secret::new(value.clone()))
            .await
            .map_err(|e| match e {
                Error::Validation { .. } => weak_secret_diagnostic(attr, "Vonage rejected it"),
                e => diagnostic(
                    data,
                    &format!("creating a vonage_api_secret for account {api_key}"),
                    &e,
                ),
            })?;
        Ok(Model {
            id: Some(created.id),
            api_key: Some(api_key),
            created_at: Some(created.created_at),
            secret_wo: None,
            ..req.planned
        })
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        state: Model,
    ) -> Result<Option<Model>, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (Some(api_key), Some(id)) = (state.api_key.clone(), state.id.clone()) else {
            return Ok(None);
        };
        match client.get_secret(&api_key, &id).await {
            Ok(s) => Ok(Some(Model {
                created_at: Some(s.created_at),
                ..state
            })),
            // Revoked outside Terraform: leave state, so the next plan recreates it.
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) if is_suspension(&e) => Err(suspended_read_warning(
                &api_key,
                &format!("vonage_api_secret {id} of account {api_key}"),
            )
            .into()),
            Err(e) => Err(diagnostic(
                data,
                &format!("reading vonage_api_secret {id} of account {api_key}"),
                &e,
            )
            .into()),
        }
    }

    async fn update(
        &self,
        _ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        // Only `secret_wo_version` being recorded for the first time, or `timeouts`, update in
        // place; every other change replaces the secret. Nothing to send to Vonage.
        Ok(Model {
            secret_wo: None,
            ..req.planned
        })
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (Some(api_key), Some(id)) = (state.api_key, state.id) else {
            return Ok(());
        };
        let existing = client.list_secrets(&api_key).await.map_err(|e| {
            diagnostic(
                data,
                &format!("listing the API secrets of account {api_key}"),
                &e,
            )
        })?;
        if !existing.iter().any(|s| s.id == id) {
            return Ok(()); // Already gone.
        }
        if existing.len() <= 1 {
            return Err(Diagnostic::error(
                "Refusing to revoke the account's last API secret",
                format!(
                    "\
                    Secret {id} is the only API secret of account {api_key}. Vonage requires \
                    every account to keep at least one, and an account without one could not be \
                    managed at all. Nothing was revoked. Create its replacement first (add the \
                    new `vonage_api_secret`, apply, then remove this one), or stop managing it \
                    without revoking it: replace the resource block with `removed {{ from = \
                    ADDRESS  lifecycle {{ destroy = false }} }}` and apply (or run `terraform \
                    state rm ADDRESS`). The rest of the destroy is not blocked by this secret once \
                    it is removed that way."
                ),
            )
            .into());
        }
        match client.revoke_secret(&api_key, &id).await {
            Ok(()) | Err(Error::NotFound { .. }) => {
                if let Ok(mut r) = data.revoked.lock() {
                    r.push(format!("{api_key}/{id}"));
                }
                Ok(())
            }
            Err(e) => Err(diagnostic(
                data,
                &format!("destroying vonage_api_secret {id} (revoking it) of account {api_key}"),
                &e,
            )
            .into()),
        }
    }

    async fn import(&self, _ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        let (api_key, secret_id) = parse_import_id(id)?;
        Ok(Model {
            id: Some(secret_id),
            api_key: Some(api_key),
            ..Model::default()
        })
    }

    async fn import_identity(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        identity: &Value,
    ) -> Result<Model, Diagnostics> {
        match (
            identity.attr("api_key").as_str(),
            identity.attr("id").as_str(),
        ) {
            (Some(k), Some(i)) => self.import(ctx, &format!("{k}/{i}")).await,
            _ => Err(Diagnostic::error(
                "Incomplete identity",
                "Give both `api_key` and `id` in the import block's identity.",
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_key_slash_id() {
        assert_eq!(
            parse_import_id("abcd1234/uuid-1").unwrap(),
            ("abcd1234".into(), "uuid-1".into())
        );
        for bad in ["", "abcd1234", "/x", "k/", "a/b/c"] {
            let d = parse_import_id(bad).unwrap_err();
            assert!(
                d.iter()
                    .next()
                    .unwrap()
                    .detail
                    .contains("API_KEY/SECRET_ID")
            );
        }
    }

    #[test]
    fn an_old_terraform_is_told_to_use_secret_instead_of_secret_wo() {
        use crate::framework::cty::Value;
        use crate::framework::resource::DynResource;
        let config = object([("secret_wo", Value::string("Abcdefgh1"))])
            .conform(&Resource::<ProviderData>::schema(&ApiSecret).value_type())
            .unwrap();
        let diags = DynResource::<ProviderData>::validate(&ApiSecret, &config, false);
        let d = diags
            .iter()
            .find(|d| d.summary.contains("Terraform 1.11"))
            .expect("refused without write-only support");
        assert_eq!(d.path.as_ref().unwrap().to_string(), "secret_wo");
        assert!(d.detail.contains("set `secret` instead"), "{}", d.detail);
        assert!(!d.detail.contains("Abcdefgh1"));
        assert!(!DynResource::<ProviderData>::validate(&ApiSecret, &config, true).has_errors());
    }

    #[test]
    fn validation_names_the_attribute_and_never_the_value() {
        let config = Model {
            secret_wo: Some("weakling".into()),
            secret: Some("AlsoSet123".into()),
            ..Model::default()
        };
        let diags = ApiSecret.validate(ValidateRequest {
            config: &config,
            unknown: &|_| false,
        });
        let paths: Vec<String> = diags
            .iter()
            .filter_map(|d| d.path.as_ref())
            .map(|p| p.to_string())
            .collect();
        assert_eq!(paths, ["secret", "secret_wo"]);
        for d in diags.iter() {
            assert!(!d.summary.contains("weakling") && !d.detail.contains("weakling"));
            assert!(!d.detail.contains("AlsoSet123"));
        }
    }
}
