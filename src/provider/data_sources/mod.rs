//! Data sources, one file each: schema, model and the read mapping onto the client's calls.
//!
//! - [`balance`] — `vonage_balance`;
//! - [`api_secrets`] — `vonage_api_secrets` (ids and creation times, never values);
//! - [`subaccount`] — `vonage_subaccount` (one, by api key);
//! - [`subaccounts`] — `vonage_subaccounts`;
//! - [`numbers`] — `vonage_numbers` (the numbers one account holds);
//! - [`transfer_history`] — `vonage_balance_transfers` and `vonage_credit_transfers` (one file: the
//!   same history of two kinds of transfer).
//!
//! Must not: change anything remotely; a data source only reads.

pub mod api_secrets;
pub mod balance;
pub mod numbers;
pub mod subaccount;
pub mod subaccounts;
pub mod transfer_history;
