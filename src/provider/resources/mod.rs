//! Managed resources, one file each: schema (with the docs' descriptions), model, plan-time
//! checks and the CRUD mapping onto the client's calls.
//!
//! - [`account_settings`] — `vonage_account_settings` (SMS callback URLs);
//! - [`api_secret`] — `vonage_api_secret` (secrets, write-only, rotation within two slots);
//! - [`api_secret_rotation`] — `vonage_api_secret_rotation` (zero-downtime rotation owning both
//!   slots of an account the provider does not authenticate with);
//! - [`subaccount`] — `vonage_subaccount`;
//! - [`subaccount_number`] — `vonage_subaccount_number` (a phone number assigned to a subaccount).
//!
//! Must not: speak HTTP (that is `vonage`) or apply plan rules (that is `framework::plan`).

pub mod account_settings;
pub mod api_secret;
pub mod api_secret_rotation;
pub mod subaccount;
pub mod subaccount_number;
