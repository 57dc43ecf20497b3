//! The secret the provider authenticates with, and the rule that Terraform never revokes it
//! where the provider can know.
//!
//! Vonage cannot say which of an account's secrets a caller is using, so the provider knows
//! only what the configuration tells it and what it can prove:
//! - `api_secret_id` in the provider block names the secret: destroying or replacing that
//!   `vonage_api_secret` is refused at plan time (and again before the DELETE);
//! - `vonage_api_secret_rotation` owns both slots of its account, so on the provider's own
//!   account it would sooner or later revoke the provider's secret: refused at import, at every
//!   plan and at destroy;
//! - an imported `vonage_api_secret` of the provider's own account may be the provider's
//!   secret: its destroy warns at plan time.
//!
//! Owns: those checks' words, and the one way out each names: a `removed` block with
//! `destroy = false`, which stops managing an object without revoking anything.
//! Must not: call the API, or name a secret's value.

use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics};

use super::ProviderData;

/// The private-state key that records how a `vonage_api_secret` came to be managed.
pub const ORIGIN: &str = "origin";
/// [`ORIGIN`] of a secret Terraform created.
pub const CREATED: &str = "created";
/// [`ORIGIN`] of a secret Terraform imported.
pub const IMPORTED: &str = "imported";

/// How to stop managing an object without revoking it, as every refusal here says it.
pub const STOP_MANAGING: &str = "\
    stop managing it without revoking anything: replace the resource block with `removed { \
    from = ADDRESS  lifecycle { destroy = false } }` (ADDRESS is this resource's address, shown \
    above) and apply, or run `terraform state rm ADDRESS`";

/// True when `api_key` is the account the provider authenticates with.
pub fn is_own_account(data: &ProviderData, api_key: &str) -> bool {
    data.api_key == api_key
}

/// True when the provider block's `api_secret_id` names secret `id`. Secret ids are unique
/// across accounts, so the id alone decides.
pub fn is_named_credential(data: &ProviderData, id: &str) -> bool {
    data.api_secret_id.as_deref() == Some(id)
}

/// The refusal to destroy or replace the secret `api_secret_id` names. `doing` is what the
/// plan would do ("Destroying", "Replacing").
pub fn named_credential_refused(data: &ProviderData, id: &str, doing: &str) -> Diagnostic {
    Diagnostic::error(
        "This would revoke the provider's own API secret",
        format!(
            "\
            {doing} vonage_api_secret {id} revokes it, and the provider block's `api_secret_id` \
            says it is the secret the provider authenticates with (account {key}): every later \
            request would be refused. Nothing was changed. To keep the secret, {STOP_MANAGING}. \
            To rotate the provider's own secret, do it in steps: create the new secret as \
            another `vonage_api_secret`, switch the provider's `api_secret` (or \
            VONAGE_API_SECRET) and `api_secret_id` to it, then remove this one.",
            key = data.api_key
        ),
    )
}

/// The refusal of destroying or replacing (`doing`) secret `id` when it is the one the
/// provider block's `api_secret_id` names.
pub fn refuse_named(data: &ProviderData, id: Option<&str>, doing: &str) -> Result<(), Diagnostics> {
    match id {
        Some(id) if is_named_credential(data, id) => {
            Err(named_credential_refused(data, id, doing).into())
        }
        _ => Ok(()),
    }
}

/// The warning for the destroy of an imported secret of the provider's own account, which may
/// be the one the provider authenticates with.
pub fn maybe_own_credential(data: &ProviderData, id: &str) -> Diagnostic {
    Diagnostic::warning(
        "This may revoke the provider's own API secret",
        format!(
            "\
            Destroying vonage_api_secret {id} revokes it. It belongs to account {key}, the \
            account the provider authenticates with, and Terraform imported it rather than \
            created it (or its state predates the provider recording which), so it may be the \
            secret the provider itself uses: Vonage cannot say which secret a caller uses. If \
            it is, the requests after the revoke are refused. To keep it, {STOP_MANAGING}. Set \
            the provider's `api_secret_id` to the id of the secret it authenticates with, and \
            destroying that one is refused at plan time.",
            key = data.api_key
        ),
    )
    .at(AttrPath::attr("id"))
}

