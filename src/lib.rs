//! terraform-provider-vonage: a Terraform provider for Vonage's Account and Subaccounts APIs,
//! speaking Terraform's plugin protocol 6 natively.
//!
//! Data flows one way (DESIGN.md has the full picture):
//!
//! Terraform → [`plugin`] (go-plugin transport: socket, mTLS, handshake) → [`tfplugin`] (the
//! thin tonic service: protobuf ↔ framework types) → [`framework`] (cty values, schemas, the
//! plan engine, the author traits) → `provider` (configuration, one file, or folder, per
//! resource or data source) → `vonage` (the typed API client) → HTTP.
//!
//! `sandbox` (the local emulator behind the `vonage-sandbox` binary) sits beside the chain and
//! shares only `wire` (the API's request and response bodies) with `vonage`.
//!
//! Beside the chain: `logging` (hclog lines on stderr), `deadline` (the time limit of the
//! operation a task serves, set by `framework` and read by `vonage`'s retries), `user_state`
//! (the per-user folder in which the provider's processes on one machine share state) and
//! `process_liveness` (which process of this machine did something, and whether it still runs).
//!
//! Must not: hold logic; it only names the modules.

pub mod deadline;
pub mod framework;
pub mod logging;
pub mod plugin;
pub mod process_liveness;
pub mod provider;
pub mod sandbox;
pub mod tfplugin;
pub mod user_state;
pub mod vonage;
pub mod wire;
