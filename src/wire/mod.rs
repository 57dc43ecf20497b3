//! Request and response bodies of the Vonage Account and Subaccounts APIs, as
//! they travel on the wire (see `docs/vonage-api-notes.md`).
//!
//! Owns: field names, JSON/form shapes and serde attributes, and `money`: the
//! one decimal type (and parser) for the amounts in those bodies, so that the
//! two sides cannot read the same number two ways.
//! Must not: hold logic, validation, defaults beyond serde's (beyond what an
//! amount is, in `money`), or depend on the sandbox or the client. This is the only code the sandbox and the client
//! share, so that a behavioural bug in one is not hidden by the same bug in
//! the other.
//!
//! Bodies that carry secret material deliberately do not derive `Debug`, so
//! they cannot end up in a log line or a panic message by accident.

pub mod account;
pub mod hal;
pub mod money;
pub mod numbers;
pub mod problem;
pub mod secrets;
pub mod subaccounts;
pub mod transfers;
