//! The dashboard at `/_sandbox/ui`: what a configuration did, for a person.
//!
//! Owns: rendering the header's account of the mode (which of Vonage's rules
//! are on, and what each of the others needs), the account tree (each
//! primary and its subaccounts with
//! balance, credit limit, suspension, provisioning, auto-reload, settings,
//! secrets by id and creation time, numbers), transfers, the call log
//! (newest first, failures highlighted, abandoned requests shown; the
//! sandbox's own requests marked internal and not counted as client calls,
//! durations to the microsecond), installed faults and received
//! webhooks as one HTML page, and serving it with its script and style, all
//! compiled into the binary (no external assets). The page is complete
//! without JavaScript (and reloads itself every 5 s through a `<noscript>`
//! refresh); with JavaScript, `dashboard.js` replaces the live part with
//! `/_sandbox/ui/live` every second, and adds a Pause button that holds
//! the page still while someone (or a browser test) reads it.
//!
//! Every value shown goes through [`esc`], names and URLs included; the
//! Content-Security-Policy allows only the page's own script and style, so
//! even a value that escaped escaping could not run.
//! Must not: show a secret value, change anything, or load anything from
//! outside the sandbox.

use std::fmt::Write;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::call_log::CallRecord;
use super::faults::Fault;
use super::state::{SandboxOptions, SandboxState};
use super::timestamps::{millis_z, seconds_z, wall_clock_ms};
use super::webhooks::WebhookRecord;
use super::world::{Account, TransferKind, World};
use crate::wire::money::Eur;

const SCRIPT: &str = include_str!("dashboard/dashboard.js");
const STYLE: &str = include_str!("dashboard/dashboard.css");
/// Linked from the page so that browsers do not ask the API for
/// `/favicon.ico` (which would show in the call log).
const ICON: &str = include_str!("dashboard/favicon.svg");

/// Calls shown on the page (the log itself keeps more).
pub const CALLS_SHOWN: usize = 200;
/// Webhook deliveries shown on the page.
pub const WEBHOOKS_SHOWN: usize = 50;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
                   frame-ancestors 'none'";

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/_sandbox/ui", get(page))
        .route("/_sandbox/ui/live", get(live))
        .route("/_sandbox/ui/dashboard.js", get(script))
        .route("/_sandbox/ui/dashboard.css", get(style))
        .route("/_sandbox/ui/favicon.svg", get(icon))
}

