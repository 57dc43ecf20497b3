//! Ephemeral resources (Terraform 1.10+), one file each: values that never reach plan or state.
//!
//! - [`generated_secret`] — `vonage_generated_secret`, a strong random value for `secret_wo`.
//!
//! Must not: return anything Terraform would store; results live only for one run.

pub mod generated_secret;
