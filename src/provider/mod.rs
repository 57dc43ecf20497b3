//! The Vonage provider: its configuration and its catalogue of resources and data sources.
//!
//! One file per resource, data source, ephemeral resource, action or list resource (or one
//! folder, once it outgrows a file: `resources/subaccount/`), in a folder per kind; each holds
//! its schema (with the descriptions the docs are generated from), its model, and its mapping
//! onto the client's calls:
//! - [`resources`] — `vonage_account_settings`, `vonage_api_secret`,
//!   `vonage_api_secret_rotation`, `vonage_subaccount`, `vonage_subaccount_number`;
//! - [`data_sources`] — `vonage_balance`, `vonage_api_secrets`, `vonage_subaccount`,
//!   `vonage_subaccounts`, `vonage_balance_transfers`, `vonage_credit_transfers`, `vonage_numbers`;
//! - [`ephemeral`] — `vonage_generated_secret` (strong values for `secret_wo`) and
//!   `vonage_api_secret` (a secret that lives for one run);
//! - [`actions`] — `vonage_balance_transfer`, `vonage_credit_transfer`, `vonage_number_transfer`;
//! - [`list_resources`] — `terraform query` for `vonage_api_secret`, `vonage_subaccount` and
//!   `vonage_subaccount_number`.
//!
//! [`config`] reads the provider block and builds the client (the [`ProviderData`] of
//! [`provider_data`] every operation receives); [`api_errors`] turns client
//! errors into diagnostics that say what to do; [`lost_creates`] finds what a create whose
//! answer was lost made, on the next run; [`transfers`] holds the balance and credit moves
//! that resources, actions and data sources share, and [`money`] the bridge from Terraform's
//! numbers to the wire's exact `Eur` they are computed with; [`secret_slots`] describes an
//! account's two secret slots and [`last_secret`] the one Vonage will not revoke;
//! [`own_credential`] keeps Terraform from revoking the secret the provider authenticates with;
//! [`api_key_identity`] is the `{ api_key }` identity of the resources one API key names;
//! [`rotation_schedule`] decides, at refresh, when `rotate_after` makes a rotation due, from
//! [`clock`] (the one reading of the time of day, with a test hook); [`run_secrets`] is this
//! machine's journal of the ephemeral secrets its processes opened; [`numbers`] holds what
//! the number resources share (forms, the process's lists of each account's numbers, where a
//! number is).
//!
//! Must not: speak HTTP (that is `vonage`) or apply plan rules (that is `framework::plan`).

pub mod actions;
pub mod api_errors;
pub mod api_key_identity;
pub mod clock;
pub mod config;
mod config_values;
pub mod data_sources;
pub mod ephemeral;
pub mod last_secret;
pub mod list_resources;
pub mod lost_creates;
pub mod money;
pub mod number_snapshots;
pub mod numbers;
pub mod own_credential;
pub mod provider_data;
pub mod resources;
pub mod rotation_schedule;
pub mod run_secrets;
pub mod secret_slots;
pub mod secret_strength;
pub mod snapshots;
pub mod transfers;

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::action::DynAction;
use crate::framework::cty::Value;
use crate::framework::data_source::DynDataSource;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::engine::DynResource;
use crate::framework::ephemeral::DynEphemeralResource;
use crate::framework::list_resource::DynListResource;
use crate::framework::provider::{ConfigureRequest, Provider};
use crate::framework::schema::Schema;

use data_sources::{api_secrets, balance, subaccounts, transfer_history};
use ephemeral::generated_secret;
use resources::{account_settings, api_secret, api_secret_rotation, subaccount};

pub use provider_data::ProviderData;

pub struct VonageProvider;

#[async_trait]
impl Provider for VonageProvider {
    type Data = ProviderData;

