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
//! Must not: keep or print the secret Vonage generates; destroy must never do more than suspend.

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
use crate::vonage::{
    Client, CreateSubaccount, Error, ModifySubaccount, Secret, Subaccount as ApiSubaccount,
};

use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, diagnostic_for_fields};
use crate::provider::lost_creates::{
    ADOPT, PENDING, PendingCreate, lost_create_diagnostic, outcome_unknown,
};
use crate::provider::secret_strength::{secret_strength, weak_secret_diagnostic};

pub struct Subaccount;

/// No `Debug`: the model can hold the initial secret's value.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct Model {
    pub api_key: Option<String>,
    pub name: Option<String>,
    pub use_primary_account_balance: Option<bool>,
    pub suspended: Option<bool>,
    pub secret_wo: Option<String>,
    pub primary_account_api_key: Option<String>,
    pub balance: Option<Number>,
    pub credit_limit: Option<Number>,
    pub created_at: Option<String>,
    pub timeouts: Option<Timeouts>,
}

impl Model {
    fn with_remote(self, s: ApiSubaccount) -> Model {
        Model {
            api_key: Some(s.api_key),
            name: Some(s.name),
            use_primary_account_balance: Some(s.use_primary_account_balance),
            suspended: Some(s.suspended),
            secret_wo: None,
            primary_account_api_key: Some(s.primary_account_api_key),
            balance: s.balance.as_ref().map(Number::from),
            credit_limit: s.credit_limit.as_ref().map(Number::from),
            created_at: Some(s.created_at),
            timeouts: self.timeouts,
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
            0,
            Block::new(
                "\
                A subaccount of the provider's account (the primary). Vonage allows one level of \
                subaccounts and **cannot delete them: destroy suspends the subaccount**. Its API \
                secrets can be managed with `vonage_api_secret` and `api_key = \
                vonage_subaccount.NAME.api_key`.",
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
            .attribute(Attribute::number("balance").computed().description(
                "The subaccount's own balance in EUR; null while it uses the primary's balance.",
            ))
            .attribute(Attribute::number("credit_limit").computed().description(
                "\
                The credit allocated to the subaccount in EUR (zero or negative); null while it \
                uses the primary's balance.",
            ))
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
        diags
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
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
            return adopt(ctx, data, &client, &key, req.planned).await;
        }
        let create = CreateSubaccount {
            name: name.clone(),
            secret: req.config.secret_wo.clone().map(Secret::new),
            use_primary_account_balance: req.planned.use_primary_account_balance,
        };
        let pending = PendingCreate::new(&data.api_key, Some(&name), Vec::new());
        let created = match client.create_subaccount(&create).await {
            Ok((created, _generated_secret)) => created,
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
        let mut model = req.planned.clone().with_remote(created);
        if req.planned.suspended == Some(true) {
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
        Ok(model)
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
        match client.get_subaccount(&key).await {
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
        match client.modify_subaccount(&key, &patch).await {
            Ok(s) => Ok(req.planned.with_remote(s)),
            Err(e) => Err(ApplyFailure {
                diags: diagnostic_for_fields(
                    data,
                    &format!("updating vonage_subaccount {key}"),
                    &e,
                    SUBACCOUNT_FIELDS,
                )
                .into(),
                partial: Some(req.prior),
            }),
        }
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
        match client.modify_subaccount(&key, &patch).await {
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

/// The refresh of a lost create's record: the subaccount it made, none, or a refusal to guess.
async fn find_lost_create(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    state: Model,
    pending: &PendingCreate,
) -> Result<Option<Model>, Diagnostics> {
    let name = pending.name.clone().unwrap_or_default();
    let list = client.list_subaccounts().await.map_err(|e| {
        diagnostic(
            data,
            &format!("looking for the subaccount \"{name}\" that an interrupted create made"),
            &e,
        )
    })?;
    let mut found: Vec<ApiSubaccount> = list
        .subaccounts
        .into_iter()
        .filter(|s| s.name == name && pending.could_have_made(&s.api_key, &s.created_at))
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
}
