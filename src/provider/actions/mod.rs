//! Actions (Terraform 1.14+): operations Terraform invokes rather than objects it keeps.
//!
//! - [`transfer`] — `vonage_balance_transfer` and `vonage_credit_transfer` (one file: the same
//!   transfer of two kinds of money);
//! - [`number_transfer`] — `vonage_number_transfer` (a phone number moved within the family).
//!
//! Must not: keep state; an action's only trace is what it did to the account.

pub mod number_transfer;
pub mod transfer;
