//! The integration tests, as one test binary (`cargo test --test it`): the real sandbox over
//! HTTP (in-process through `app()`, and as a process on a socket), the typed client against it,
//! the plugin on its real socket with mTLS, and the fuzz targets' regressions.
//!
//! One binary instead of one per file: each file used to link the whole library on its own.
//! Files are grouped by prefix (`client_*`, `plugin_*`, `sandbox_*`); `common` runs the real
//! binaries and `sandbox_harness` drives `app()` without a socket.
//!
//! Must not: share mutable process-wide state between files (tests of every file run in one
//! process, on parallel threads).

mod common;
mod sandbox_harness;

mod client_account;
mod client_numbers;
mod client_pacing;
mod client_reliability;
mod client_secrets;
mod client_subaccounts;
mod client_time_budget;
mod client_transfers;
mod client_wire;
mod fuzz_regressions;
mod plugin_bad_messages;
mod plugin_parent_watch;
mod plugin_transport;
mod sandbox_account;
mod sandbox_admin;
mod sandbox_admin_access;
mod sandbox_clock;
mod sandbox_dashboard;
mod sandbox_faults;
mod sandbox_http_rules;
mod sandbox_numbers;
mod sandbox_persistence;
mod sandbox_secrets;
mod sandbox_socket;
mod sandbox_strict;
mod sandbox_subaccounts;
mod sandbox_transfers;
