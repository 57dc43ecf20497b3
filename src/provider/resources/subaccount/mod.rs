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
//! Must not: keep or print the secret Vonage generates; destroy must never do more than suspend
//! (it leaves allocated credit where it is).

use std::collections::BTreeMap;

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
use crate::framework::upgrade::StateUpgrader;
use crate::vonage::{
    Client, CreateSubaccount, Error, ModifySubaccount, Secret, Subaccount as ApiSubaccount,
    TransferRequest,
};

use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, diagnostic_for_fields};
use crate::provider::lost_creates::{
    ADOPT, PENDING, PendingCreate, lost_create_diagnostic, outcome_unknown,
};
use crate::provider::money::Eur;
use crate::provider::secret_strength::{secret_strength, weak_secret_diagnostic};
use crate::provider::transfers::{TransferKind, not_enough, unique_reference};

pub struct Subaccount;

/// No `Debug`: the model can hold the initial secret's value.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct Model {
    /// The api key again: the `id` every Terraform resource has.
    pub id: Option<String>,
    pub api_key: Option<String>,
    pub name: Option<String>,
    pub use_primary_account_balance: Option<bool>,
    pub suspended: Option<bool>,
    pub secret_wo: Option<String>,
    pub primary_account_api_key: Option<String>,
    pub balance: Option<Number>,
    /// The credit allocated, zero or positive: the API's `credit_limit` negated.
    pub credit_limit: Option<Number>,
    pub created_at: Option<String>,
    pub timeouts: Option<Timeouts>,
}

impl Model {
    pub(crate) fn with_remote(self, s: ApiSubaccount) -> Model {
        Model {
            id: Some(s.api_key.clone()),
            api_key: Some(s.api_key),
            name: Some(s.name),
            use_primary_account_balance: Some(s.use_primary_account_balance),
            suspended: Some(s.suspended),
            secret_wo: None,
            primary_account_api_key: Some(s.primary_account_api_key),
            balance: s.balance.as_ref().map(Number::from),
            credit_limit: s.credit_limit.as_ref().map(allocated),
            created_at: Some(s.created_at),
            timeouts: self.timeouts,
        }
    }

    /// The credit allocated, as an amount (zero when there is none, or it is not known).
    fn allocated_credit(&self) -> Eur {
        (self.credit_limit.as_ref())
            .and_then(Eur::from_number)
            .unwrap_or(Eur::ZERO)
    }
}

/// The API's `credit_limit` (zero or negative) as this resource shows it: the credit allocated.
fn allocated(api_credit_limit: &serde_json::Number) -> Number {
    match Eur::from_json(api_credit_limit) {
        Some(amount) => amount.negated().to_number(),
        // Finer than any amount Vonage shows: negate the text itself.
        None => {
            let text = api_credit_limit.to_string();
            let negated = match text.strip_prefix('-') {
                Some(rest) => rest.to_owned(),
                None => format!("-{text}"),
            };
            negated
                .parse()
                .unwrap_or_else(|_| Number::from(api_credit_limit))
        }
    }
}

const NAME_MAX: usize = 80;

