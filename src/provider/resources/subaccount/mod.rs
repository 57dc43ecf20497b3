//! `vonage_subaccount`: a subaccount of the provider's (primary) account.
//!
//! API: `POST/GET/PATCH /accounts/{primary}/subaccounts[/{key}]` on the API host. Vonage
//! cannot delete a subaccount, so destroy **suspends** it (and `suspended = false` on a later
//! apply of the same import reactivates it). Switching from its own balance back to the
//! primary's is irreversible on Vonage's side, so the plan refuses it.
//!
//! The initial secret can be given write-only (`secret_wo`); Vonage generates one otherwise.
//! Rotate a subaccount's secrets with `vonage_api_secret` and `api_key = <subaccount key>`.
//!
//! The credit line is declarative: `credit_limit` is the credit allocated to the subaccount, a
//! positive amount (the API shows it negated), and apply moves credit between the primary and
//! the subaccount with credit transfers (`POST /accounts/{primary}/credit-transfers`) until the
//! subaccount's limit matches. Each transfer carries a reference unique to it, so one whose
//! answer is lost is found in the transfer list, never sent twice. The plan refuses what it can
//! know will fail: credit on a shared-balance subaccount, more than the primary has unspent, or
//! returning credit the subaccount has spent. Schema version 1 flipped `credit_limit`'s sign and
//! added `id`; the upgrader turns version-0 state into that.
//!
//! A create never makes a silent duplicate: the plan fails when an active subaccount of the
//! same name exists, naming the `import` block that adopts it, unless `allow_duplicate_name`
//! (see `duplicates`). A plan that suspends a subaccount holding money warns with the amounts,
//! and `return_funds_on_destroy` returns them to the primary before destroy suspends it (see
//! `funds`).
//!
//! Owns: the schema, validation, plan checks, CRUD, import and identity. Beside it, `model`
//! holds the model and its mapping to and from the API (below every other file here),
//! `credit` the credit line, `recovery` the lost-create recovery, `duplicates` the duplicate
//! name check, `funds` the money at suspension, `v0` the version-0 schema and its upgrade, and
//! `tests` the unit tests.
//! Must not: keep or print the secret Vonage generates; destroy must never do more than suspend
//! (and, when opted in, return the subaccount's money first).

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::framework::cty::Value;
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::resource::{
    ApplyFailure, CreateRequest, Ctx, PlanRequest, Resource, UpdateRequest, ValidateRequest,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema, timeouts_block};
use crate::framework::upgrade::StateUpgrader;
use crate::vonage::{Client, CreateSubaccount, Error, ModifySubaccount, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, diagnostic_for_fields};
use crate::provider::api_key_identity;
use crate::provider::lost_creates::{
    ADOPT, PENDING, PendingCreate, lost_create_diagnostic, outcome_unknown,
};
use crate::provider::money::Eur;
use crate::provider::secret_strength::{secret_strength, weak_secret_diagnostic};

mod credit;
mod duplicates;
mod funds;
mod model;
mod recovery;
#[cfg(test)]
mod tests;
mod v0;

use credit::{check_credit_move, validate_credit, with_credit};
use duplicates::REPLACES;
use funds::Suspension;
pub use model::Model;
use model::{SUBACCOUNT_FIELDS, patch_for};
use recovery::{adopt, find_lost_create};
use v0::{ModelV0, schema_v0};

pub struct Subaccount;

const NAME_MAX: usize = 80;

