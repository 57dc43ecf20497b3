//! Data sources, one file each: schema, model and the read mapping onto the client's calls.
//!
//! - [`balance`] — `vonage_balance`;
//! - [`api_secrets`] — `vonage_api_secrets` (ids and creation times, never values);
//! - [`subaccounts`] — `vonage_subaccounts`.
//!
//! Must not: change anything remotely; a data source only reads.

pub mod api_secrets;
pub mod balance;
pub mod subaccounts;
