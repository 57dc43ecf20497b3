//! List resources (`terraform query`, Terraform 1.14+), one file each, named after the managed
//! resource whose existing objects they find:
//!
//! - [`api_secret`] — `list "vonage_api_secret"`, the secrets of one account;
//! - [`subaccount`] — `list "vonage_subaccount"`, the provider's subaccounts;
//! - [`subaccount_number`] — `list "vonage_subaccount_number"`, the numbers its subaccounts hold.
//!
//! Each result is a model of the managed resource as its `read` would fill it, so generated
//! configuration (`-generate-config-out`) imports without planning a change.
//!
//! Must not: change anything; listing only reads.

pub mod api_secret;
pub mod subaccount;
pub mod subaccount_number;
