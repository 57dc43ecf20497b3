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

/// The newest of `secrets`: of two created in the same second, the one listed later.
pub fn newest(secrets: &[ApiSecret]) -> Option<&ApiSecret> {
    // `max_by` returns the last of equal elements.
    secrets
        .iter()
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
}

/// The part of a no-free-slot diagnostic that says what may hold the slot and the ways out:
/// the newest secret may be one an interrupted run left (Terraform killed after Vonage made
/// it and before the state recorded it), revoked in the dashboard or adopted by import and a
/// bump of `secret_wo_version` (an imported secret's value is unknown to Terraform).
pub fn ways_out(account: &str, held: &[ApiSecret]) -> String {
    let Some(newest) = newest(held) else {
        return String::new();
    };
    let id = &newest.id;
    format!(
        "\
        The newest, `{id}` (created {}), may be one an interrupted run left: a `terraform apply` \
        stopped the hard way (kill -9, a CI job's timeout, the OOM killer) after Vonage made the \
        secret and before Terraform recorded it. Ways out:\n- if no application uses it, revoke \
        it in the Vonage dashboard, then apply again;\n- or adopt it: import it into this \
        resource (`terraform import ADDRESS {account}/{id}`, or an `import` block with `id = \
        \"{account}/{id}\"`), apply, then bump `secret_wo_version` and apply again: Terraform \
        cannot know an imported secret's value, so the bump replaces it with a secret made from \
        `secret_wo`.",
        newest.created_at
    )
}

/// The apply-time refusal of a new secret in `account`, whose `held` secrets fill both slots.
/// `replacing` is the secret this create replaces, when it is one: still there, it means a
/// rotation with `create_before_destroy`.
pub fn no_free_slot(account: &str, held: &[ApiSecret], replacing: Option<&str>) -> Diagnostic {
    let overlap = replacing.is_some_and(|old| held.iter().any(|s| s.id == old));
    let why = if overlap {
        "\
        This create replaces one of them, which is still there: with `lifecycle { \
        create_before_destroy = true }` the new secret must fit beside the old one, and the \
        other slot is taken (usually by the secret the provider authenticates with). Remove \
        `create_before_destroy` so that Terraform revokes the old secret first and then creates \
        the new one; the account keeps its other secret throughout."
            .to_string()
    } else {
        ways_out(account, held)
    };
    Diagnostic::error(
        "No free API secret slot",
        format!(
            "\
            Account {account} already has {} API secrets, the most Vonage allows: {}. A new \
            one cannot be created, and nothing was changed. {why}",
            held.len(),
            describe(held)
        ),
    )
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

    fn secret(id: &str, created_at: &str) -> ApiSecret {
        ApiSecret {
            id: id.into(),
            created_at: created_at.into(),
        }
    }

    #[test]
    fn no_free_slot_names_the_newest_secret_and_both_ways_out() {
        let held = [
            secret("own", "2026-01-01T00:00:00Z"),
            secret("left", "2026-03-01T10:00:00Z"),
        ];
        let d = no_free_slot("bbe6222f", &held, None);
        assert!(
            d.detail
                .contains("The newest, `left` (created 2026-03-01T10:00:00Z)"),
            "{}",
            d.detail
        );
        for words in [
            "interrupted run",
            "kill -9",
            "revoke it in the Vonage dashboard",
            "terraform import ADDRESS bbe6222f/left",
            "bump `secret_wo_version`",
        ] {
            assert!(d.detail.contains(words), "{words}: {}", d.detail);
        }
        assert!(!d.detail.contains("create_before_destroy"), "{}", d.detail);
        // A replacement whose old secret is still there: the overlap of create_before_destroy.
        let d = no_free_slot("bbe6222f", &held, Some("left"));
        assert!(
            d.detail.contains("Remove `create_before_destroy`"),
            "{}",
            d.detail
        );
        // Of two made in the same second, the one listed later is the newer.
        let same = [
            secret("a", "2026-01-01T00:00:00Z"),
            secret("b", "2026-01-01T00:00:00Z"),
        ];
        assert_eq!(newest(&same).unwrap().id, "b");
    }
}