fn respond(content_type: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn page(State(state): State<SandboxState>) -> Response {
    respond("text/html; charset=utf-8", render_page(&snapshot(&state)))
}

async fn live(State(state): State<SandboxState>) -> Response {
    respond("text/html; charset=utf-8", render_live(&snapshot(&state)))
}

async fn script() -> Response {
    respond("text/javascript; charset=utf-8", SCRIPT.to_string())
}

async fn style() -> Response {
    respond("text/css; charset=utf-8", STYLE.to_string())
}

async fn icon() -> Response {
    respond("image/svg+xml", ICON.to_string())
}

/// Everything the page shows, rendered to HTML under the world's lock.
pub struct Snapshot {
    accounts: String,
    transfers: String,
    calls: Vec<CallRecord>,
    faults: Vec<Fault>,
    webhooks: Vec<WebhookRecord>,
    mode: String,
}

fn snapshot(state: &SandboxState) -> Snapshot {
    let (accounts, transfers) = state.read(|world| (accounts_html(world), transfers_html(world)));
    Snapshot {
        accounts,
        transfers,
        calls: state.calls().records(),
        faults: state.faults().list(),
        webhooks: state.webhooks().records(),
        mode: mode_html(state.options()),
    }
}

/// Builds a snapshot from plain data (for tests of the rendering).
pub fn snapshot_of(
    world: &World,
    calls: Vec<CallRecord>,
    faults: Vec<Fault>,
    webhooks: Vec<WebhookRecord>,
    options: &SandboxOptions,
) -> Snapshot {
    Snapshot {
        accounts: accounts_html(world),
        transfers: transfers_html(world),
        calls,
        faults,
        webhooks,
        mode: mode_html(options),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The whole page.
pub fn render_page(snapshot: &Snapshot) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>vonage-sandbox dashboard</title>\n\
         <link rel=\"stylesheet\" href=\"/_sandbox/ui/dashboard.css\">\n\
         <link rel=\"icon\" href=\"/_sandbox/ui/favicon.svg\" type=\"image/svg+xml\">\n\
         <noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>\n\
         <script src=\"/_sandbox/ui/dashboard.js\" defer></script>\n</head>\n<body>\n\
         <header><h1>vonage-sandbox</h1><span class=\"mode\">{mode}</span>\
         <span id=\"updated\">rendered {time}</span></header>\n\
         <main id=\"live\">\n{live}</main>\n</body>\n</html>\n",
        mode = snapshot.mode,
        time = esc(&millis_z(wall_clock_ms())),
        live = render_live(snapshot),
    )
}

/// The part of the page that `dashboard.js` refreshes.
pub fn render_live(snapshot: &Snapshot) -> String {
    let mut html = String::new();
    html.push_str(&snapshot.accounts);
    html.push_str(&snapshot.transfers);
    html.push_str(&calls_html(&snapshot.calls));
    html.push_str(&faults_html(&snapshot.faults));
    html.push_str(&webhooks_html(&snapshot.webhooks));
    html
}

/// One of Vonage's rules as this sandbox applies it (the page's header).
struct RuleInForce {
    rule: String,
    on: bool,
    /// When off: why (`relaxed by …`, `needs …`).
    why_off: &'static str,
}

/// Vonage's rules that depend on how the sandbox was started, in the order
/// `vonage-sandbox --help` lists them. (Every other rule is on in every
/// mode: docs/sandbox.md lists them all.)
fn rules_in_force(options: &SandboxOptions) -> Vec<RuleInForce> {
    let rule = |rule: &str, on: bool, why_off: &'static str| RuleInForce {
        rule: rule.to_string(),
        on,
        why_off,
    };
    vec![
        RuleInForce {
            rule: format!(
                "{} requests/s per key",
                options
                    .rate_limit
                    .unwrap_or(super::state::DEFAULT_RATE_LIMIT)
            ),
            on: options.rate_limit.is_some(),
            why_off: "relaxed by --rate-limit 0",
        },
        rule(
            "transfers listed newest first",
            !options.transfers_oldest_first,
            "relaxed by --transfers-oldest-first",
        ),
        rule(
            "top-up needs its payment's trx",
            !options.any_top_up_trx,
            "relaxed by --any-top-up-trx",
        ),
        rule(
            "callback URLs checked (GET, 200 within 2 s)",
            options.check_callbacks,
            "needs --strict or --check-callbacks",
        ),
        rule(
            "bodies in the route's Content-Type",
            options.require_content_type,
            "needs --strict",
        ),
        rule(
            if options.seed.subaccounts_provisioned {
                "the Subaccounts API needs provisioning (the seeded primary has it)"
            } else {
                "the Subaccounts API needs provisioning"
            },
            options.strict,
            "needs --strict; without it accounts start provisioned",
        ),
        match options.max_subaccounts {
            Some(max) => rule(&format!("at most {max} subaccounts per primary"), true, ""),
            None => rule(
                "a limit on subaccounts (Vonage's is unpublished)",
                false,
                "needs --max-subaccounts N",
            ),
        },
    ]
}

/// The header's account of the mode: which of Vonage's rules are on, and
/// what each of the others needs.
fn mode_html(options: &SandboxOptions) -> String {
    let rules = rules_in_force(options);
    let on: Vec<String> = rules
        .iter()
        .filter(|r| r.on)
        .map(|r| esc(&r.rule))
        .collect();
    let off: Vec<String> = rules
        .iter()
        .filter(|r| !r.on)
        .map(|r| format!("{} ({})", esc(&r.rule), esc(r.why_off)))
        .collect();
    let mut out = if options.strict {
        "<strong>--strict</strong>: rehearsing production. ".to_string()
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<span class=\"rules-on\">Vonage's rules on: {}.</span>",
        on.join(" \u{b7} ")
    );
    if !off.is_empty() {
        let _ = write!(
            out,
            " <span class=\"rules-off\">Off: {}.</span>",
            off.join(" \u{b7} ")
        );
    }
    out
}

/// What a call's status cell says: the status answered, or why there is none.
fn status_text(call: &CallRecord) -> String {
    match (call.status, call.abandoned, call.handler_status) {
        (Some(status), _, _) => status.to_string(),
        (None, true, Some(handled)) => format!("abandoned (handled: {handled})"),
        (None, true, None) => "abandoned".to_string(),
        (None, false, _) => "dropped".to_string(),
    }
}

/// A duration in microseconds as milliseconds with three decimals
/// (`0.412 ms`): most calls take less than a millisecond.
fn milliseconds(us: u64) -> String {
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

/// `1 call`, `2 calls`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn euros(amount: Eur) -> String {
    format!("{} EUR", amount.to_fixed(4))
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"badge {class}\">{}</span>", esc(text))
}

fn fact(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        esc(label),
        esc(value)
    );
}

fn setting(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(unset)")
}

