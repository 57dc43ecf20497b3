//! `vonage_subaccount`'s check that a create makes no silent duplicate. Vonage cannot delete a
//! subaccount, so a second one of the same name made by mistake stays forever; the usual
//! mistake is running an apply again after one was killed (kill -9, a CI job's timeout, the
//! OOM killer) between Vonage making a subaccount and Terraform recording it.
//!
//! A plan that creates fails when an active subaccount of the same name exists on the account,
//! naming it (api key, creation time) and the `import` block that adopts it, unless
//! `allow_duplicate_name = true`. The check runs in `modify_plan`: at plan time, and again where
//! the apply plans the create once more, just before the POST, so a name known only at apply
//! is checked then. It reads the subaccounts as this process listed them
//! (`Snapshots::same_name_active`), so it costs no call of its own.
//!
//! Not duplicates: the subaccount a lost create made, which this run adopts (`recovery`); the
//! one a `-replace` replaces ([`REPLACES`]); and those this process made or changed (the same
//! apply's other creates, a replacement's suspended old half). A same-named subaccount that
//! this run refreshed from the state (another resource's, or a tainted one being replaced:
//! the provider cannot tell which) is a warning at plan time; the apply then refuses it unless
//! the replacement suspended it first.
//!
//! Must not: call the API beyond the process's one list, or create anything.

use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use crate::framework::resource::{Ctx, PlanRequest};
use crate::provider::ProviderData;
use crate::provider::api_errors::diagnostic;
use crate::vonage::Subaccount as ApiSubaccount;

use super::model::Model;

/// The private-state key of the subaccount a replacement replaces: an update's plan writes it,
/// and the create half of a `-replace` plans with it.
pub(super) const REPLACES: &str = "replaces";

/// Refuses a create of a name an active subaccount already has, unless the configuration
/// allows it or this run adopts or replaces that subaccount.
pub(super) async fn check(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    req: &PlanRequest<'_, Model>,
) -> Result<(), Diagnostics> {
    let Some(name) = req.planned.name.as_deref() else {
        return Ok(()); // Not known yet: checked when the apply plans the create again.
    };
    let allowed = req.planned.allow_duplicate_name == Some(true)
        || (req.unknown)("allow_duplicate_name")
        || (req.unknown)("name");
    if allowed || data.recovery.adoption_for(name).is_some() {
        return Ok(());
    }
    let replaced = ctx.private.get::<String>(REPLACES);
    let client = data.client_for(&ctx.cancel);
    let same = data
        .snapshots
        .same_name_active(&client, name)
        .await
        .map_err(|e| {
            diagnostic(
                data,
                &format!("listing the subaccounts of account {}", data.api_key),
                &e,
            )
        })?;
    let (managed, unmanaged): (Vec<ApiSubaccount>, Vec<ApiSubaccount>) = same
        .into_iter()
        .filter(|s| Some(&s.api_key) != replaced.as_ref())
        .partition(|s| data.recovery.was_refreshed_subaccount(&s.api_key));
    if !unmanaged.is_empty() {
        return Err(duplicate(&data.api_key, name, &unmanaged).into());
    }
    for twin in &managed {
        ctx.warnings.warn(managed_twin(name, twin));
    }
    Ok(())
}

/// The `import` block that adopts subaccount `key`.
fn import_block(key: &str) -> String {
    format!("  import {{\n    to = ADDRESS\n    id = \"{key}\"\n  }}")
}

/// The refusal: `found` (oldest first) are active, named `name`, and not Terraform's.
pub(super) fn duplicate(primary: &str, name: &str, found: &[ApiSubaccount]) -> Diagnostic {
    let listed: Vec<String> = found
        .iter()
        .map(|s| format!("{} (created {})", s.api_key, s.created_at))
        .collect();
    let adopt = match found {
        [one] => format!(
            "\
            If it is the one this resource should manage (a run killed mid-apply can leave one \
            made but not recorded), adopt it: add this import block (ADDRESS is this resource's \
            address, shown above) and apply again, or run `terraform import ADDRESS {}`:\n\n{}",
            one.api_key,
            import_block(&one.api_key)
        ),
        several => format!(
            "\
            If one of them is the one this resource should manage (a run killed mid-apply can \
            leave one made but not recorded), adopt it with its import block (ADDRESS is this \
            resource's address, shown above) and apply again:\n\n{}",
            several
                .iter()
                .map(|s| import_block(&s.api_key))
                .collect::<Vec<_>>()
                .join("\n\n")
        ),
    };
    Diagnostic::error(
        format!("An active subaccount named \"{name}\" already exists"),
        format!(
            "\
            Account {primary} already has an active subaccount named \"{name}\": {}. Vonage \
            cannot delete a subaccount, so a second one of that name would stay forever; \
            nothing was created. {adopt}\n\nTo create another subaccount of that name on \
            purpose, set `allow_duplicate_name = true`. If this create replaces that very \
            subaccount: with `create_before_destroy` the new one is made while the old one is \
            still active, so set `allow_duplicate_name = true` too; a tainted one is recognised \
            only by the refresh, so plan without `-refresh=false`.",
            listed.join(", ")
        ),
    )
    .at(AttrPath::attr("name"))
}

/// The plan-time warning for a same-named subaccount that Terraform manages.
fn managed_twin(name: &str, twin: &ApiSubaccount) -> Diagnostic {
    Diagnostic::warning(
        format!("Subaccount {} is also named \"{name}\"", twin.api_key),
        format!(
            "\
            Subaccount {} (created {}), which Terraform manages, has the name this create \
            gives. If this plan replaces it (it is tainted), nothing needs doing: it is \
            suspended before the new one is created (with `create_before_destroy`, set \
            `allow_duplicate_name = true`). Otherwise the apply stops before creating anything, \
            since Vonage cannot delete a second subaccount of that name: give this one another \
            name, or set `allow_duplicate_name = true` to create it on purpose.",
            twin.api_key, twin.created_at
        ),
    )
    .at(AttrPath::attr("name"))
}
