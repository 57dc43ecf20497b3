//! `vonage_api_secret_rotation`: zero-downtime rotation of an account's API secret, inside
//! Vonage's two secret slots.
//!
//! API: `GET/POST /accounts/{api_key}/secrets`, `DELETE .../secrets/{id}` on the API host.
//! The resource owns **both** slots of one account: a "current" secret, which applications
//! should use, and a "previous" one, which stays valid until the next rotation so that
//! applications can move over. It is meant for accounts the provider does not authenticate
//! with (typically subaccounts, managed with the primary's credentials) and refuses the
//! provider's own account at plan time: its rotation would revoke the provider's credential.
//!
//! - Create adopts the account's one existing secret as "previous" and creates "current" from
//!   the write-only `secret_wo`.
//! - A rotation (a new `secret_wo_version`, or `rotate_after` elapsed since `rotated_at`)
//!   revokes "previous", creates the new secret from `secret_wo`, and keeps the old "current"
//!   as the new "previous". It is an in-place update: the plan shows `previous_id` taking the
//!   old `current_id` and a new `current_id` known after apply.
//! - Read follows the account: a secret revoked outside Terraform leaves its slot empty; a
//!   missing "current" plans a rotation.
//! - Destroy revokes "previous" and leaves "current" (an account keeps at least one secret).
//! - Import by the account's key adopts the newer secret as "current".
//! - The provider's own account is refused at create, at import, at every plan and at destroy
//!   (`own_credential`): the rotation would revoke the provider's credential sooner or later.
//!
//! Must not: store or print a secret's value; revoke a secret the plan did not announce.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::framework::cty::{Number, Value};
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::private::PrivateState;
use crate::framework::resource::{
    ApplyFailure, CreateRequest, Ctx, PlanRequest, Resource, Timeouts, UpdateRequest,
    ValidateRequest,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema, timeouts_block};
use crate::framework::timeouts::{DurationError, parse_go_duration};
use crate::vonage::{ApiSecret as RemoteSecret, Error, Secret};

use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::provider::api_key_identity;
use crate::provider::own_credential;
use crate::provider::rotation_schedule;
use crate::provider::secret_slots::{self, MAX_SECRETS};
use crate::provider::secret_strength::{secret_rule, secret_strength, weak_secret_diagnostic};

pub struct ApiSecretRotation;

/// No `Debug`: the model can hold the new secret's value (`secret_wo`, from configuration).
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct Model {
    /// The account's api key again: the `id` every Terraform resource has.
    pub id: Option<String>,
    pub api_key: Option<String>,
    pub secret_wo: Option<String>,
    pub secret_wo_version: Option<Number>,
    pub rotate_after: Option<String>,
    pub current_id: Option<String>,
    pub previous_id: Option<String>,
    pub rotated_at: Option<String>,
    pub timeouts: Option<Timeouts>,
    /// Set by `modify_plan` when it plans a rotation: the attributes apply gives new values.
    #[serde(skip)]
    recomputed: Vec<&'static str>,
}

/// Why the plan rotates, if it does.
#[derive(Debug, PartialEq)]
enum Rotation {
    Version,
    Schedule,
    CurrentMissing,
}

/// Whether a rotation is due, comparing the prior state with the planned one; by time, as the
/// refresh the prior state comes from decided (kept in `private`, see `rotation_schedule`).
fn rotation_due(prior: &Model, planned: &Model, private: &PrivateState) -> Option<Rotation> {
    if prior.current_id.is_none() {
        return Some(Rotation::CurrentMissing);
    }
    // A version set for the first time (after an import) only records it; removing it does
    // nothing. Only a new value rotates.
    if let (Some(before), Some(after)) = (&prior.secret_wo_version, &planned.secret_wo_version)
        && before != after
    {
        return Some(Rotation::Version);
    }
    let (since, after) = (prior.rotated_at.as_deref(), planned.rotate_after.as_deref());
    rotation_schedule::due(private, since, after).then_some(Rotation::Schedule)
}

/// What is wrong with `rotate_after = text`, said as it is: not a duration at all, one Go's
/// durations cannot hold (longer than about 292 years), or one that is not positive.
fn rotate_after_problem(text: &str) -> Option<String> {
    let hint = "Use a number followed by a unit, such as `720h` (30 days) or `90m`.";
    match parse_go_duration(text) {
        Ok(n) if n > 0 => None,
        Ok(_) => Some(format!(
            "`{text}` is not longer than zero: a rotation would be due at every plan. {hint}"
        )),
        Err(DurationError::Overflow) => Some(format!(
            "\
            `{text}` is longer than Terraform's durations can hold (about 2562047h, 292 years). \
            For a rotation that never falls due, leave `rotate_after` unset: \
            `secret_wo_version` alone then rotates."
        )),
        Err(e) => Some(format!(
            "`{text}` cannot be read as a duration: {e}. {hint}"
        )),
    }
}