fn account_html(world: &World, account: &Account) -> String {
    let primary = account.is_primary();
    let mut out = format!(
        "<div class=\"account{}\" data-api-key=\"{}\">\n<div class=\"title\"><h3>{}</h3>\
         <span class=\"key\">{}</span>",
        if primary { "" } else { " sub" },
        esc(&account.api_key),
        esc(account.name.as_deref().unwrap_or("(no name)")),
        esc(&account.api_key),
    );
    out.push_str(&badge("", if primary { "primary" } else { "subaccount" }));
    out.push_str(&if account.suspended {
        badge("bad suspended", "suspended")
    } else {
        badge("good", "active")
    });
    if primary {
        out.push_str(&if account.subaccounts_provisioned {
            badge("good", "Subaccounts API provisioned")
        } else {
            badge("bad", "Subaccounts API unprovisioned")
        });
    }
    if account.auto_reload {
        out.push_str(&badge("", "auto-reload on"));
    }
    out.push_str("</div>\n<dl class=\"facts\">");
    if account.has_own_balance() {
        fact(&mut out, "balance", &euros(account.balance));
        fact(&mut out, "credit limit", &euros(account.credit_limit));
    } else {
        fact(&mut out, "balance", "shared with its primary");
    }
    fact(
        &mut out,
        "suspended",
        if account.suspended { "yes" } else { "no" },
    );
    fact(&mut out, "created", &millis_z(account.created_at_ms));
    fact(
        &mut out,
        "MO callback",
        setting(&account.settings.mo_callback_url),
    );
    fact(
        &mut out,
        "DR callback",
        setting(&account.settings.dr_callback_url),
    );
    fact(
        &mut out,
        "forward method",
        setting(&account.settings.http_forward_method),
    );
    let numbers: Vec<String> = world
        .numbers
        .iter()
        .filter(|n| n.owner == account.api_key)
        .map(|n| format!("+{} ({})", n.number, n.country))
        .collect();
    fact(
        &mut out,
        "numbers",
        &if numbers.is_empty() {
            "none".to_string()
        } else {
            numbers.join(", ")
        },
    );
    out.push_str("</dl>\n");
    out.push_str(
        "<table class=\"sub-table secrets\"><caption>API secrets (ids only; values are never \
         shown)</caption><thead><tr><th>id</th><th>created</th></tr></thead><tbody>",
    );
    for secret in &account.secrets {
        let _ = write!(
            out,
            "<tr><td class=\"mono secret-id\">{}</td><td>{}</td></tr>",
            esc(&secret.id),
            esc(&seconds_z(secret.created_at_ms))
        );
    }
    out.push_str("</tbody></table>\n");
    if !account.auto_reload_charges.is_empty() {
        out.push_str(
            "<table class=\"sub-table charges\"><caption>auto-reload payments</caption><thead>\
             <tr><th>trx</th><th>amount</th><th>time</th></tr></thead><tbody>",
        );
        for charge in &account.auto_reload_charges {
            let _ = write!(
                out,
                "<tr><td class=\"mono\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&charge.trx),
                esc(&euros(charge.amount)),
                esc(&millis_z(charge.created_at_ms))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if primary {
        let subs = world.subaccounts_of(&account.api_key);
        if !subs.is_empty() {
            out.push_str("<ul class=\"subaccounts\">\n");
            for sub in subs {
                let _ = writeln!(out, "<li>{}</li>", account_html(world, sub));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</div>\n");
    out
}

fn accounts_html(world: &World) -> String {
    let primaries: Vec<&Account> = world.accounts.values().filter(|a| a.is_primary()).collect();
    let subaccounts = world.accounts.len() - primaries.len();
    let mut out = format!(
        "<section class=\"panel\" id=\"accounts\"><h2>Accounts <span class=\"count\">{}, {}\
         </span></h2>\n",
        count(primaries.len(), "primary", "primaries"),
        count(subaccounts, "subaccount", "subaccounts")
    );
    for primary in primaries {
        out.push_str(&account_html(world, primary));
    }
    out.push_str("</section>\n");
    out
}

fn transfers_html(world: &World) -> String {
    let mut out = format!(
        "<section class=\"panel\" id=\"transfers\"><h2>Transfers <span class=\"count\">{}, \
         newest first</span></h2>\n",
        world.transfers.len()
    );
    if world.transfers.is_empty() {
        out.push_str("<p class=\"empty\">No transfers yet.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table><thead><tr><th>time</th><th>kind</th><th>from</th><th>to</th>\
         <th>amount</th><th>reference</th></tr></thead><tbody>\n",
    );
    for t in world.transfers.iter().rev() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&millis_z(t.created_at_ms)),
            match t.kind {
                TransferKind::Credit => "credit",
                TransferKind::Balance => "balance",
            },
            esc(&t.from),
            esc(&t.to),
            esc(&euros(t.amount)),
            esc(&t.reference)
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

/// A client's call that did not get a 2xx or 3xx answer.
fn is_failure(call: &CallRecord) -> bool {
    !call.internal && call.status.is_none_or(|s| s >= 400)
}

fn calls_html(calls: &[CallRecord]) -> String {
    let internal = calls.iter().filter(|c| c.internal).count();
    let failed = calls.iter().filter(|c| is_failure(c)).count();
    let mut out = format!(
        "<section class=\"panel\" id=\"call-log\"><h2>Call log <span class=\"count\">{}, {} \
         failed{}; newest first{}</span></h2>\n",
        count(calls.len() - internal, "call", "calls"),
        failed,
        if internal > 0 {
            format!(
                " (not counted: {} the sandbox made itself)",
                count(internal, "internal request", "internal requests")
            )
        } else {
            String::new()
        },
        if calls.len() > CALLS_SHOWN {
            format!(", the last {CALLS_SHOWN} shown")
        } else {
            String::new()
        }
    );
    if calls.is_empty() {
        out.push_str("<p class=\"empty\">No API calls yet.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table><thead><tr><th>time</th><th>method</th><th>path</th><th>status</th>\
         <th>fault</th><th>duration</th></tr></thead><tbody>\n",
    );
    for call in calls.iter().rev().take(CALLS_SHOWN) {
        let mut classes = Vec::new();
        if is_failure(call) {
            classes.push("failed");
        }
        if call.internal {
            classes.push("internal");
        }
        if call.fault.is_some() {
            classes.push("faulted");
        }
        let path = match &call.query {
            Some(query) => format!("{}?{query}", call.path),
            None => call.path.clone(),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td class=\"method\">{}</td><td class=\"mono path\">{}{}\
             </td><td class=\"status\">{}</td><td class=\"fault\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            classes.join(" "),
            esc(&call.time),
            esc(&call.method),
            esc(&path),
            if call.internal {
                format!(" {}", badge("", "internal: the sandbox's callback check"))
            } else {
                String::new()
            },
            status_text(call),
            esc(call.fault.as_deref().unwrap_or("")),
            milliseconds(call.duration_us)
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

fn faults_html(faults: &[Fault]) -> String {
    let mut out = format!(
        "<section class=\"panel\" id=\"faults\"><h2>Installed faults <span class=\"count\">{}\
         </span></h2>\n",
        faults.len()
    );
    if faults.is_empty() {
        out.push_str("<p class=\"empty\">No faults installed.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table><thead><tr><th>route</th><th>kind</th><th>remaining</th><th>ratio</th>\
         <th>hits</th></tr></thead><tbody>\n",
    );
    for fault in faults {
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(fault.route.as_deref().unwrap_or("every API request")),
            esc(&fault.label()),
            fault
                .remaining
                .map_or_else(|| "until cleared".to_string(), |r| r.to_string()),
            fault
                .ratio
                .map_or_else(|| "always".to_string(), |r| r.to_string()),
            fault.hits
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

fn webhooks_html(webhooks: &[WebhookRecord]) -> String {
    let mut out = format!(
        "<section class=\"panel\" id=\"webhooks\"><h2>Webhooks received \
         <span class=\"count\">{} at /_sandbox/webhooks/\u{2026}; newest first</span></h2>\n",
        webhooks.len()
    );
    if webhooks.is_empty() {
        out.push_str("<p class=\"empty\">None received.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table><thead><tr><th>time</th><th>method</th><th>path</th><th>content type</th>\
         <th>body</th></tr></thead><tbody>\n",
    );
    for hook in webhooks.iter().rev().take(WEBHOOKS_SHOWN) {
        let path = match &hook.query {
            Some(query) => format!("{}?{query}", hook.path),
            None => hook.path.clone(),
        };
        let body: String = hook.body.chars().take(200).collect();
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td>{}</td><td class=\"mono\">{}{}</td><td>{}</td>\
             <td class=\"mono\">{}</td></tr>",
            if hook.internal {
                " class=\"internal\""
            } else {
                ""
            },
            esc(&hook.time),
            esc(&hook.method),
            esc(&path),
            if hook.internal {
                format!(" {}", badge("", "the sandbox's callback check"))
            } else {
                String::new()
            },
            esc(hook.content_type.as_deref().unwrap_or("")),
            esc(&body)
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_microseconds() {
        assert_eq!(milliseconds(0), "0.000 ms");
        assert_eq!(milliseconds(412), "0.412 ms");
        assert_eq!(milliseconds(12_034), "12.034 ms");
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            esc("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
