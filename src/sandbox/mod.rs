//! `vonage-sandbox`: an in-process emulator of Vonage's Account and
//! Subaccounts APIs, faithful to the API's rules as `docs/vonage-api-notes.md`
//! records them; where Vonage is undocumented, the sandbox's own choices are
//! listed in `vonage-sandbox --help`.
//!
//! Owns: [`app`], the whole HTTP surface as one `axum::Router` — testable
//! in-process with `tower::ServiceExt::oneshot` and served on a socket by
//! the `vonage-sandbox` binary (`cli` → `server`).
//!
//! Request path: `paths::normalize` (trailing slash) →
//! `middleware::assign_request_id` → `middleware::admin_only_from_loopback`
//! → `middleware::record_calls` → `middleware::inject_faults` → `routes`
//! (API) or `admin` and `dashboard` (`/_sandbox/…`).
//!
//! Map of the modules:
//! * `routes/` — one file per API route group; `auth` (credentials, access),
//!   `rules` (business rules), `render` (records → wire bodies), `problem`
//!   (every error body), `body` (request decoding), `callback_check`.
//! * `state` (the shared handle and its locking), `world` (the data model),
//!   `clock` (the sandbox's now, which tests can move forward), `timestamps`,
//!   `identifiers`, `persistence` (state file). Amounts are
//!   `crate::wire::money::Eur`, the type the client reads them with.
//! * `dashboard` — the page at `/_sandbox/ui`.
//! * `number_seed` — numbers given by hand (admin API, `--number`).
//! * `admin`, `middleware`, and the plain data it keeps: `faults` (the fault
//!   book), `call_log`, `rate_limit` — test tooling.
//! * `cli`, `server`, `tls` — the binary's startup and sockets.
//!
//! Must not: share code with the client except `crate::wire`.

pub mod admin;
pub mod auth;
pub mod body;
pub mod call_log;
pub mod callback_check;
pub mod cli;
pub mod clock;
pub mod dashboard;
pub mod faults;
pub mod identifiers;
pub mod middleware;
pub mod number_seed;
pub mod paths;
pub mod persistence;
pub mod problem;
pub mod rate_limit;
pub mod render;
mod routes;
pub mod rules;
pub mod server;
pub mod state;
pub mod timestamps;
pub mod tls;
pub mod webhooks;
pub mod world;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

pub use middleware::ConnectionDrop;
pub use state::{SandboxOptions, SandboxState};

/// The sandbox's HTTP surface: API routes, admin routes and middleware.
pub fn app(state: SandboxState) -> Router {
    let inner = routes::router()
        .merge(admin::router())
        .merge(dashboard::router())
        .fallback(routes::not_found)
        .with_state(state.clone());
    Router::new()
        .fallback_service(inner)
        .layer(from_fn_with_state(state.clone(), middleware::inject_faults))
        .layer(from_fn_with_state(state.clone(), middleware::record_calls))
        .layer(from_fn_with_state(
            state,
            middleware::admin_only_from_loopback,
        ))
        .layer(from_fn(middleware::assign_request_id))
        .layer(from_fn(paths::normalize))
}