fn own_account_refused(api_key: &str) -> Diagnostics {
    Diagnostic::error(
        "Cannot rotate the provider's own account",
        format!(
            "\
            `api_key` is {api_key}, the account the provider authenticates with. This resource \
            owns both secret slots of its account and revokes the older secret at every \
            rotation, which would sooner or later revoke the provider's own credential and lock \
            Terraform out. Use it for accounts managed with other credentials, typically a \
            subaccount (`api_key = vonage_subaccount.NAME.api_key`) with the primary's \
            credentials. Rotate the provider's own secret with `vonage_api_secret` instead."
        ),
    )
    .at(AttrPath::attr("api_key"))
    .into()
}

fn no_value(why: &str) -> Diagnostics {
    Diagnostic::error(
        "No value for the new API secret",
        format!(
            "\
            {why} needs a new secret, and Vonage creates one only from a value you choose. Set \
            `secret_wo` (write-only; feed it from an ephemeral source such as \
            `ephemeral.vonage_generated_secret` or your secrets manager)."
        ),
    )
    .at(AttrPath::attr("secret_wo"))
    .into()
}

fn slots_taken(api_key: &str, existing: &[RemoteSecret]) -> Diagnostics {
    Diagnostic::error(
        "Both API secret slots are taken",
        format!(
            "\
            Account {api_key} already has {} API secrets, the most Vonage allows: {}. This \
            resource adopts the account's one existing secret as \"previous\" and creates \
            \"current\" beside it, so it needs a free slot. Nothing was changed. Either revoke \
            the secret no application uses and apply again (if an earlier apply of this \
            resource was interrupted, the newer secret is probably what it left), or adopt both \
            as they are: `terraform import vonage_api_secret_rotation.NAME {api_key}` takes the \
            newer as \"current\" and the older as \"previous\".",
            existing.len(),
            secret_slots::describe(existing)
        ),
    )
    .into()
}

fn value_from(config: &Model) -> Result<Secret, Diagnostics> {
    let value = config
        .secret_wo
        .as_ref()
        .ok_or_else(|| no_value("This change"))?;
    secret_strength(value).map_err(|why| weak_secret_diagnostic("secret_wo", &why))?;
    Ok(Secret::new(value.clone()))
}

/// The newest secret first. Vonage's times have whole seconds; of two secrets created in the
/// same second, the one listed later is taken as the newer (Vonage documents no order; the
/// sandbox lists in creation order).
fn newest_first(mut secrets: Vec<RemoteSecret>) -> Vec<RemoteSecret> {
    secrets.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    secrets.reverse();
    secrets
}

