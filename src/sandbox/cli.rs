//! The `vonage-sandbox` command line: parse arguments, build the state (load
//! or create the state file), bind, optionally set up TLS, print the one
//! ready line on stdout, serve.
//!
//! Owns: the argument contract and the startup sequence.
//! Must not: print anything but the ready line on stdout (logs and errors go
//! to stderr), or print a secret.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use super::number_seed;
use super::persistence::StateFile;
use super::rules;
use super::state::{
    DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_PRIMARY_NAME, DEFAULT_RATE_LIMIT, SandboxOptions,
    SandboxState,
};
use super::world::SeedAccount;
use super::{app, server, tls};
use crate::wire::money::Eur;

const AFTER_HELP: &str = "\
Serves both Vonage hosts on one port: rest-host paths (/account/...) and
api-host paths (/accounts/...). When ready it prints exactly one line to
stdout:  vonage-sandbox listening on http://HOST:PORT  (https with --tls).

Seeded primary account (and the state after POST /_sandbox/reset):
  api key abcd1234, secret SandboxSecret1 (override with --api-key/--api-secret),
  balance 100 EUR, prepaid unless --credit-limit is given, provisioned for the
  Subaccounts API unless --strict is given without --provision-subaccounts.
  It holds the numbers given with --number (none by default; the admin API
  adds more). With --state, an existing file wins over all of these.

Vonage's rules on in every mode (the flag in brackets relaxes each; the
dashboard's header says which rules the running sandbox applies, and
docs/sandbox.md lists every rule with its source):
  * 30 requests per second per API key (a bucket of 30 refilled at 30/s);
    beyond it 429 with Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining
    and X-RateLimit-Reset (Unix ms). The admin API is not limited.
    [--rate-limit 0; --rate-limit N for another limit]
  * Transfer lists are newest first.                  [--transfers-oldest-first]
  * Top-up needs auto-reload on and the trx of the payment that switched it on
    (POST /_sandbox/accounts/{key}/auto-reload-charges makes one); it adds
    that payment's amount.                            [--any-top-up-trx]
  * Every response carries a fresh X-Request-Id (also in the call log).
  * A body that is not JSON, or not a JSON object, gets one answer on every
    route: 400, type .../api-errors#invalid-json, title \"Malformed JSON\".