    fn name(&self) -> &'static str {
        "vonage"
    }
    fn schema(&self) -> Schema {
        config::schema()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        config::validate(config)
    }
    async fn configure(
        &self,
        req: ConfigureRequest<'_>,
    ) -> Result<Option<ProviderData>, Diagnostics> {
        // Checks the credentials with one call (the subaccount list the plan of subaccounts
        // reads anyway): refused ones are one error for the provider block.
        config::configure(req).await
    }
    fn resources(&self) -> Vec<Arc<dyn DynResource<ProviderData>>> {
        vec![
            Arc::new(account_settings::AccountSettings),
            Arc::new(api_secret::ApiSecret),
            Arc::new(api_secret_rotation::ApiSecretRotation),
            Arc::new(subaccount::Subaccount),
            Arc::new(resources::subaccount_number::SubaccountNumber),
        ]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<ProviderData>>> {
        vec![
            Arc::new(balance::Balance),
            Arc::new(api_secrets::ApiSecrets),
            Arc::new(data_sources::subaccount::Subaccount),
            Arc::new(subaccounts::Subaccounts),
            Arc::new(transfer_history::Transfers::balance()),
            Arc::new(transfer_history::Transfers::credit()),
            Arc::new(data_sources::numbers::Numbers),
        ]
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<ProviderData>>> {
        vec![
            Arc::new(generated_secret::GeneratedSecret),
            Arc::new(ephemeral::api_secret::EphemeralApiSecret),
        ]
    }
    fn actions(&self) -> Vec<Arc<dyn DynAction<ProviderData>>> {
        vec![
            Arc::new(actions::transfer::Transfer::balance()),
            Arc::new(actions::transfer::Transfer::credit()),
            Arc::new(actions::number_transfer::NumberTransfer),
        ]
    }
    fn list_resources(&self) -> Vec<Arc<dyn DynListResource<ProviderData>>> {
        vec![
            Arc::new(list_resources::api_secret::ApiSecretList),
            Arc::new(list_resources::subaccount::SubaccountList),
            Arc::new(list_resources::subaccount_number::SubaccountNumberList),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Block, Schema};

    fn engine_defaults(block: &Block, at: &str, found: &mut Vec<(String, String, String)>) {
        for a in &block.attributes {
            if let Some(d) = &a.default {
                let shown = match d {
                    Value::Bool(b) => b.to_string(),
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => format!("{other:?}"),
                };
                found.push((format!("{at}.{}", a.name), shown, a.description.clone()));
            }
        }
        for nb in &block.blocks {
            engine_defaults(&nb.block, &format!("{at}.{}", nb.name), found);
        }
    }

    /// A whole-number argument is never described as taking "any number" (the docs said so of
    /// `secret_wo_version`, and 1.5 was refused).
    #[test]
    fn whole_number_arguments_say_so() {
        fn check(block: &Block, at: &str) {
            for a in &block.attributes {
                let text = a.description.to_ascii_lowercase();
                assert!(
                    a.integer.is_none() || !text.contains("any number"),
                    "{at}.{} takes whole numbers only: {}",
                    a.name,
                    a.description
                );
            }
            for nb in &block.blocks {
                check(&nb.block, &format!("{at}.{}", nb.name));
            }
        }
        check(&config::schema().block, "provider");
        for r in VonageProvider.resources() {
            check(&r.schema().block, r.type_name());
        }
        for d in VonageProvider.data_sources() {
            check(&d.schema().block, d.type_name());
        }
        for e in VonageProvider.ephemeral_resources() {
            check(&e.schema().block, e.type_name());
        }
    }

    /// Every argument that names an account by its API key goes into a URL path or a Basic auth
    /// user, so `.` and `..` are refused at validate time wherever one can be set.
    #[test]
    fn every_api_key_argument_is_a_path_segment() {
        let mut schemas: Vec<(String, Schema)> = Vec::new();
        for r in VonageProvider.resources() {
            schemas.push((r.type_name().into(), r.schema()));
        }
        for d in VonageProvider.data_sources() {
            schemas.push((d.type_name().into(), d.schema()));
        }
        for e in VonageProvider.ephemeral_resources() {
            schemas.push((e.type_name().into(), e.schema()));
        }
        for l in VonageProvider.list_resources() {
            schemas.push((l.type_name().into(), l.schema()));
        }
        let mut checked = 0;
        for (type_name, schema) in &schemas {
            for a in &schema.block.attributes {
                if a.name == "api_key" && (a.required || a.optional) {
                    assert!(
                        a.path_segment,
                        "{type_name}.api_key must refuse dot segments"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 8, "only {checked} api_key arguments found");
        let numbers = VonageProvider
            .actions()
            .into_iter()
            .find(|a| a.type_name() == "vonage_number_transfer")
            .expect("the number transfer action");
        for a in &numbers.schema().block.attributes {
            if a.name == "from" || a.name == "to" {
                assert!(
                    a.path_segment,
                    "vonage_number_transfer.{} must refuse dot segments",
                    a.name
                );
            }
        }
    }

    /// Terraform refuses computed or sensitive attributes in an action's schema.
    #[test]
    fn action_schemas_have_only_configurable_attributes() {
        let actions = VonageProvider.actions();
        assert!(!actions.is_empty());
        for a in actions {
            let problems = crate::framework::action::schema_problems(&a.schema());
            assert!(problems.is_empty(), "{}: {problems:?}", a.type_name());
        }
    }

    /// A default the engine plans is stated in the attribute's description, which is what the
    /// docs show: "Defaults to `VALUE`".
    #[test]
    fn every_engine_default_is_documented_with_its_value() {
        let mut found = Vec::new();
        for r in VonageProvider.resources() {
            engine_defaults(&r.schema().block, r.type_name(), &mut found);
        }
        assert!(!found.is_empty());
        for (attribute, value, description) in found {
            assert!(
                description.contains(&format!("Defaults to `{value}`")),
                "{attribute} defaults to {value}, but its description says: {description}"
            );
        }
    }
}