#[async_trait]
impl Resource<ProviderData> for ApiSecretRotation {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_api_secret_rotation"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Zero-downtime rotation of the API secret of an account that the provider does \
                **not** authenticate with, typically a subaccount managed with the primary's \
                credentials. The resource owns both of the account's secret slots: `current_id` \
                is the secret applications should use, `previous_id` the one before it, still \
                valid until the next rotation. A rotation revokes the previous secret, creates \
                the new one from the write-only `secret_wo`, and keeps the old current secret \
                as the new previous one, so applications always hold a valid secret. Vonage \
                never returns a secret's value, and neither does this resource: applications \
                get the new value from the same ephemeral source that feeds `secret_wo`, such \
                as your secrets manager.",
            )
            .attribute(
                Attribute::string("id").computed().stable().description(
                    "The API key of the account whose secrets are rotated, as `api_key`.",
                ),
            )
            .attribute(
                Attribute::string("api_key")
                    .non_empty()
                    .path_segment()
                    .required()
                    .requires_replace()
                    .description(
                        "\
                        The account whose secrets to rotate, such as \
                        `vonage_subaccount.NAME.api_key`. It must not be the provider's own \
                        `api_key`: that is refused at plan time and at import. Changing it \
                        replaces the resource.",
                    ),
            )
            .attribute(
                Attribute::string("secret_wo")
                    .optional()
                    .write_only()
                    .description(&format!(
                        "\
                        The value of the next secret, **write-only** (Terraform 1.11+): sent to \
                        Vonage when the resource is created and at each rotation, never stored \
                        in plan or state. {}. Changing it alone does nothing; a rotation uses \
                        the value it has at that time.",
                        secret_rule()
                    )),
            )
            .attribute(
                Attribute::int64("secret_wo_version")
                    .optional()
                    .description(
                        "\
                Any whole number that you change to rotate: a new value plans a rotation. Setting \
                it for the first time (after an import) or removing it only records that.",
                    ),
            )
            .attribute(Attribute::string("rotate_after").optional().description(
                "\
                Also rotate once this long has passed since `rotated_at`, as a duration such \
                as `720h` (30 days). It is checked when Terraform refreshes the resource: the \
                first plan that refreshes after that time plans the rotation, and a saved plan \
                applies as it was planned, however late. A plan made with `-refresh=false` \
                does not rotate by time, and a changed value counts from the refresh after the \
                apply that records it. Unset, only `secret_wo_version` rotates.",
            ))
            .attribute(
                Attribute::string("current_id")
                    .computed()
                    .stable()
                    .description("The id of the newest secret, the one applications should use."),
            )
            .attribute(
                // Only a rotation moves it, and `modify_plan` plans that; otherwise an update keeps
                // it, null included.
                Attribute::string("previous_id")
                    .computed()
                    .moved_by(&[])
                    .description(
                        "\
                        The id of the secret before it, still valid until the next rotation \
                        revokes it. Null when that slot is empty.",
                    ),
            )
            .attribute(
                Attribute::string("rotated_at")
                    .computed()
                    .stable()
                    .description(
                        "\
                        When the current secret was created (RFC 3339, UTC, as Vonage reports \
                        it): the time `rotate_after` counts from.",
                    ),
            )
            .block(timeouts_block()),
        )
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(api_key_identity::schema(
            "The API key of the account whose secrets are rotated.",
        ))
    }

    fn identity(&self, state: &Model) -> Option<Value> {
        api_key_identity::of(state.api_key.as_deref())
    }

    fn validate(&self, req: ValidateRequest<'_, Model>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let c = req.config;
        if let Some(s) = &c.secret_wo
            && let Err(why) = secret_strength(s)
        {
            diags.push(weak_secret_diagnostic("secret_wo", &why));
        }
        if let Some(why) = c.rotate_after.as_deref().and_then(rotate_after_problem) {
            diags.push(
                Diagnostic::error("Invalid rotate_after", why).at(AttrPath::attr("rotate_after")),
            );
        }
        diags
    }

    fn known_after_apply(&self, planned: &Model) -> Vec<&'static str> {
        planned.recomputed.clone()
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: PlanRequest<'_, Model>,
    ) -> Result<Model, Diagnostics> {
        let mut planned = req.planned;
        if req.prior.is_none()
            && let Some(data) = ctx.data
        {
            data.credentials_checked().await?;
        }
        let api_key = planned
            .api_key
            .clone()
            .filter(|_| !(req.unknown)("api_key"));
        if let (Some(key), Some(data)) = (&api_key, ctx.data)
            && own_credential::is_own_account(data, key)
        {
            return Err(match req.prior {
                None => own_account_refused(key),
                Some(_) => own_credential::rotation_in_state_refused(key).into(),
            });
        }
        // Known at plan time (a new `api_key` replaces the resource), also for state written
        // before the resource had an `id`.
        if api_key.is_some() {
            planned.id = api_key.clone();
        }
        let value_unknown = (req.unknown)("secret_wo");
        let Some(prior) = req.prior else {
            if req.config.secret_wo.is_none() && !value_unknown {
                return Err(no_value("Creating the resource"));
            }
            // The free slot is checked now, counting what a replacement's destroy frees first;
            // a full account that may be a tainted object's replacement warns (see
            // `secret_slots::check_at_plan`). `create` checks again before its POST.
            if let (Some(key), Some(data)) = (&api_key, ctx.data) {
                let type_name = "vonage_api_secret_rotation";
                secret_slots::check_at_plan(data, ctx.private, ctx.warnings, key, type_name)
                    .await?;
            }
            return Ok(planned);
        };
        // Should Terraform replace this object, its destroy revokes the previous secret first.
        secret_slots::note_freed_by_replacement(ctx.private, prior.previous_id.as_deref());
        let Some(why) = rotation_due(prior, &planned, ctx.private) else {
            return Ok(planned);
        };
        if req.config.secret_wo.is_none() && !value_unknown {
            return Err(no_value(match why {
                Rotation::Version => "A new `secret_wo_version`",
                Rotation::Schedule => "A rotation due by `rotate_after`",
                Rotation::CurrentMissing => {
                    "Replacing the current secret, revoked outside Terraform,"
                }
            }));
        }
        planned.recomputed = vec!["current_id", "rotated_at"];
        match &prior.current_id {
            // The current secret becomes the previous one.
            Some(current) => planned.previous_id = Some(current.clone()),
            None => planned.recomputed.push("previous_id"),
        }
        Ok(planned)
    }

    async fn create(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: CreateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        rotation_schedule::forget(ctx.private);
        let data = ctx.configured()?;
        let api_key = req.planned.api_key.clone().unwrap_or_default();
        if api_key == data.api_key {
            return Err(own_account_refused(&api_key).into());
        }
        let value = value_from(&req.config)?;
        let existing = secret_slots::list(data, &api_key).await?;
        if existing.len() >= MAX_SECRETS {
            return Err(slots_taken(&api_key, &existing).into());
        }
        let created = data
            .client
            .create_secret(&api_key, &value)
            .await
            .map_err(|e| create_failed(data, &api_key, e))?;
        Ok(Model {
            id: Some(api_key),
            current_id: Some(created.id),
            previous_id: existing.into_iter().next().map(|s| s.id),
            rotated_at: Some(created.created_at),
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
        let Some(api_key) = state.api_key.clone() else {
            return Ok(None);
        };
        // The one reading of the clock a rotation by time depends on.
        let (since, after) = (state.rotated_at.as_deref(), state.rotate_after.as_deref());
        rotation_schedule::decide_at_refresh(ctx.private, since, after);
        let secrets = match data.client.list_secrets(&api_key).await {
            Ok(s) => newest_first(s),
            // The account is gone (or out of reach): plan to create the resource again.
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => {
                return Err(secret_slots::list_failed(data, &api_key, &e).into());
            }
        };
        if state.current_id.is_none() && state.rotated_at.is_none() {
            // Just imported: adopt the newer secret as current, the older as previous.
            let Some(current) = secrets.first() else {
                return Ok(None);
            };
            for s in secrets.iter().take(MAX_SECRETS) {
                data.recovery.note_refreshed_secret(&api_key, &s.id);
            }
            return Ok(Some(Model {
                id: Some(api_key.clone()),
                current_id: Some(current.id.clone()),
                previous_id: secrets.get(1).map(|s| s.id.clone()),
                rotated_at: Some(current.created_at.clone()),
                ..state
            }));
        }
        let current = state
            .current_id
            .clone()
            .filter(|c| secrets.iter().any(|s| s.id == *c));
        let others: Vec<&RemoteSecret> = secrets
            .iter()
            .filter(|s| Some(&s.id) != current.as_ref())
            .collect();
        // The slot beside current holds the recorded previous secret, or whatever took it.
        let previous = others
            .iter()
            .find(|s| Some(&s.id) == state.previous_id.as_ref())
            .or(others.first())
            .map(|s| s.id.clone());
        for id in current.iter().chain(previous.iter()) {
            data.recovery.note_refreshed_secret(&api_key, id);
        }
        Ok(Some(Model {
            id: Some(api_key),
            current_id: current,
            previous_id: previous,
            ..state
        }))
    }

    async fn update(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        req: UpdateRequest<Model>,
    ) -> Result<Model, ApplyFailure<Model>> {
        rotation_schedule::forget(ctx.private);
        // A rotation was planned exactly when `current_id` is unknown (it reads as `None`).
        if req.planned.current_id.is_some() {
            return Ok(Model {
                secret_wo: None,
                ..req.planned
            });
        }
        rotate(ctx.configured()?, req).await
    }

    async fn plan_destroy(
        &self,
        ctx: &Ctx<'_, ProviderData>,
        prior: &Model,
    ) -> Result<(), Diagnostics> {
        own_credential::refuse_own_rotation(ctx.data, prior.api_key.as_deref())
    }

    async fn delete(&self, ctx: &Ctx<'_, ProviderData>, state: Model) -> Result<(), Diagnostics> {
        let data = ctx.configured()?;
        let (Some(api_key), Some(previous)) = (state.api_key, state.previous_id) else {
            return Ok(());
        };
        // Refused at plan time; checked again before anything is revoked.
        own_credential::refuse_own_rotation(Some(data), Some(&api_key))?;
        let secrets = match data.client.list_secrets(&api_key).await {
            Ok(s) => s,
            Err(Error::NotFound { .. }) => return Ok(()),
            Err(e) => {
                return Err(secret_slots::list_failed(data, &api_key, &e).into());
            }
        };
        let present = |id: &Option<String>| secrets.iter().any(|s| Some(&s.id) == id.as_ref());
        // Only with the current secret still there: it is what applications use, and an account
        // keeps at least one secret.
        if !present(&Some(previous.clone())) || !present(&state.current_id) {
            return Ok(());
        }
        match data.client.revoke_secret(&api_key, &previous).await {
            Ok(()) | Err(Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(diagnostic(
                data,
                &format!("revoking previous API secret {previous} of account {api_key}"),
                &e,
            )
            .into()),
        }
    }

    async fn import(&self, ctx: &Ctx<'_, ProviderData>, id: &str) -> Result<Model, Diagnostics> {
        if let Some(data) = ctx.data
            && own_credential::is_own_account(data, id)
        {
            return Err(own_credential::rotation_import_refused(id).into());
        }
        if id.is_empty() || id.contains('/') {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "\
                    Expected the API key of the account whose secrets to rotate, such as \
                    `bbe6222f`, but got `{id}`."
                ),
            )
            .into());
        }
        Ok(Model {
            id: Some(id.to_owned()),
            api_key: Some(id.to_owned()),
            ..Model::default()
        })
    }
}

