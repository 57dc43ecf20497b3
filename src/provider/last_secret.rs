//! An account's last API secret, which Vonage refuses to revoke (403 `#delete-last-secret`).
//!
//! Whether a secret is the last is decided by that answer, never by a count made before the
//! DELETE: parallel destroys race (two secrets, two destroys, each counting the other).
//!
//! A destroy that meets the refusal leaves the secret in place with a warning and succeeds, so
//! Terraform stops managing it, as `vonage_api_secret_rotation`'s destroy leaves its current
//! secret. When the same run then creates another secret in that account (the create half of a
//! replacement, such as a rotation of a subaccount's only secret), that create revokes the
//! secret left behind once the new one exists, which finishes the destroy. Never in the
//! provider's own account: there the last secret is the provider's own credential.
//!
//! Owns: the revoke with that rule ([`revoke`]) and the finish after a create
//! ([`finish_after_create`]); the secrets left behind are kept in
//! `ProviderData::kept_last_secrets`, one provider process being one apply.
//! Must not: revoke a secret that no destroy of this run was asked to revoke.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::resource::Ctx;
use crate::vonage::{Client, Error};

use super::ProviderData;
use super::api_errors::diagnostic;
use super::own_credential::is_own_account;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Revokes secret `id` of account `api_key` for a destroy. An account's last secret is left in
/// place, with a warning, and the destroy succeeds.
pub async fn revoke(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    api_key: &str,
    id: &str,
) -> Result<(), Diagnostics> {
    let revoked = client.revoke_secret(api_key, id).await;
    data.snapshots.secrets_changed(api_key).await;
    match revoked {
        Ok(()) | Err(Error::NotFound { .. }) => {
            lock(&data.revoked).push(format!("{api_key}/{id}"));
            Ok(())
        }
        Err(Error::LastSecret { .. }) => {
            let own = is_own_account(data, api_key);
            if !own {
                lock(&data.kept_last_secrets).push(format!("{api_key}/{id}"));
            }
            ctx.warnings.warn(left_in_place(api_key, id, own));
            Ok(())
        }
        Err(e) => Err(diagnostic(
            data,
            &format!("destroying vonage_api_secret {id} (revoking it) of account {api_key}"),
            &e,
        )
        .into()),
    }
}

/// The warning of a destroy that left the account's last secret in place.
fn left_in_place(api_key: &str, id: &str, own: bool) -> Diagnostic {
    let summary = format!("API secret {id} left in place: it is the last of account {api_key}");
    let detail = if own {
        format!(
            "\
            Vonage refuses to revoke an account's last API secret, so secret {id} was not \
            revoked, and Terraform no longer manages it. Account {api_key} is the one the \
            provider authenticates with, so this secret is the provider's own credential: it \
            stays valid. If this run made another secret for the account, switch the \
            provider's `api_secret` to that one before revoking this one in the Vonage \
            dashboard; or import it again to manage it."
        )
    } else {
        format!(
            "\
            Vonage refuses to revoke an account's last API secret, so secret {id} was not \
            revoked, and Terraform no longer manages it. If this run creates another secret \
            for account {api_key} (the new half of a replacement), that create revokes this one \
            as soon as the new secret exists. Otherwise it stays valid: revoke it in the Vonage \
            dashboard once the account has another secret, or import it again to manage it."
        )
    };
    Diagnostic::warning(summary, detail)
}

/// After a secret was created in `api_key`: revoke the secrets of that account that this run's
/// destroys left in place as the last, now that they no longer are. A revoke that fails is a
/// warning: the new secret exists and is recorded either way.
pub async fn finish_after_create(
    ctx: &Ctx<'_, ProviderData>,
    data: &ProviderData,
    client: &Client,
    api_key: &str,
) {
    let prefix = format!("{api_key}/");
    let kept: Vec<String> = {
        let mut book = lock(&data.kept_last_secrets);
        let (mine, others) = book.drain(..).partition(|k| k.starts_with(&prefix));
        *book = others;
        mine
    };
    for key_and_id in kept {
        let id = &key_and_id[prefix.len()..];
        let revoked = client.revoke_secret(api_key, id).await;
        data.snapshots.secrets_changed(api_key).await;
        match revoked {
            Ok(()) | Err(Error::NotFound { .. }) => lock(&data.revoked).push(key_and_id.clone()),
            Err(e) => ctx.warnings.warn(Diagnostic::warning(
                format!("API secret {id} is still valid"),
                format!(
                    "\
                    An earlier destroy in this run left secret {id}, then the last of account \
                    {api_key}, in place, and revoking it now that the account has another secret \
                    failed: {e}. Revoke it in the Vonage dashboard."
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_own_last_secret_is_called_its_credential() {
        let own = left_in_place("abcd1234", "uuid-1", true);
        assert!(
            own.detail.contains("provider's own credential"),
            "{}",
            own.detail
        );
        let sub = left_in_place("bbe6222f", "uuid-2", false);
        assert!(
            sub.detail.contains("that create revokes this one"),
            "{}",
            sub.detail
        );
        assert!(!sub.detail.contains("own credential"), "{}", sub.detail);
    }
}