/// The API's names for the fields this resource sends, and the attributes they come from.
const SUBACCOUNT_FIELDS: &[(&str, &str)] = &[
    ("name", "name"),
    ("secret", "secret_wo"),
    ("use_primary_account_balance", "use_primary_account_balance"),
    ("suspended", "suspended"),
];

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
                subaccounts and **cannot delete them: destroy suspends the subaccount** (and \
                leaves any credit allocated to it where it is). Its API secrets can be managed \
                with `vonage_api_secret` and `api_key = vonage_subaccount.NAME.api_key`. Its \
                credit line is declared with `credit_limit`.",
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
                        primary's balance. Destroy leaves the credit allocated: set it to `0` and \
                        apply first to return it.",
                    ),
            )
            .attribute(
                Attribute::string("created_at")
                    .computed()
                    .stable()
                    .description("When the subaccount was created (RFC 3339, UTC)."),
            )
            .block(timeouts_block()),
        )
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::required_strings(&[(
            "api_key",
            "The subaccount's API key.",
        )]))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        Some(object([("api_key", Value::string(state.api_key.clone()?))]))
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
            Ok((created, _generated_secret)) => {
                data.snapshots
                    .subaccounts_changed(Some(&created.api_key))
                    .await;
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
        let patch = ModifySubaccount {
            suspended: Some(true),
            ..ModifySubaccount::default()
        };
        let result = client.modify_subaccount(&key, &patch).await;
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

/// The refresh of a lost create's record: the subaccount it made, none, or a refusal to guess.
async fn find_lost_create(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    state: Model,
    pending: &PendingCreate,
) -> Result<Option<Model>, Diagnostics> {
    let name = pending.name.clone().unwrap_or_default();
    let list = data.snapshots.subaccounts(client).await.map_err(|e| {
        diagnostic(
            data,
            &format!("looking for the subaccount \"{name}\" that an interrupted create made"),
            &e,
        )
    })?;
    let mut found: Vec<ApiSubaccount> = list
        .subaccounts
        .iter()
        .filter(|s| s.name == name && pending.could_have_made(&s.api_key, &s.created_at))
        .cloned()
        .collect();
    match found.len() {
        0 => Ok(None),
        1 => {
            let sub = found.remove(0);
            data.recovery.note_adoption(&name, &sub.api_key);
            ctx.private.set(ADOPT, &sub.api_key);
            Ok(Some(state.with_remote(sub)))
        }
        _ => {
            let keys: Vec<&str> = found.iter().map(|s| s.api_key.as_str()).collect();
            let imports: Vec<String> = keys
                .iter()
                .map(|k| format!("`terraform import ADDRESS {k}`"))
                .collect();
            Err(Diagnostic::error(
                format!("Several subaccounts named \"{name}\" may be the lost create's"),
                format!(
                    "\
                    An earlier run's create of subaccount \"{name}\" lost Vonage's answer, and \
                    {} subaccounts of that name were created since {}: {}. The provider cannot \
                    tell which one it made, so it created nothing. Choose the one to manage: \
                    run `terraform state rm ADDRESS` (ADDRESS is this resource's address, shown \
                    above) and then one of {}. Suspend the others, or import them into resources \
                    of their own.",
                    keys.len(),
                    pending.sent_at(),
                    keys.join(", "),
                    imports.join(" or ")
                ),
            )
            .into())
        }
    }
}

/// The create half of a replacement that adopts `key` (see `lost_creates`): no POST; the
/// subaccount is made what the plan says.
async fn adopt(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    key: &str,
    planned: Model,
) -> Result<Model, ApplyFailure<Model>> {
    let doing = format!("adopting vonage_subaccount {key}");
    let found = client
        .get_subaccount(key)
        .await
        .map_err(|e| diagnostic(data, &doing, &e))?;
    let model = planned.clone().with_remote(found);
    let converged = if model.name == planned.name && model.suspended == planned.suspended {
        model
    } else {
        let patch = patch_for(&planned);
        let changed = client
            .modify_subaccount(key, &patch)
            .await
            .map_err(|e| diagnostic_for_fields(data, &doing, &e, SUBACCOUNT_FIELDS))?;
        planned.with_remote(changed)
    };
    ctx.private.remove(ADOPT);
    ctx.private.remove(PENDING);
    Ok(converged)
}

/// The PATCH that makes the subaccount what the plan says: every value the resource manages,
/// not only those that differ from the prior state. A saved plan can be applied after the
/// subaccount changed out of band; sending the whole planned state converges it (or Vonage
/// refuses with a reason) instead of leaving a value Terraform did not plan.
fn patch_for(planned: &Model) -> ModifySubaccount {
    ModifySubaccount {
        name: planned.name.clone(),
        suspended: planned.suspended,
        use_primary_account_balance: planned.use_primary_account_balance,
    }
}

/// Plan-time checks of `credit_limit` that need no API.
fn validate_credit(credit: &Number, req: &ValidateRequest<'_, Model>) -> Diagnostics {
    let at = || AttrPath::attr("credit_limit");
    let mut diags = Diagnostics::new();
    match Eur::from_number(credit) {
        Some(amount) if amount.is_negative() => diags.push(
            Diagnostic::error(
                "Invalid credit limit",
                "\
                `credit_limit` is the credit allocated to the subaccount, zero or a positive \
                amount in EUR (Vonage's API shows it negated). Write `25` for 25 EUR of credit.",
            )
            .at(at()),
        ),
        Some(_) => {}
        None => diags.push(
            Diagnostic::error(
                "Invalid credit limit",
                "`credit_limit` must be an amount in EUR with at most 8 decimal places.",
            )
            .at(at()),
        ),
    }
    let shared = match req.config.use_primary_account_balance {
        Some(shared) => shared,
        None => !(req.unknown)("use_primary_account_balance"),
    };
    if shared {
        diags.push(credit_needs_own_balance());
    }
    diags
}

fn credit_needs_own_balance() -> Diagnostic {
    Diagnostic::error(
        "A credit line needs an own balance",
        "\
        A subaccount that uses the primary account's balance has no credit line of its own \
        (Vonage reports it as null). Set `use_primary_account_balance = false` to give it one, \
        or leave `credit_limit` out.",
    )
    .at(AttrPath::attr("credit_limit"))
}

/// Plan-time checks of a credit change that need the API (or the refreshed state): the
/// primary can cover an increase, and the subaccount can return a decrease.
async fn check_credit_move(
    ctx: &Ctx<'_, ProviderData>,
    req: &PlanRequest<'_, Model>,
    desired: Eur,
) -> Result<(), Diagnostics> {
    let at = || AttrPath::attr("credit_limit");
    if req.planned.use_primary_account_balance == Some(true) {
        return Err(credit_needs_own_balance().into());
    }
    let prior = req.prior;
    let current = prior.map(Model::allocated_credit).unwrap_or(Eur::ZERO);
    let change = desired.minus(current);
    if change.is_positive()
        && let Some(data) = ctx.data
    {
        let client = data.client_for(&ctx.cancel);
        let family = data.snapshots.subaccounts(&client).await.map_err(|e| {
            diagnostic(
                data,
                &format!("checking the unspent credit of account {}", data.api_key),
                &e,
            )
        })?;
        let primary = &family.primary;
        let available = match (
            Eur::from_json(&primary.balance),
            Eur::from_json(&primary.credit_limit),
        ) {
            (Some(balance), Some(limit)) => TransferKind::Credit.available(balance, limit),
            _ => return Ok(()),
        };
        if change > available {
            let remedy = format!(
                "\
                Raising `credit_limit` from {current} to {desired} allocates {change} EUR of the \
                primary's credit line: set it to at most {}, or return credit from other \
                subaccounts first.",
                current.plus(available)
            );
            return Err(not_enough(
                TransferKind::Credit,
                &primary.api_key,
                change,
                available,
                &remedy,
                at(),
            )
            .into());
        }
    }
    if change.is_negative()
        && let Some(prior) = prior
        && let Some(balance) = prior.balance.as_ref().and_then(Eur::from_number)
    {
        let returnable = TransferKind::Credit.available(balance, current.negated());
        if change.abs() > returnable {
            let remedy = format!(
                "\
                The subaccount has spent part of its credit line, and lowering `credit_limit` \
                from {current} to {desired} would return {} EUR: set it to at least {}, or fund \
                the subaccount's balance first (a balance transfer to it).",
                change.abs(),
                current.minus(returnable)
            );
            return Err(not_enough(
                TransferKind::Credit,
                prior.api_key.as_deref().unwrap_or("?"),
                change.abs(),
                returnable,
                &remedy,
                at(),
            )
            .into());
        }
    }
    Ok(())
}

/// The last step of a create or an update: make the subaccount's allocation `desired` (when the
/// configuration declares one) from the allocation `model` holds, as Vonage last answered.
async fn with_credit(
    data: &ProviderData,
    client: &Client,
    mut model: Model,
    desired: Option<Number>,
) -> Result<Model, ApplyFailure<Model>> {
    let Some(desired) = desired else {
        return Ok(model);
    };
    let key = model.api_key.clone().unwrap_or_default();
    let current = model.allocated_credit();
    if let Err(d) = settle_credit(data, client, &key, current, &desired).await {
        return Err(ApplyFailure {
            diags: d.into(),
            partial: Some(model),
        });
    }
    model.credit_limit = Some(desired);
    Ok(model)
}

/// Move credit between the primary and subaccount `key` until the subaccount's allocation,
/// `current` now, is `desired`: one credit transfer with a unique reference, or none.
async fn settle_credit(
    data: &ProviderData,
    client: &Client,
    key: &str,
    current: Eur,
    desired: &Number,
) -> Result<(), Diagnostic> {
    let Some(desired) = Eur::from_number(desired) else {
        return Ok(());
    };
    let change = desired.minus(current);
    if change == Eur::ZERO {
        return Ok(());
    }
    let primary = data.api_key.as_str();
    let (from, to, doing) = if change.is_positive() {
        (
            primary,
            key,
            format!("allocating {change} EUR of credit to vonage_subaccount {key}"),
        )
    } else {
        let amount = change.abs();
        (
            key,
            primary,
            format!("returning {amount} EUR of credit from vonage_subaccount {key}"),
        )
    };
    let request = TransferRequest {
        from: from.to_owned(),
        to: to.to_owned(),
        amount: change.abs().to_json(),
        reference: Some(unique_reference("credit-limit")),
        reference_is_unique: true,
    };
    let sent = TransferKind::Credit.send(client, &request).await;
    data.snapshots.subaccounts_changed(None).await;
    sent.map(|_| ())
        .map_err(|e| diagnostic(data, &doing, &e).at(AttrPath::attr("credit_limit")))
}

fn listing_failed(data: &ProviderData, e: &Error) -> Diagnostics {
    diagnostic(
        data,
        &format!("listing the subaccounts of account {}", data.api_key),
        e,
    )
    .into()
}

/// Version 0 of the schema (before `id`, with the API's negative `credit_limit`), kept to read
/// state that version wrote.
fn schema_v0() -> Schema {
    Schema::new(
        0,
        Block::new("")
            .attribute(Attribute::string("api_key").computed())
            .attribute(Attribute::string("name").required())
            .attribute(
                Attribute::bool("use_primary_account_balance")
                    .optional()
                    .computed(),
            )
            .attribute(Attribute::bool("suspended").optional().computed())
            .attribute(Attribute::string("secret_wo").optional().write_only())
            .attribute(Attribute::string("primary_account_api_key").computed())
            .attribute(Attribute::number("balance").computed())
            .attribute(Attribute::number("credit_limit").computed())
            .attribute(Attribute::string("created_at").computed())
            .block(timeouts_block()),
    )
}

/// State as version 0 stored it.
#[derive(Deserialize)]
struct ModelV0 {
    api_key: Option<String>,
    name: Option<String>,
    use_primary_account_balance: Option<bool>,
    suspended: Option<bool>,
    primary_account_api_key: Option<String>,
    balance: Option<Number>,
    /// Zero or negative, as the API shows it.
    credit_limit: Option<Number>,
    created_at: Option<String>,
    timeouts: Option<Timeouts>,
}

impl ModelV0 {
    /// Version 1: `id` is the api key, `credit_limit` the credit allocated (sign flipped).
    fn upgraded(self) -> Model {
        let credit_limit = self
            .credit_limit
            .map(|n| allocated(&serde_json::Number::from(&n)));
        Model {
            id: self.api_key.clone(),
            api_key: self.api_key,
            name: self.name,
            use_primary_account_balance: self.use_primary_account_balance,
            suspended: self.suspended,
            secret_wo: None,
            primary_account_api_key: self.primary_account_api_key,
            balance: self.balance,
            credit_limit,
            created_at: self.created_at,
            timeouts: self.timeouts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_util::sync::CancellationToken;

    fn model(name: &str, suspended: bool, shared: bool) -> Model {
        Model {
            api_key: Some("bbe6222f".into()),
            name: Some(name.into()),
            use_primary_account_balance: Some(shared),
            suspended: Some(suspended),
            ..Model::default()
        }
    }

    fn validate(config: &Model) -> Vec<(String, String)> {
        let unknown = |_: &str| false;
        Subaccount
            .validate(ValidateRequest {
                config,
                unknown: &unknown,
            })
            .iter()
            .map(|d| (d.summary.clone(), d.path.as_ref().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn the_patch_carries_every_planned_value_not_only_the_changed_ones() {
        let planned = model("renamed", false, true);
        assert_eq!(
            patch_for(&planned),
            ModifySubaccount {
                name: Some("renamed".into()),
                suspended: Some(false),
                use_primary_account_balance: Some(true),
            }
        );
        let own = model("own", true, false);
        let patch = patch_for(&own);
        assert_eq!(
            (patch.suspended, patch.use_primary_account_balance),
            (Some(true), Some(false))
        );
    }

    #[test]
    fn names_must_be_1_to_80_characters_and_secrets_strong() {
        assert!(validate(&model("ok", false, true)).is_empty());
        assert!(validate(&model(&"é".repeat(NAME_MAX), false, true)).is_empty());
        for bad in [String::new(), "x".repeat(NAME_MAX + 1)] {
            assert_eq!(
                validate(&model(&bad, false, true)),
                [("Invalid subaccount name".to_string(), "name".to_string())]
            );
        }
        let weak = Model {
            secret_wo: Some("weakling".into()),
            ..model("ok", false, true)
        };
        assert_eq!(
            validate(&weak),
            [(
                "API secret too weak for Vonage".to_string(),
                "secret_wo".to_string()
            )]
        );
    }

    #[tokio::test]
    async fn switching_back_to_the_primarys_balance_is_refused_at_plan_time() {
        let private = crate::framework::private::PrivateState::default();
        let ctx = Ctx {
            data: None,
            cancel: CancellationToken::new(),
            private: &private,
            warnings: &Default::default(),
        };
        let unknown = |_: &str| false;
        let prior = model("own", false, false);
        let back = model("own", false, true);
        let refused = Subaccount
            .modify_plan(
                &ctx,
                PlanRequest {
                    prior: Some(&prior),
                    planned: back.clone(),
                    config: &back,
                    unknown: &unknown,
                },
            )
            .await
            .err()
            .expect("refused");
        let d = refused.iter().next().unwrap();
        assert_eq!(d.path, Some(AttrPath::attr("use_primary_account_balance")));
        assert!(d.detail.contains("bbe6222f"), "{}", d.detail);
        // The other way (shared to own) is a normal update.
        let shared = model("s", false, true);
        let own = model("s", false, false);
        assert!(
            Subaccount
                .modify_plan(
                    &ctx,
                    PlanRequest {
                        prior: Some(&shared),
                        planned: own.clone(),
                        config: &own,
                        unknown: &unknown,
                    },
                )
                .await
                .is_ok()
        );
    }

    fn n(text: &str) -> Number {
        text.parse().unwrap()
    }

    /// State exactly as version 0 wrote it (the shape `terraform show -json` shows), with a
    /// credit line of 25 EUR (the API's -25).
    const V0_STATE: &str = r#"{
        "api_key": "bbe6222f", "name": "payments", "use_primary_account_balance": false,
        "suspended": false, "secret_wo": null, "primary_account_api_key": "abcd1234",
        "balance": 1.5, "credit_limit": -25.0, "created_at": "2024-08-28T14:11:32.000Z",
        "timeouts": null
    }"#;

    #[test]
    fn version_0_state_gains_an_id_and_a_positive_credit_limit() {
        use crate::framework::resource::DynResource;
        use crate::framework::upgrade::RawState;
        let upgrade = |json: &str| {
            DynResource::upgrade_state(
                &Subaccount,
                0,
                RawState {
                    json: json.as_bytes(),
                    flatmap: false,
                },
            )
            .unwrap()
        };
        let v = upgrade(V0_STATE);
        assert_eq!(v.attr("id"), &Value::string("bbe6222f"));
        assert_eq!(v.attr("api_key"), &Value::string("bbe6222f"));
        assert_eq!(v.attr("credit_limit"), &Value::Number(n("25")));
        assert_eq!(v.attr("balance"), &Value::Number(n("1.5")));
        assert_eq!(v.attr("name"), &Value::string("payments"));
        // A shared-balance subaccount has no credit line, before and after.
        let shared = V0_STATE
            .replace("\"credit_limit\": -25.0", "\"credit_limit\": null")
            .replace("\"balance\": 1.5", "\"balance\": null");
        assert_eq!(upgrade(&shared).attr("credit_limit"), &Value::Null);
        // An allocation of zero stays zero (not -0).
        let zero = V0_STATE.replace("-25.0", "0.0");
        assert_eq!(upgrade(&zero).attr("credit_limit"), &Value::Number(n("0")));
        // Version 1 state is read as it is: the sign is not flipped twice.
        let v1 = DynResource::upgrade_state(
            &Subaccount,
            1,
            RawState {
                json: br#"{"id": "bbe6222f", "api_key": "bbe6222f", "name": "p", "credit_limit": 25}"#,
                flatmap: false,
            },
        )
        .unwrap();
        assert_eq!(v1.attr("credit_limit"), &Value::Number(n("25")));
    }

    #[test]
    fn a_credit_line_is_a_positive_amount_on_an_own_balance() {
        let own = |credit: &str| Model {
            credit_limit: Some(n(credit)),
            ..model("ok", false, false)
        };
        assert!(validate(&own("25")).is_empty());
        assert!(validate(&own("0")).is_empty());
        assert!(validate(&own("0.00000001")).is_empty());
        let invalid = [(
            "Invalid credit limit".to_string(),
            "credit_limit".to_string(),
        )];
        assert_eq!(validate(&own("-25")), invalid);
        assert_eq!(validate(&own("0.000000001")), invalid);
        let needs_own = [(
            "A credit line needs an own balance".to_string(),
            "credit_limit".to_string(),
        )];
        let shared = Model {
            credit_limit: Some(n("10")),
            ..model("ok", false, true)
        };
        assert_eq!(validate(&shared), needs_own);
        // Left out, use_primary_account_balance defaults to true: refused too.
        let defaulted = Model {
            use_primary_account_balance: None,
            ..shared.clone()
        };
        assert_eq!(validate(&defaulted), needs_own);
        // Not known yet: the plan checks it once it is.
        let unknown = |name: &str| name == "use_primary_account_balance";
        let later = Subaccount.validate(ValidateRequest {
            config: &defaulted,
            unknown: &unknown,
        });
        assert!(later.is_empty());
    }

    #[tokio::test]
    async fn returning_credit_the_subaccount_has_spent_is_refused_at_plan_time() {
        let private = crate::framework::private::PrivateState::default();
        let ctx = Ctx {
            data: None,
            cancel: CancellationToken::new(),
            private: &private,
            warnings: &Default::default(),
        };
        let unknown = |_: &str| false;
        // 30 EUR allocated, 12 of it spent (balance -12): 18 can go back.
        let prior = Model {
            balance: Some(n("-12")),
            credit_limit: Some(n("30")),
            ..model("own", false, false)
        };
        let plan = |credit: &str| {
            let planned = Model {
                credit_limit: Some(n(credit)),
                ..prior.clone()
            };
            let prior = &prior;
            let unknown = &unknown;
            let ctx = &ctx;
            async move {
                Subaccount
                    .modify_plan(
                        ctx,
                        PlanRequest {
                            prior: Some(prior),
                            planned: planned.clone(),
                            config: &planned,
                            unknown,
                        },
                    )
                    .await
                    .err()
            }
        };
        assert!(plan("12").await.is_none(), "returning 18 is fine");
        let refused = plan("11.99").await.expect("18.01 is more than is left");
        let d = refused.iter().next().unwrap();
        assert_eq!(d.path, Some(AttrPath::attr("credit_limit")));
        assert!(
            d.detail.contains("18 EUR") && d.detail.contains("18.01"),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("set it to at least 12"), "{}", d.detail);
        // Without the provider configured an increase cannot be checked, and is left to apply.
        assert!(plan("500").await.is_none());
        // A planned shared balance has no credit line.
        let shared = Model {
            use_primary_account_balance: Some(true),
            credit_limit: Some(n("5")),
            ..model("s", false, true)
        };
        let refused = Subaccount
            .modify_plan(
                &ctx,
                PlanRequest {
                    prior: None,
                    planned: shared.clone(),
                    config: &shared,
                    unknown: &unknown,
                },
            )
            .await
            .err()
            .expect("refused");
        assert_eq!(
            refused.iter().next().unwrap().summary,
            "A credit line needs an own balance"
        );
    }
}