fn create_failed(data: &ProviderData, api_key: &str, e: Error) -> Diagnostics {
    match e {
        Error::Validation { .. } => {
            weak_secret_diagnostic("secret_wo", "Vonage rejected it").into()
        }
        e => diagnostic(
            data,
            &format!("creating an API secret for account {api_key}"),
            &e,
        )
        .into(),
    }
}

/// Revoke the previous secret, create the new one, keep the old current one as previous.
async fn rotate(
    data: &ProviderData,
    req: UpdateRequest<Model>,
) -> Result<Model, ApplyFailure<Model>> {
    let prior = req.prior;
    let api_key = prior.api_key.clone().unwrap_or_default();
    own_credential::refuse_own_rotation(Some(data), Some(&api_key))?;
    let value = value_from(&req.config)?;
    let secrets = newest_first(secret_slots::list(data, &api_key).await?);
    let keep = prior
        .current_id
        .clone()
        .filter(|c| secrets.iter().any(|s| s.id == *c));
    if prior.current_id.is_some() && keep.is_none() {
        // The plan promised the current secret as the new previous one; it is gone.
        return Err(Diagnostic::error(
            "The current API secret changed since the plan",
            format!(
                "\
                Secret {} of account {api_key} was revoked after the plan was made, so the \
                planned rotation no longer holds. Nothing was changed. Run `terraform plan` \
                again.",
                prior.current_id.as_deref().unwrap_or_default()
            ),
        )
        .into());
    }
    let others: Vec<&RemoteSecret> = secrets
        .iter()
        .filter(|s| Some(&s.id) != keep.as_ref())
        .collect();
    // What the state is after each step, should a later one fail: the version stays the prior
    // one, so the next plan rotates again.
    let mut so_far = Model {
        secret_wo: None,
        ..prior.clone()
    };
    let previous = match &keep {
        Some(current) => {
            for other in others {
                match data.client.revoke_secret(&api_key, &other.id).await {
                    Ok(()) | Err(Error::NotFound { .. }) => {}
                    Err(e) => {
                        return Err(ApplyFailure {
                            diags: diagnostic(
                                data,
                                &format!(
                                    "revoking previous API secret {} of account {api_key}",
                                    other.id
                                ),
                                &e,
                            )
                            .into(),
                            partial: Some(so_far),
                        });
                    }
                }
                so_far.previous_id = None;
            }
            Some(current.clone())
        }
        // No current secret to keep: the new one goes into the free slot.
        None if others.len() >= MAX_SECRETS => {
            let owned: Vec<RemoteSecret> = others.into_iter().cloned().collect();
            return Err(slots_taken(&api_key, &owned).into());
        }
        None => others.first().map(|s| s.id.clone()),
    };
    match data.client.create_secret(&api_key, &value).await {
        Ok(created) => Ok(Model {
            current_id: Some(created.id),
            previous_id: previous,
            rotated_at: Some(created.created_at),
            secret_wo: None,
            ..req.planned
        }),
        Err(e) => Err(ApplyFailure {
            diags: create_failed(data, &api_key, e),
            partial: Some(so_far),
        }),
    }
}

#[cfg(test)]
mod tests;