Vonage's rules that need --strict (off without it). --strict rehearses
production; use it before applying a configuration to Vonage. It turns on:
  * callback URLs checked with a GET that must answer 200 within 2 s, no
    redirects (also alone: --check-callbacks). Point callbacks at the
    sandbox's own /_sandbox/webhooks/... to pass the check on loopback
    (with --tls the check trusts the sandbox's own certificate);
  * request bodies must come in the Content-Type the route takes (JSON
    routes: application/json or +json; rest host: form or JSON); an empty
    body needs none. A rest-host form labelled JSON (the Python SDK's, after
    any JSON call) is read as the form it is, in every mode;
  * the Subaccounts API (subaccounts, transfers, transfer-number) answers 403
    .../api-errors#unprovisioned until the primary is provisioned
    (--provision-subaccounts, or PATCH /_sandbox/accounts/{key}).

Admin API under /_sandbox/: a development tool with no auth. It answers
loopback clients only (403 otherwise) unless --admin-from-anywhere:
  GET    /_sandbox/ui                      the dashboard: accounts, transfers, calls,
                                           faults, webhooks; live, works without JS
  GET    /_sandbox/health                  {\"status\":\"ok\"}
  POST   /_sandbox/reset                   back to the seeded state; clears faults,
                                           calls, webhooks, rate windows; the clock
                                           back to the machine's
  GET    /_sandbox/state                   accounts, subaccounts, secrets (values
                                           redacted), settings, balances, transfers,
                                           numbers, auto-reload charges
  GET    /_sandbox/calls                   call log, oldest first: method, path, query
                                           (credentials removed), status (null if
                                           nothing was answered), fault, abandoned and
                                           handler_status (the client hung up first;
                                           what the handler answered, if it ran),
                                           request_id, time, duration_ms and
                                           duration_us; \"internal\": true marks the
                                           sandbox's own requests (callback checks),
                                           which are not client calls
  DELETE /_sandbox/calls                   clear the call log
  GET    /_sandbox/faults                  installed faults, and the --fault-seed
  POST   /_sandbox/faults                  add a fault:
         {\"route\": \"[METHOD ]/path/with/*/segments[$]\" (prefix match; absent = all),
          \"kind\": \"status\"|\"latency\"|\"drop\"|\"truncate\",
          \"status\": 429|500|503|..., \"retry_after\": SECS,
          \"latency_ms\": N, \"count\": N, \"ratio\": 0.0-1.0 (both: drawn, N times at
          most; neither: until cleared), \"for_ms\": N (active for N ms from now,
          then gone: an outage of a set length),
          \"after_handler\": true (apply the real change, then fail/delay the response),
          \"keep_bytes\": N (truncate: body bytes sent; default half)}
         status: answer it with a problem body (429: Retry-After, default 1);
         latency: wait, then proceed (after_handler: the change is saved first,
         so stopping the sandbox during the wait keeps it); drop: close the
         connection without answering; truncate: run the handler, declare the
         whole Content-Length, send keep_bytes of the body, close.
         Ratio draws are reproducible with --fault-seed: the same seed and the
         same sequence of requests give the same faults; clearing the faults
         (DELETE, reset) restarts the draws from the seed.
  DELETE /_sandbox/faults                  clear all faults
  GET    /_sandbox/clock                   the sandbox's time: {\"now\" (as the API writes
                                           times), \"now_ms\", \"offset_ms\", \"frozen\"}. It
                                           stamps every created_at (subaccounts, secrets,
                                           transfers, admin-made accounts and payments)
                                           and runs the rate windows; the call log and
                                           webhook deliveries keep the machine's clock
  POST   /_sandbox/clock                   {\"advance_ms\": N}: move it N ms forward (N >= 0:
                                           it never moves back, so what was made stays in
                                           order; a 429's Retry-After * 1000 refills the
                                           bucket); {\"frozen\": true|false}: stop it (only
                                           advances move it) or let it run again. Answers
                                           the new reading. Not kept in the state file: a
                                           restart starts no earlier than its newest time
  PATCH  /_sandbox/accounts/{key}          {\"balance\", \"credit_limit\" (<= 0), \"auto_reload\",
                                           \"top_up_amount\", \"suspended\",
                                           \"subaccounts_provisioned\" (primaries)}
  POST   /_sandbox/accounts/{key}/auto-reload-charges
                                           {\"amount\": 25}: the payment that switches
                                           auto-reload on; credits the balance, answers
                                           its trx
  POST   /_sandbox/accounts/{key}/numbers  {\"number\":\"447700900000\",\"country\":\"GB\"}, and
                                           optionally \"type\", \"features\", \"app_id\",
                                           \"mo_http_url\", \"voice_callback_type\" with
                                           \"voice_callback_value\",
                                           \"voice_status_callback\",
                                           \"messages_callback_value\": the account
                                           now holds that number
  POST   /_sandbox/primary-accounts        {\"api_key\",\"api_secret\",\"name\",\"balance\",
                                           \"credit_limit\",\"subaccounts_provisioned\"
                                           (default: true unless --strict)};
                                           \"name\": null makes a primary without a
                                           name (listed as null, as Vonage shows one)
  ANY    /_sandbox/webhooks/{path}         webhook receiver: answers 200, records it
  GET    /_sandbox/webhooks                deliveries received (DELETE clears them)

Vonage's limit on subaccounts per primary is unpublished, so it is off unless
--max-subaccounts N sets one (403 .../subaccounts#provisioning past it).

Sandbox choices where Vonage is undocumented: a suspended account's own
credentials get 403 (its primary can still manage it); a subaccount calling
the Subaccounts API gets 403 unprovisioned; settings answer
http-forward-method once set; a refused callback URL is a 400 problem
(.../account/settings#validation) with invalid_parameters naming the field as
sent; top-up without trx, or with a trx that names no auto-reload payment of
the account, is a 400 problem (.../account/top-up#validation); a body in the
wrong Content-Type under --strict is a 415 problem (#unsupported-media-type);
the rate limit is a token bucket; a weak secret on subaccount create is one
more 422 .../subaccounts#validation field error; balance and credit transfers
to and from a suspended subaccount are allowed (number transfers are refused:
\"banned\", as Vonage documents); GET /account/numbers takes a subaccount's key
with its primary's secret (its numbers, also while suspended), lists numbers
in the order the account came to hold them, answers a page past the last with
its count and no numbers, and refuses a parameter outside the spec's schema
with a legacy 400.";

/// vonage-sandbox: a local emulator of Vonage's Account and Subaccounts APIs.
#[derive(Parser, Debug)]
#[command(name = "vonage-sandbox", version, after_help = AFTER_HELP)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// State file: every change is written (atomically, fsynced) before it is
    /// acknowledged, and reloaded at start. Holds secrets; created 0600.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// API key of the seeded primary account.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_API_KEY, requires = "api_secret")]
    pub api_key: String,

    /// API secret of the seeded primary account (8-25 chars, lower, upper, digit).
    #[arg(
        long,
        value_name = "SECRET",
        default_value = DEFAULT_API_SECRET,
        hide_default_value = false
    )]
    pub api_secret: String,

    /// Starting balance of the primary account, in EUR.
    #[arg(long, value_name = "EUR", default_value = "100")]
    pub balance: String,

    /// Credit line of the primary (a positive amount; shown as a negative
    /// credit_limit). Without it the primary is prepaid.
    #[arg(long, value_name = "EUR")]
    pub credit_limit: Option<String>,

    /// Requests per second allowed per API key, as Vonage documents; beyond
    /// it 429 with Retry-After and X-RateLimit-* headers. 0 turns it off.
    #[arg(long, value_name = "PER_SECOND", default_value_t = DEFAULT_RATE_LIMIT)]
    pub rate_limit: u32,

    /// Rehearse production: turns on --check-callbacks, refuses request
    /// bodies whose Content-Type the route does not take (415), and refuses
    /// the Subaccounts API (403 unprovisioned) unless the account is
    /// provisioned (--provision-subaccounts, or the admin API).
    #[arg(long)]
    pub strict: bool,

    /// GET callback URLs before saving settings (2 s timeout, no redirects);
    /// refuse unless 200, as Vonage does. On with --strict.
    #[arg(long)]
    pub check_callbacks: bool,

    /// With --strict: the seeded primary is provisioned for the Subaccounts
    /// API (without --strict it always is).
    #[arg(long)]
    pub provision_subaccounts: bool,

    /// Relax a Vonage rule: list transfers oldest first (Vonage: newest first).
    #[arg(long)]
    pub transfers_oldest_first: bool,

    /// Relax a Vonage rule: top-up accepts any trx while auto-reload is on
    /// (Vonage: only the trx of the payment that enabled auto-reload).
    #[arg(long)]
    pub any_top_up_trx: bool,

    /// Vonage's limit on subaccounts per primary, which it does not publish
    /// (its support raises it): past N subaccounts a create gets 403
    /// .../subaccounts#provisioning. Without it there is no limit.
    #[arg(long, value_name = "N")]
    pub max_subaccounts: Option<usize>,

    /// A number the seeded primary holds (repeatable): NUMBER:COUNTRY, then
    /// optionally its type (landline, landline-toll-free, mobile-lvn; default
    /// mobile-lvn) and comma-separated features (SMS, VOICE, MMS; default
    /// VOICE,SMS), as GET /account/numbers shows them: 447700900123:GB,
    /// 14155550100:US:landline:VOICE.
    #[arg(long = "number", value_name = "NUMBER:COUNTRY[:TYPE[:FEATURES]]")]
    pub numbers: Vec<String>,

    /// Seed for faults with a "ratio": the same seed and the same sequence of
    /// requests give the same faults (draws restart when faults are cleared).
    /// Without it the draws are seeded from the OS.
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,

    /// Answer the admin API (/_sandbox/..., no auth) to any client, not only
    /// loopback ones. It can read state and break the API: development only.
    #[arg(long)]
    pub admin_from_anywhere: bool,

    /// Serve HTTPS with a fresh self-signed certificate (127.0.0.1, localhost).
    #[arg(long, requires = "tls_cert_out")]
    pub tls: bool,

    /// Where to write the certificate PEM (with --tls).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub tls_cert_out: Option<PathBuf>,
}

/// Startup failure, printed on stderr.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("vonage-sandbox: {message}");
    ExitCode::FAILURE
}

fn options(args: &Args) -> Result<SandboxOptions, String> {
    if !rules::secret_is_strong(&args.api_secret) {
        return Err("\
                   --api-secret must be 8-25 characters with at least one lower-case letter, one \
                   upper-case letter and one digit"
            .to_string());
    }
    if args.api_key.is_empty() || args.api_key.contains(['/', '?', '#', ':']) {
        return Err("--api-key must be a non-empty string without '/', '?', '#' or ':'".into());
    }
    let balance = Eur::parse(&args.balance)
        .ok_or_else(|| format!("--balance: not an amount: {:?}", args.balance))?;
    let credit = match &args.credit_limit {
        None => Eur::ZERO,
        Some(text) => match Eur::parse(text) {
            Some(m) if !m.is_negative() => m,
            _ => return Err(format!("--credit-limit: not a positive amount: {text:?}")),
        },
    };
    let mut options = if args.strict {
        SandboxOptions::strict()
    } else {
        SandboxOptions::default()
    };
    options.seed = SeedAccount {
        api_key: args.api_key.clone(),
        api_secret: args.api_secret.clone(),
        name: DEFAULT_PRIMARY_NAME.to_string(),
        balance,
        credit,
        subaccounts_provisioned: options.seed.subaccounts_provisioned || args.provision_subaccounts,
    };
    options.rate_limit = (args.rate_limit > 0).then_some(args.rate_limit);
    options.check_callbacks |= args.check_callbacks;
    options.transfers_oldest_first = args.transfers_oldest_first;
    options.any_top_up_trx = args.any_top_up_trx;
    options.max_subaccounts = args.max_subaccounts;
    options.fault_seed = args.fault_seed;
    options.admin_from_anywhere = args.admin_from_anywhere;
    for text in &args.numbers {
        let record = number_seed::parse_flag(text, &args.api_key)?;
        options
            .seed_numbers
            .retain(|n| (&n.number, &n.country) != (&record.number, &record.country));
        options.seed_numbers.push(record);
    }
    Ok(options)
}

/// Entry point of the `vonage-sandbox` binary.
pub fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run(args))
}

/// Builds everything, prints the ready line and serves until killed.
pub async fn run(args: Args) -> ExitCode {
    let mut options = match options(&args) {
        Ok(options) => options,
        Err(message) => return fail(message),
    };
    let tls = if args.tls {
        let generated = match tls::self_signed() {
            Ok(generated) => generated,
            Err(e) => return fail(e),
        };
        if let Some(path) = &args.tls_cert_out
            && let Err(e) = tls::write_cert(path, &generated.cert_pem)
        {
            return fail(e);
        }
        options.own_certificate_pem = Some(generated.cert_pem);
        Some(generated.acceptor)
    } else {
        None
    };
    let state = match &args.state {
        None => SandboxState::new(options),
        Some(path) => match SandboxState::with_state_file(options, StateFile::new(path)) {
            Ok(state) => state,
            Err(e) => return fail(e),
        },
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(e) => return fail(format!("cannot listen on {}: {e}", args.listen)),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => return fail(format!("cannot read the bound address: {e}")),
    };
    if args.admin_from_anywhere {
        eprintln!(
            "vonage-sandbox: --admin-from-anywhere: the admin API (/_sandbox/..., no auth) answers \
             every client that can reach {address}"
        );
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "vonage-sandbox listening on {scheme}://{address}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return fail("cannot write the ready line to stdout");
    }
    drop(stdout);
    server::serve(listener, app(state), tls).await;
    ExitCode::SUCCESS
}