/// Why `vonage_api_secret_rotation` refuses every plan and the destroy of the provider's own
/// account once it is in the state, naming the way out.
pub fn rotation_in_state_refused(api_key: &str) -> Diagnostic {
    Diagnostic::error(
        "vonage_api_secret_rotation on the provider's own account",
        format!(
            "\
            `api_key` is {api_key}, the account the provider authenticates with. This resource \
            owns both secret slots of its account: every rotation, and its destroy, revokes the \
            older secret, which may be the provider's own credential, and then every later \
            request is refused. So while it is in the state for this account, Terraform refuses \
            to plan it and to destroy it. Nothing was changed. To keep both secrets, \
            {STOP_MANAGING}. Then manage this account's secrets with `vonage_api_secret`, or \
            rotate them with this resource under other credentials that can manage the account \
            (for a subaccount, its primary's)."
        ),
    )
    .at(AttrPath::attr("api_key"))
}

/// `vonage_api_secret_rotation`'s check, in the state, at every plan, at destroy and before
/// revoking anything: refused when `api_key` is the provider's own account.
pub fn refuse_own_rotation(
    data: Option<&ProviderData>,
    api_key: Option<&str>,
) -> Result<(), Diagnostics> {
    match (data, api_key) {
        (Some(data), Some(key)) if is_own_account(data, key) => {
            Err(rotation_in_state_refused(key).into())
        }
        _ => Ok(()),
    }
}