#[async_trait]
impl Resource<ProviderData> for Subaccount {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_subaccount"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            1,
            Block::new(
                "\
                A subaccount of the provider's account (the primary). Vonage allows one level of \
                subaccounts and **cannot delete them: destroy suspends the subaccount**, which \
                keeps its balance and the credit allocated to it unless \
                `return_funds_on_destroy` returns them first. Its API secrets can be managed \
                with `vonage_api_secret` and `api_key = vonage_subaccount.NAME.api_key`. Its \
                credit line is declared with `credit_limit`. A create fails at plan time when \
                an active subaccount of the same name exists (unless `allow_duplicate_name`), \
                naming the `import` block that adopts it.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .stable()
                    .description("The subaccount's API key, as `api_key`."),
            )
            .attribute(
                Attribute::string("api_key")
                    .computed()
                    .stable()
                    .description("The subaccount's API key, chosen by Vonage."),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .description("The subaccount's name, 1 to 80 characters."),
            )
            .attribute(
                Attribute::bool("use_primary_account_balance")
                    .optional()
                    .computed()
                    .default(Value::Bool(true))
                    .description(
                        "\
                        Whether the subaccount spends the primary's balance. Defaults to `true`. \
                        Setting it to `false` gives it its own balance, which Vonage cannot undo: \
                        changing it back is refused at plan time.",
                    ),
            )
            .attribute(
                Attribute::bool("suspended")
                    .optional()
                    .computed()
                    .default(Value::Bool(false))
                    .description(
                        "\
                        Whether the subaccount is suspended. Defaults to `false`. A suspended \
                        subaccount's own credentials are refused.",
                    ),
            )
            .attribute(
                Attribute::string("secret_wo")
                    .optional()
                    .write_only()
                    .description(
                        "\
                        The subaccount's first API secret, **write-only** (Terraform 1.11+): used \
                        only on create, never stored. Vonage generates one when it is left out. \
                        Rotate later secrets with `vonage_api_secret`.",
                    ),
            )
            .attribute(
                Attribute::string("primary_account_api_key")
                    .computed()
                    .stable()
                    .description("The primary account's API key."),
            )
            .attribute(
                Attribute::number("balance")
                    .computed()
                    .moved_by(&["use_primary_account_balance"])
                    .description(
                        "\
                        The subaccount's own balance in EUR; null while it uses the primary's \
                        balance. It moves as the subaccount spends: a plan shows the value last \
                        read, and only a switch to an own balance plans it as unknown.",
                    ),
            )
            .attribute(
                Attribute::number("credit_limit")
                    .optional()
                    .computed()
                    .moved_by(&["use_primary_account_balance"])
                    .description(
                        "\
                        The credit allocated to the subaccount, in EUR, as a **positive** amount \
                        (Vonage's API and the `vonage_subaccount` and `vonage_subaccounts` data \
                        sources show it as zero or negative: `-25` there is `25` here). When set, \
                        apply allocates or returns credit with credit transfers between the \
                        primary and the subaccount until the subaccount's limit matches; each \
                        transfer carries a unique reference (`tf-credit-limit-<uuid>`). It needs \
                        `use_primary_account_balance = false`, and is refused at plan time when \
                        the primary's unspent credit cannot cover an increase or the subaccount \
                        has spent credit a decrease would return. Left out, it shows the current \
                        allocation and is not managed; null while the subaccount uses the \
                        primary's balance. Destroy leaves the credit allocated unless \
                        `return_funds_on_destroy` is set; or set `credit_limit` to `0` and apply \
                        first to return it.",
                    ),
            )
            .attribute(
                Attribute::string("created_at")
                    .computed()
                    .stable()
                    .description("When the subaccount was created (RFC 3339, UTC)."),
            )
            .attribute(
                Attribute::bool("allow_duplicate_name")
                    .optional()
                    .description(
                        "\
                        Set to `true` to create this subaccount even when an active subaccount of \
                        the same name already exists on the account. Unset or `false`, such a \
                        create fails at plan time (or, for a name known only at apply, just \
                        before it is made), naming the existing subaccount and the `import` block \
                        that adopts it: Vonage cannot delete a subaccount, so a duplicate made by \
                        mistake, typically by running an apply again after one was killed, stays \
                        forever. Read only when creating.",
                    ),
            )
            .attribute(
                Attribute::bool("return_funds_on_destroy")
                    .optional()
                    .description(
                        "\
                        Set to `true` to have destroy return the subaccount's own balance and its \
                        unspent credit to the primary account (a balance transfer, then a credit \
                        transfer, each with a unique reference so that a lost answer never moves \
                        the money twice) before it suspends the subaccount. Unset or `false`, \
                        destroy leaves them with the suspended subaccount, and the plan warns \
                        with the amounts. Destroy reads it from the state: set it and apply \
                        before destroying.",
                    ),
            )
            .block(timeouts_block()),
        )
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(api_key_identity::schema("The subaccount's API key."))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        api_key_identity::of(state.api_key.as_deref())
    }

    fn state_upgraders(&self) -> BTreeMap<i64, StateUpgrader<Model>> {
        BTreeMap::from([(
            0,
            StateUpgrader::with_schema(schema_v0(), |req| Ok(req.prior::<ModelV0>()?.upgraded())),
        )])
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(name) = &req.config.name {
            let n = name.chars().count();
            if n == 0 || n > NAME_MAX {
                diags.push(
                    Diagnostic::error(
                        "Invalid subaccount name",
                        format!("`name` must be 1 to {NAME_MAX} characters; it has {n}."),
                    )
                    .at(AttrPath::attr("name")),
                );
            }
        }
        if let Some(s) = &req.config.secret_wo
            && let Err(why) = secret_strength(s)
        {
            diags.push(weak_secret_diagnostic("secret_wo", &why));
        }
        if let Some(credit) = &req.config.credit_limit {
            diags.extend(validate_credit(credit, &req));
        }
        diags
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        if req.prior.is_none()
            && let Some(data) = ctx.data
        {
            data.credentials_checked().await?;
            // A create starts from the subaccount list. An account that may not list them (one
            // Vonage has not provisioned for the Subaccounts API, or a subaccount itself) is
            // refused now, not by an apply after a plan that promised success. The check above
            // listed them already, so this costs no call of its own.
            data.snapshots
                .known_subaccounts(&data.client)
                .await
                .map_err(|e| listing_failed(data, &e))?;
            duplicates::check(ctx, data, &req).await?;
        }
        if let Some(prior) = req.prior {
            // What a `-replace` replaces: its create half plans with this private state.
            if let Some(key) = &prior.api_key {
                ctx.private.set(REPLACES, key);
            }
            if prior.suspended == Some(false) && req.planned.suspended == Some(true) {
                funds::warn(ctx, prior, Suspension::Update);
            }
        }
        if let Some(prior) = req.prior
            && prior.use_primary_account_balance == Some(false)
            && req.planned.use_primary_account_balance == Some(true)
        {
            return Err(Diagnostic::error(
                "A subaccount's own balance cannot be given up",
                format!(
                    "\
                    Subaccount {} has its own balance, and Vonage does not allow switching back \
                    to the primary account's balance. Keep `use_primary_account_balance = false`.",
                    prior.api_key.as_deref().unwrap_or("?")
                ),
            )
            .at(AttrPath::attr("use_primary_account_balance"))
            .into());
        }
        if req.prior.is_none()
            && let (Some(data), Some(name)) = (ctx.data, &req.planned.name)
            && let Some(key) = data.recovery.adoption_for(name)
        {
            ctx.private.set(ADOPT, &key);
            ctx.warnings.warn(Diagnostic::warning(
                format!("Subaccount {key} will be adopted, not created"),
                format!(
                    "\
                    An earlier run's create of subaccount \"{name}\" lost Vonage's answer, and \
                    {key} is the subaccount it made. Terraform shows the replacement of the \
                    tainted record it kept; applying it takes {key} over: nothing is suspended \
                    and no second subaccount is created."
                ),
            ));
        }
        if let Some(desired) = req.config.credit_limit.as_ref().and_then(Eur::from_number) {
            check_credit_move(ctx, &req, desired).await?;
        }
        Ok(req.planned)
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: CreateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let name = req.planned.name.clone().unwrap_or_default();
        if let Some(key) = ctx.private.get::<String>(ADOPT) {
            let adopted = adopt(ctx, data, &client, &key, req.planned.clone()).await?;
            return with_credit(data, &client, adopted, req.planned.credit_limit).await;
        }
        let create = CreateSubaccount {
            name: name.clone(),
            secret: req.config.secret_wo.clone().map(Secret::new),
            use_primary_account_balance: req.planned.use_primary_account_balance,
        };
        let pending = PendingCreate::new(&data.api_key, Some(&name), Vec::new());
        let before = data
            .snapshots
            .known_subaccounts(&client)
            .await
            .map_err(|e| listing_failed(data, &e))?;
        let created = match client.create_subaccount_after(&create, &before).await {
            Ok(made) => {
                let created = made.subaccount;
                data.snapshots
                    .subaccounts_changed(Some(&created.api_key))
                    .await;
                // Its one secret, made with it: a secret created in it next needs no list.
                data.snapshots
                    .made_with_one_secret(&created.api_key, made.first_secret);
                created
            }
            Err(e) if outcome_unknown(&e) => {
                ctx.private.set(PENDING, &pending);
                let next_run = format!(
                    "\
                    The next run looks for a subaccount named \"{name}\" created after {}: if \
                    there is one, it adopts it (the plan shows the tainted record being replaced, \
                    but nothing is suspended or created); if there is none, it creates it; if \
                    there are several, it stops and names them.",
                    pending.sent_at()
                );
                return Err(ApplyFailure {
                    diags: lost_create_diagnostic(&format!("subaccount \"{name}\""), &e, &next_run)
                        .into(),
                    partial: Some(Model {
                        api_key: None,
                        primary_account_api_key: Some(data.api_key.clone()),
                        ..req.planned
                    }),
                });
            }
            Err(e) => {
                return Err(diagnostic_for_fields(
                    data,
                    &format!(
                        "creating vonage_subaccount \"{name}\" under account {}",
                        data.api_key
                    ),
                    &e,
                    SUBACCOUNT_FIELDS,
                )
                .into());
            }
        };
        let key = created.api_key.clone();
        let model = req.planned.clone().with_remote(created);
        // The subaccount exists from here on. If a follow-up step fails, Terraform keeps it
        // tainted and plans its replacement; mark it so the replacement adopts it (see
        // `lost_creates`) rather than suspend it and make another.
        let finished = finish_create(data, &client, model, &req.planned).await;
        if finished.is_err() {
            ctx.private.set(ADOPT, &key);
        }
        finished
    }

    async fn read(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        state: Model,
    ) -> Result<Option<Model>, Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let Some(key) = state.api_key.clone() else {
            return match ctx.private.get::<PendingCreate>(PENDING) {
                Some(pending) => find_lost_create(ctx, data, &client, state, &pending).await,
                None => Ok(None),
            };
        };
        data.recovery.note_refreshed_subaccount(&key);
        if ctx.private.get::<String>(ADOPT).as_deref() == Some(key.as_str())
            && let Some(name) = &state.name
        {
            // Made by a create that failed afterwards: its replacement adopts it.
            data.recovery.note_adoption(name, &key);
        }
        match data.snapshots.subaccount(&client, &key).await {
            Ok(s) => Ok(Some(state.with_remote(s))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(diagnostic(data, &format!("reading vonage_subaccount {key}"), &e).into()),
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let key = req.prior.api_key.clone().unwrap_or_default();
        let patch = patch_for(&req.planned);
        let result = client.modify_subaccount(&key, &patch).await;
        data.snapshots.note_written(&key);
        data.snapshots.subaccounts_changed(None).await;
        let model = match result {
            Ok(s) => req.planned.clone().with_remote(s),
            Err(e) => {
                return Err(ApplyFailure {
                    diags: diagnostic_for_fields(
                        data,
                        &format!("updating vonage_subaccount {key}"),
                        &e,
                        SUBACCOUNT_FIELDS,
                    )
                    .into(),
                    partial: Some(req.prior),
                });
            }
        };
        // Managed only when configured. The allocation to move from is the one Vonage just
        // answered with, so that a saved plan applied after drift still converges.
        with_credit(data, &client, model, req.config.credit_limit).await
    }

    async fn plan_destroy(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        prior: &Model,
    ) -> Result<(), Diagnostics> {
        funds::warn(ctx, prior, Suspension::Destroy);
        Ok(())
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let client = data.client_for(&ctx.cancel);
        let Some(key) = state.api_key else {
            return Ok(());
        };
        if ctx.private.get::<String>(ADOPT).as_deref() == Some(key.as_str()) {
            // The destroy half of a replacement that adopts this very subaccount: leave it,
            // and tell the create half that follows in this process.
            if let Some(name) = &state.name {
                data.recovery.note_adoption(name, &key);
            }
            return Ok(());
        }
        if state.return_funds_on_destroy == Some(true) {
            funds::return_to_primary(ctx, data, &client, &key).await?;
        }
        let patch = ModifySubaccount {
            suspended: Some(true),
            ..ModifySubaccount::default()
        };
        let result = client.modify_subaccount(&key, &patch).await;
        data.snapshots.note_written(&key);
        data.snapshots.subaccounts_changed(None).await;
        match result {
            Ok(_) | Err(Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(diagnostic(
                data,
                &format!(
                    "destroying vonage_subaccount {key} (suspending it: Vonage cannot delete \
                    subaccounts)"
                ),
                &e,
            )
            .into()),
        }
    }

    async fn import(&self, _ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        if id.is_empty() || id.contains('/') {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!("Expected the subaccount's API key, such as `bbe6222f`, but got `{id}`."),
            )
            .into());
        }
        Ok(Model {
            api_key: Some(id.to_owned()),
            ..Model::default()
        })
    }
}

/// What a create does once the subaccount exists: suspend it when planned so, and allocate its
/// credit line.
async fn finish_create(
    data: &ProviderData,
    client: &Client,
    mut model: Model,
    planned: &Model,
) -> Result<Model, ApplyFailure<Model>> {
    if planned.suspended == Some(true) {
        let key = model.api_key.clone().unwrap_or_default();
        let patch = ModifySubaccount {
            suspended: Some(true),
            ..ModifySubaccount::default()
        };
        match client.modify_subaccount(&key, &patch).await {
            Ok(s) => model = model.with_remote(s),
            Err(e) => {
                return Err(ApplyFailure {
                    diags: diagnostic(
                        data,
                        &format!("suspending the new vonage_subaccount {key}"),
                        &e,
                    )
                    .into(),
                    partial: Some(model),
                });
            }
        }
    }
    // Planned only when configured: an unknown (unmanaged) credit line reads as `None`.
    with_credit(data, client, model, planned.credit_limit.clone()).await
}

fn listing_failed(data: &ProviderData, e: &Error) -> Diagnostics {
    diagnostic(
        data,
        &format!("listing the subaccounts of account {}", data.api_key),
        e,
    )
    .into()
}
