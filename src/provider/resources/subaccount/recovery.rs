//! `vonage_subaccount`'s recovery of a create whose answer was lost (see DESIGN.md and
//! `provider::lost_creates`): the refresh that finds the subaccount it made, and the create half
//! of the replacement that adopts it.
//!
//! Owns: the search by name and time, and the adoption (no POST; the subaccount is made what
//! the plan says).
//! Must not: guess between several candidates, or suspend or create anything.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::resource::{ApplyFailure, Ctx};
use crate::provider::ProviderData;
use crate::provider::api_errors::{diagnostic, diagnostic_for_fields};
use crate::provider::lost_creates::{ADOPT, PENDING, PendingCreate};
use crate::vonage::{Client, Subaccount as ApiSubaccount};

use super::model::{Model, SUBACCOUNT_FIELDS, patch_for};

/// The refresh of a lost create's record: the subaccount it made, none, or a refusal to guess.
pub(super) async fn find_lost_create(
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
pub(super) async fn adopt(
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