/// Why `vonage_api_secret_rotation` cannot import the provider's own account.
pub fn rotation_import_refused(api_key: &str) -> Diagnostic {
    Diagnostic::error(
        "Cannot import the provider's own account into vonage_api_secret_rotation",
        format!(
            "\
            {api_key} is the account the provider authenticates with. This resource owns both \
            secret slots of its account and revokes the older secret at every rotation and on \
            destroy, which would sooner or later revoke the provider's own credential. Nothing \
            was imported. Import this account's secrets as `vonage_api_secret` instead \
            (`terraform import vonage_api_secret.NAME {api_key}/SECRET_ID`; the \
            `vonage_api_secrets` data source lists their ids), or rotate them with this \
            resource under other credentials that can manage the account (for a subaccount, its \
            primary's)."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vonage::{Client, ClientConfig, Secret};

    fn data(secret_id: Option<&str>) -> ProviderData {
        let client = Client::new(ClientConfig::new("abcd1234", Secret::from("Sup3rSecret1")));
        let mut data = ProviderData::new(client.unwrap(), "abcd1234".into());
        data.api_secret_id = secret_id.map(str::to_owned);
        data
    }

    #[test]
    fn only_the_configured_id_is_the_providers_credential() {
        assert!(!is_named_credential(&data(None), "uuid-1"));
        assert!(is_named_credential(&data(Some("uuid-1")), "uuid-1"));
        assert!(!is_named_credential(&data(Some("uuid-1")), "uuid-2"));
        assert!(is_own_account(&data(None), "abcd1234"));
        assert!(!is_own_account(&data(None), "bbe6222f"));
    }

    /// Plans the destroy of `model`, a `type_name` object, through the engine, with `private`
    /// as its private state: the errors, and the warnings.
    async fn plan_destroy<M: serde::Serialize>(
        data: &ProviderData,
        resource: &dyn crate::framework::engine::DynResource<ProviderData>,
        model: &M,
        private: &[(&str, &str)],
    ) -> (Diagnostics, Diagnostics) {
        use crate::framework::cty::{self, Value};
        use crate::framework::private::PrivateState;
        let state = PrivateState::default();
        for (k, v) in private {
            state.set(k, v);
        }
        let warnings = Default::default();
        let ctx = crate::framework::resource::Ctx {
            data: Some(data),
            cancel: Default::default(),
            private: &state,
            warnings: &warnings,
        };
        let prior = cty::serde::to_value(model, &resource.schema().value_type()).unwrap();
        let planned = resource
            .plan(&ctx, &prior, &Value::Null, &Value::Null)
            .await;
        assert!(planned.planned.is_null(), "a destroy plans null");
        (planned.diags, warnings.take())
    }

    #[tokio::test]
    async fn a_rotation_of_the_providers_own_account_cannot_be_destroyed_or_imported() {
        use crate::provider::resources::api_secret_rotation::{ApiSecretRotation, Model};
        let d = data(None);
        let mut own = Model::default();
        own.api_key = Some("abcd1234".into());
        let (errors, _) = plan_destroy(&d, &ApiSecretRotation, &own, &[]).await;
        let e = errors.iter().next().expect("refused");
        assert!(e.detail.contains("destroy = false"), "{}", e.detail);
        let mut sub = Model::default();
        sub.api_key = Some("bbe6222f".into());
        assert!(
            plan_destroy(&d, &ApiSecretRotation, &sub, &[])
                .await
                .0
                .is_empty()
        );

        let ctx = crate::framework::resource::Ctx {
            data: Some(&d),
            cancel: Default::default(),
            private: &Default::default(),
            warnings: &Default::default(),
        };
        let resource: &dyn crate::framework::engine::DynResource<ProviderData> = &ApiSecretRotation;
        let (_, refused) = resource.import(&ctx, "abcd1234", None).await;
        assert!(refused.has_errors(), "own account imported");
        let (_, fine) = resource.import(&ctx, "bbe6222f", None).await;
        assert!(!fine.has_errors(), "{fine}");
    }

    #[tokio::test]
    async fn destroying_the_providers_secret_is_refused_and_an_imported_one_warns() {
        use crate::provider::resources::api_secret::{ApiSecret, Model};
        let secret = |key: &str, id: &str| Model {
            api_key: Some(key.into()),
            id: Some(id.into()),
            ..Model::default()
        };
        // Named by `api_secret_id`: refused, wherever it was imported or created.
        let named = data(Some("uuid-1"));
        let (errors, _) = plan_destroy(
            &named,
            &ApiSecret,
            &secret("abcd1234", "uuid-1"),
            &[(ORIGIN, CREATED)],
        )
        .await;
        assert_eq!(
            errors.iter().next().map(|e| e.summary.as_str()),
            Some("This would revoke the provider's own API secret")
        );
        // Not named: an imported secret of the provider's account warns, a created one does
        // not, and a subaccount's secret never does.
        let unnamed = data(None);
        let cases = [
            ("abcd1234", Some(IMPORTED), 1),
            ("abcd1234", None, 1),
            ("abcd1234", Some(CREATED), 0),
            ("bbe6222f", Some(IMPORTED), 0),
        ];
        for (key, origin, warned) in cases {
            let private: Vec<(&str, &str)> = origin.map(|o| (ORIGIN, o)).into_iter().collect();
            let (errors, warnings) =
                plan_destroy(&unnamed, &ApiSecret, &secret(key, "uuid-2"), &private).await;
            assert!(errors.is_empty(), "{errors}");
            assert_eq!(warnings.iter().count(), warned, "{key} {origin:?}");
        }
    }

    #[test]
    fn every_refusal_names_the_removed_block() {
        let d = data(Some("uuid-1"));
        for text in [
            named_credential_refused(&d, "uuid-1", "Destroying").detail,
            maybe_own_credential(&d, "uuid-1").detail,
            rotation_in_state_refused("abcd1234").detail,
        ] {
            assert!(
                text.contains("lifecycle { destroy = false }"),
                "no way out in: {text}"
            );
        }
    }
}
