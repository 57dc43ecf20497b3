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
//! - delete leaves the account's last secret in place with a warning, as Vonage's answer
//!   decides (`last_secret`); a later create in the account finishes that revoke;
//! - the secret the provider block's `api_secret_id` names is never destroyed or replaced, and
//!   destroying an imported secret of the provider's own account warns (`own_credential`);
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
use crate::vonage::{Client, Error, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, is_suspension, suspended_read_warning};
use crate::provider::last_secret;
use crate::provider::lost_creates::{
    PENDING, PendingCreate, lost_create_diagnostic, outcome_unknown,
};
use crate::provider::own_credential::{self, CREATED, IMPORTED, ORIGIN};
use crate::provider::secret_slots::{self, MAX_SECRETS};
use crate::provider::secret_strength::{secret_rule, secret_strength, weak_secret_diagnostic};

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
                    .non_empty()
                    .path_segment()
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
                Attribute::int64("secret_wo_version")
                    .optional()
                    .requires_replace_once_set()
                    .description(
                        "\
                        Any whole number that you change to rotate the secret: a new value \
                        replaces the secret with one made from the current `secret_wo`. Setting \
                        it for the first time (after an import) only records it.",
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

    fn run_time_defaults(&self, ctx: &Ctx<'_, ProviderData>) -> Vec<(&'static str, Value)> {
        match ctx.data {
            Some(data) => vec![("api_key", Value::string(data.api_key.clone()))],
            None => Vec::new(),
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        let planned = req.planned;
        if req.prior.is_none()
            && let Some(data) = ctx.data
        {
            data.credentials_checked().await?;
        }
        // On create (and replacement) a value is needed: Vonage makes no secret without one.
        // A value not known yet (from an apply-time value or an ephemeral resource) will be
        // there at apply, where `create` checks again.
        let creating = req.prior.is_none();
        if creating
            && req.config.secret_wo.is_none()
            && req.config.secret.is_none()
            && !(req.unknown)("secret_wo")
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
        match (req.prior, ctx.data) {
            // Remember what a replacement revokes: its create half plans with this private state.
            (Some(prior), _) => {
                if let Some(id) = &prior.id {
                    ctx.private.set(REPLACES, id);
                }
            }
            // The account is known once the configuration or its default gives it; a value known
            // only at apply is checked by `create` then.
            (None, Some(data)) => {
                let freed = ctx.private.get::<String>(REPLACES);
                own_credential::refuse_named(data, freed.as_deref(), "Replacing")?;
                if let Some(account) = planned.api_key.clone() {
                    plan_free_slot(ctx, data, &account, freed.as_deref()).await?;
                }
            }
            _ => {}
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
        // A subaccount this run made holds only its first secret: nothing listed, one slot free.
        let (existing, first) = secret_slots::for_create(data, &client, &api_key).await?;
        if existing.len() >= MAX_SECRETS {
            let replacing = ctx.private.get::<String>(REPLACES);
            let held = existing.as_slice();
            return Err(secret_slots::no_free_slot(&api_key, held, replacing.as_deref()).into());
        }
        let pending = PendingCreate::new(
            &api_key,
            None,
            existing.iter().map(|s| s.id.clone()).collect(),
        )
        .newer_than(first.as_ref().map(|f| f.newer_from));
        let before = existing.iter().map(|s| s.id.clone()).collect();
        let secret = Secret::new(value.clone());
        let made = match &first {
            Some(first) => {
                client
                    .create_secret_in_new_account(&api_key, &secret, first)
                    .await
            }
            None => client.create_secret_after(&api_key, &secret, &before).await,
        };
        data.snapshots.secrets_changed(&api_key).await;
        let created = match made {
            Ok(created) => created,
            Err(Error::Validation { .. }) => {
                return Err(weak_secret_diagnostic(attr, "Vonage rejected it").into());
            }
            Err(e) if outcome_unknown(&e) => {
                ctx.private.set(PENDING, &pending);
                let next_run = format!(
                    "\
                    The next run looks for a secret of account {api_key} created after {} that \
                    the account did not have: if there is one, its value was lost with the \
                    answer, so the run revokes it and creates the secret again from the \
                    configured value (the plan shows the tainted record being replaced); if \
                    there is none, it creates the secret; if there are several, it stops and \
                    names them.",
                    pending.sent_at()
                );
                return Err(ApplyFailure {
                    diags: lost_create_diagnostic(
                        &format!("an API secret of account {api_key}"),
                        &e,
                        &next_run,
                    )
                    .into(),
                    partial: Some(Model {
                        id: None,
                        api_key: Some(api_key),
                        created_at: None,
                        secret_wo: None,
                        ..req.planned
                    }),
                });
            }
            Err(e) => {
                return Err(diagnostic(
                    data,
                    &format!("creating a vonage_api_secret for account {api_key}"),
                    &e,
                )
                .into());
            }
        };
        ctx.private.set(ORIGIN, &CREATED);
        last_secret::finish_after_create(ctx, data, &client, &api_key).await;
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
        ctx.private.remove(REPLACES);
        let (Some(api_key), Some(id)) = (state.api_key.clone(), state.id.clone()) else {
            return match ctx.private.get::<PendingCreate>(PENDING) {
                Some(pending) => find_lost_create(ctx, data, &client, state, &pending).await,
                None => Ok(None),
            };
        };
        match data.snapshots.secrets(&client, &api_key).await {
            // Absent from the account's list: revoked outside Terraform, so the next plan
            // recreates it.
            Ok(list) => Ok(list.iter().find(|s| s.id == id).map(|s| {
                data.recovery.note_refreshed_secret(&api_key, &id);
                Model {
                    created_at: Some(s.created_at.clone()),
                    ..state
                }
            })),
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
        ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        // Only `secret_wo_version` being recorded for the first time, or `timeouts`, update in
        // place; every other change replaces the secret. Nothing to send to Vonage, but the
        // prior state may be stale (a saved plan applied later): the secret must still exist.
        ctx.private.remove(REPLACES);
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (api_key, id) = (
            req.prior.api_key.clone().unwrap_or_default(),
            req.prior.id.clone().unwrap_or_default(),
        );
        match client.get_secret(&api_key, &id).await {
            Ok(_) => Ok(Model {
                secret_wo: None,
                ..req.planned
            }),
            Err(Error::NotFound { .. }) => Err(Diagnostic::error(
                "API secret revoked outside Terraform",
                format!(
                    "\
                    API secret {id} of account {api_key} no longer exists, so this plan, made \
                    while it did, cannot be applied. Nothing was changed. Run `terraform plan` \
                    again: it will plan a new secret."
                ),
            )
            .into()),
            Err(e) => Err(diagnostic(
                data,
                &format!("reading API secret {id} of account {api_key}"),
                &e,
            )
            .into()),
        }
    }

    async fn plan_destroy(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        prior: &Model,
    ) -> Result<(), Diagnostics> {
        let (Some(data), Some(api_key), Some(id)) = (ctx.data, &prior.api_key, &prior.id) else {
            return Ok(());
        };
        own_credential::refuse_named(data, Some(id), "Destroying")?;
        if own_credential::is_own_account(data, api_key)
            && ctx.private.get::<String>(ORIGIN).as_deref() != Some(CREATED)
        {
            ctx.warnings
                .warn(own_credential::maybe_own_credential(data, id));
        }
        Ok(())
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let (Some(api_key), Some(id)) = (state.api_key, state.id) else {
            return Ok(());
        };
        // Refused at plan time; checked again before the DELETE (a tainted secret's
        // replacement is planned as a plain create, which cannot tell).
        own_credential::refuse_named(data, Some(&id), "Destroying")?;
        last_secret::revoke(ctx, data, &client, &api_key, &id).await
    }

    async fn import(&self, ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        let (api_key, secret_id) = parse_import_id(id)?;
        ctx.private.set(ORIGIN, &IMPORTED);
        Ok(Model {
            id: Some(secret_id),
            api_key: Some(api_key),
            ..Model::default()
        })
    }
}

/// The private-state key of the secret a replacement revokes before its create.
const REPLACES: &str = "replaces";

/// The plan-time check that a new secret fits in `account`'s two slots, counting what this run
/// revokes first and what it plans to create: a warning when it may not (see below), so that
/// the plan names the secrets in the way. An account the provider's credentials cannot manage
/// is an error on `api_key`.
async fn plan_free_slot(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    account: &str,
    freed: Option<&str>,
) -> Result<(), Diagnostics> {
    let client = data.client_for(&ctx.cancel);
    let existing = match secret_slots::holders(data, &client, account).await {
        Ok(list) => list,
        Err(e @ (Error::NotFound { .. } | Error::Forbidden { .. })) => {
            return Err(Diagnostic::error(
                "The provider cannot manage this account's secrets",
                format!(
                    "\
                    The provider's credentials (account {}) cannot manage the API secrets of \
                    account {account}: {e}. `api_key` must be the provider's own account or one \
                    of its subaccounts; to manage another account, configure a provider alias \
                    with that account's credentials.",
                    data.api_key
                ),
            )
            .at(AttrPath::attr("api_key"))
            .into());
        }
        Err(e) => {
            return Err(diagnostic(
                data,
                &format!("checking for a free API secret slot in account {account}"),
                &e,
            )
            .into());
        }
    };
    let ids: Vec<String> = existing.iter().map(|s| s.id.clone()).collect();
    match data
        .recovery
        .claim_secret_slot(account, &ids, freed, MAX_SECRETS)
    {
        // A replacement that fits only when its old secret goes first can still fail at apply
        // with `create_before_destroy`; Terraform drops warnings from a replacement's create
        // plan, so `create` explains that case when it happens.
        Ok(()) => Ok(()),
        // A secret that Terraform manages and this run refreshed may be on its way out: a
        // tainted object's replacement is planned as a plain create, and Terraform tells the
        // provider nothing of the object it replaces. `create` checks again before its POST.
        Err(staying)
            if staying
                .iter()
                .any(|id| data.recovery.was_refreshed(account, id)) =>
        {
            Ok(())
        }
        // A warning, not an error: Terraform also plans the replacement of a tainted or deposed
        // secret as a plain create, telling the provider nothing of the object it replaces, so
        // an error here would block `terraform taint` and even `terraform destroy` (whose
        // refresh plans the same create). `create` refuses before its POST if no slot is free.
        Err(staying) => {
            let held: Vec<_> = existing
                .iter()
                .filter(|s| staying.contains(&s.id))
                .cloned()
                .collect();
            ctx.warnings.warn(
                Diagnostic::warning(
                    "No free API secret slot",
                    format!(
                        "\
                        Account {account} keeps {} API secrets through this run ({}), and \
                        Vonage allows {MAX_SECRETS}, so the new secret will not fit unless one \
                        of them is revoked first (as when this create replaces a tainted \
                        secret). Otherwise the apply stops before creating it, changing nothing. \
                        {} For a rotation, `terraform apply -replace=ADDRESS` revokes the old \
                        secret first; with `lifecycle {{ create_before_destroy = true }}` it \
                        needs a free slot for the overlap, so remove `create_before_destroy`.",
                        held.len(),
                        secret_slots::describe(&held),
                        secret_slots::ways_out(account, &held),
                    ),
                )
                .at(AttrPath::attr("api_key")),
            );
            Ok(())
        }
    }
}

/// The refresh of a lost create's record: the orphan secret it made (which the replacement of
/// the tainted record revokes), none, or a refusal to guess.
async fn find_lost_create(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    state: Model,
    pending: &PendingCreate,
) -> Result<Option<Model>, Diagnostics> {
    let account = pending.account.clone();
    let secrets = data.snapshots.secrets(client, &account).await.map_err(|e| {
        diagnostic(
            data,
            &format!(
                "looking for the API secret of account {account} that an interrupted create made"
            ),
            &e,
        )
    })?;
    let mut found: Vec<_> = secrets
        .iter()
        .filter(|s| pending.could_have_made(&s.id, &s.created_at))
        .cloned()
        .collect();
    match found.len() {
        0 => Ok(None),
        1 => {
            let orphan = found.remove(0);
            data.recovery.note_orphan_secret(&account, &orphan.id);
            ctx.warnings.warn(Diagnostic::warning(
                format!("Secret {} will be revoked and created again", orphan.id),
                format!(
                    "\
                    An earlier run's create of an API secret for account {account} lost Vonage's \
                    answer, and {} (created {}) is the secret it made. Its value was lost with \
                    the answer, so the replacement Terraform plans for the tainted record revokes \
                    it and creates the secret again from the configured value.",
                    orphan.id, orphan.created_at
                ),
            ));
            Ok(Some(Model {
                id: Some(orphan.id),
                created_at: Some(orphan.created_at),
                ..state
            }))
        }
        _ => {
            let shown: Vec<String> = found
                .iter()
                .map(|s| format!("{} (created {})", s.id, s.created_at))
                .collect();
            Err(Diagnostic::error(
                "Several API secrets may be the lost create's",
                format!(
                    "\
                    An earlier run's create of an API secret for account {account} lost Vonage's \
                    answer, and {} secrets appeared since {}: {}. The provider cannot tell which \
                    one it made, so it changed nothing. Revoke the ones nobody uses (in the \
                    Vonage dashboard), then run Terraform again; or run `terraform state rm \
                    ADDRESS` and import the one to keep with `terraform import ADDRESS \
                    {account}/SECRET_ID`.",
                    found.len(),
                    pending.sent_at(),
                    shown.join(", ")
                ),
            )
            .into())
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
