//! An account's API secret slots (Vonage allows two), as the secret resources that need a free
//! slot see them: the listing, the words that name what holds the slots, and the plan-time check
//! of a create that may be the second half of a replacement ([`check_at_plan`]).
//!
//! Must not: show a secret's value (Vonage never returns one) or change anything.

use std::sync::Arc;

use crate::framework::diagnostics::{Diagnostic, Warnings};
use crate::framework::private::PrivateState;
use crate::vonage::{ApiSecret, Client, Error, FirstSecretOnly};

use super::ProviderData;
use super::api_errors::diagnostic;
use super::snapshots::KnownSecrets;

/// Vonage's limit of secrets per account: the number of slots.
pub const MAX_SECRETS: usize = 2;

/// The account's secrets, fetched now, or a diagnostic saying why they could not be listed.
pub async fn list(data: &ProviderData, api_key: &str) -> Result<Vec<ApiSecret>, Diagnostic> {
    data.client
        .list_secrets(api_key)
        .await
        .map_err(|e| list_failed(data, api_key, &e))
}

/// The account's secrets from this process's snapshot (`ProviderData::snapshots`), shared with
/// every other reader until a write in the account, or a diagnostic.
pub async fn shared(
    data: &ProviderData,
    client: &Client,
    api_key: &str,
) -> Result<Arc<Vec<ApiSecret>>, Diagnostic> {
    data.snapshots
        .secrets(client, api_key)
        .await
        .map_err(|e| list_failed(data, api_key, &e))
}

/// The private-state key of the secret a replacement's destroy half revokes before its create
/// half runs.
const FREED_BY_REPLACEMENT: &str = "freed_by_replacement";

/// Records, in a plan made with the prior state, the secret the destroy half of a replacement
/// would revoke first (`None`: none). Terraform plans a replacement twice, and the second plan,
/// its create half's, has no prior state but gets this plan's private state: so
/// [`check_at_plan`] knows the slot it frees, with or without a refresh.
pub fn note_freed_by_replacement(private: &PrivateState, freed: Option<&str>) {
    match freed {
        Some(id) => private.set(FREED_BY_REPLACEMENT, &id),
        None => private.remove(FREED_BY_REPLACEMENT),
    }
}

/// The plan-time check that a create in `account` finds a free slot, where the create may be a
/// replacement's second half: a slot counts as free when the replacement's destroy frees it
/// ([`note_freed_by_replacement`]), or when a secret in the way is one this process refreshed
/// (a tainted object's, which Terraform replaces with a plain create). Otherwise a full account
/// is a warning, not an error: Terraform plans the replacement of a tainted object with no prior
/// state and no private state, so with `-refresh=false` that case cannot be told from a new
/// object on a full account. The create checks again before its POST, after any destroy.
pub async fn check_at_plan(
    data: &ProviderData,
    private: &PrivateState,
    warnings: &Warnings,
    account: &str,
    resource: &str,
) -> Result<(), Diagnostic> {
    let existing = list(data, account).await?;
    let freed: Option<String> = private.get(FREED_BY_REPLACEMENT);
    let staying = existing
        .iter()
        .filter(|s| Some(&s.id) != freed.as_ref())
        .count();
    let refreshed = existing
        .iter()
        .any(|s| data.recovery.was_refreshed(account, &s.id));
    if staying < MAX_SECRETS || refreshed {
        return Ok(());
    }
    warnings.warn(Diagnostic::warning(
        "Both API secret slots are taken",
        format!(
            "\
            Account {account} has {} API secrets, the most Vonage allows: {}. If this plan \
            replaces a tainted `{resource}` of this account (with `-refresh=false`, Terraform \
            tells the provider nothing of the object it replaces), its destroy revokes a secret \
            first and the apply checks the slots again then. Otherwise the apply stops before \
            creating anything, changing nothing: revoke the secret no application uses, or adopt \
            both as they are with `terraform import {resource}.NAME {account}`.",
            existing.len(),
            describe(&existing)
        ),
    ));
    Ok(())
}

/// The secrets holding `account`'s slots, for counting and naming them: the snapshot, or for a
/// subaccount this process made (and wrote no secret in since), the one secret made with it,
/// unlisted. Its id is not known, so it is named by what it is; the name is never sent.
pub async fn holders(
    data: &ProviderData,
    client: &Client,
    account: &str,
) -> Result<Arc<Vec<ApiSecret>>, Error> {
    Ok(match data.snapshots.known_secrets(client, account).await? {
        KnownSecrets::Listed(list) => list,
        KnownSecrets::FirstOnly(_) => Arc::new(vec![ApiSecret {
            id: "its first secret".into(),
            created_at: "with the subaccount, in this run".into(),
        }]),
    })
}

/// For a create in `account`: the secrets listed there (none for a subaccount this process
/// made and wrote no secret in since) and, for such a subaccount, what tells its one secret
/// apart from a new one (see `vonage::FirstSecretOnly`); or a diagnostic.
pub async fn for_create(
    data: &ProviderData,
    client: &Client,
    account: &str,
) -> Result<(Arc<Vec<ApiSecret>>, Option<FirstSecretOnly>), Diagnostic> {
    match data.snapshots.known_secrets(client, account).await {
        Ok(KnownSecrets::Listed(list)) => Ok((list, None)),
        Ok(KnownSecrets::FirstOnly(first)) => Ok((Arc::new(Vec::new()), Some(first))),
        Err(e) => Err(list_failed(data, account, &e)),
    }
}

/// Why the account's secrets could not be listed.
pub fn list_failed(data: &ProviderData, api_key: &str, e: &Error) -> Diagnostic {
    diagnostic(
        data,
        &format!("listing the API secrets of account {api_key}"),
        e,
    )
}

/// "`ID` (created AT), `ID` (created AT)", oldest first.
pub fn describe(secrets: &[ApiSecret]) -> String {
    let mut sorted: Vec<&ApiSecret> = secrets.iter().collect();
    sorted.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    sorted
        .iter()
        .map(|s| format!("`{}` (created {})", s.id, s.created_at))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_described_oldest_first_with_their_creation_times() {
        let secrets = [
            ApiSecret {
                id: "b".into(),
                created_at: "2026-01-02T00:00:00Z".into(),
            },
            ApiSecret {
                id: "a".into(),
                created_at: "2026-01-01T00:00:00Z".into(),
            },
        ];
        assert_eq!(
            describe(&secrets),
            "`a` (created 2026-01-01T00:00:00Z), `b` (created 2026-01-02T00:00:00Z)"
        );
    }
}
