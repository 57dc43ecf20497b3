//! Ephemeral resources (Terraform 1.10+), one file each: values that never reach plan or state.
//!
//! - [`generated_secret`] — `vonage_generated_secret`, a strong random value for `secret_wo`;
//! - [`api_secret`] — `vonage_api_secret`, an API secret created on open and revoked on close.
//!
//! Must not: return anything Terraform would store; results live only for one run.

pub mod api_secret;
pub mod generated_secret;
