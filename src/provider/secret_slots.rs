//! An account's API secret slots (Vonage allows two), as the secret resources that need a free
//! slot see them: the listing, and the words that name what holds the slots.
//!
//! Must not: show a secret's value (Vonage never returns one) or change anything.

use std::sync::Arc;

use crate::framework::diagnostics::Diagnostic;
use crate::vonage::{ApiSecret, Client, Error};

use super::ProviderData;
use super::api_errors::diagnostic;

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
