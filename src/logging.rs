//! Provider logs as hclog JSON lines on stderr, the form Terraform's plugin client parses.
//!
//! Owns the log level (from `TF_LOG_PROVIDER`, else `TF_LOG`, as terraform-plugin-log reads
//! it; unset means off), the line format (`@level`, `@message`, `@module`, `@timestamp` with
//! exactly six fractional digits, Go's `2006-01-02T15:04:05.000000Z07:00`, plus key/values),
//! and what every line says about its cause, so that no call site has to pass it:
//!
//! - a line logged while serving an RPC carries that RPC's [`RpcContext`], as
//!   terraform-plugin-go's logging context does: `tf_rpc` (the RPC's name), `tf_req_id` (a
//!   UUID for this one call, shared by every line it causes) and, for an RPC about one type,
//!   the key naming it (`tf_resource_type`, `tf_data_source_type`,
//!   `tf_ephemeral_resource_type`, `tf_action_type` or `tf_list_resource_type`). The session
//!   sets it around each RPC ([`RpcContext::scope`]); it is a task-local, so work that leaves
//!   the RPC's task must take it along: spawn `in_current_context(future)`, never a bare
//!   future, from anything an RPC runs;
//! - any other line carries `tf_phase`, the [`Phase`] of the process: `startup` (checks,
//!   socket, TLS identity, handshake), `serving` (connections and signals while serving, outside
//!   any RPC), `shutdown` (from `GRPCController.Shutdown`, or the server stopping, to the exit).
//!
//! Must not: write to stdout (Terraform drains and loses it after the handshake), or be given
//! secret values: callers pass names, ids and counts, never credentials, and the context holds
//! only an RPC's name, its id and a type name.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
    Off = 6,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }

    /// The level a `TF_LOG`-style setting asks for. `JSON` means trace, as in Terraform.
    pub fn from_setting(s: &str) -> Level {
        match s.trim().to_ascii_uppercase().as_str() {
            "TRACE" | "JSON" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            "" | "OFF" => Level::Off,
            // Terraform treats an unrecognised non-empty level as TRACE.
            _ => Level::Trace,
        }
    }
}

static LEVEL: OnceLock<Level> = OnceLock::new();

fn level() -> Level {
    *LEVEL.get_or_init(|| {
        let setting = std::env::var("TF_LOG_PROVIDER")
            .ok()
            .filter(|s| !s.is_empty())
            .or_else(|| std::env::var("TF_LOG").ok())
            .unwrap_or_default();
        Level::from_setting(&setting)
    })
}

pub fn enabled(l: Level) -> bool {
    #[cfg(test)]
    if captured::active() {
        return true;
    }
    l >= level() && level() != Level::Off
}

/// The hclog timestamp: UTC, microseconds, `Z`.
pub fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// One log line, as JSON, with its cause: the current RPC's context, or else the phase.
pub fn format_line(
    l: Level,
    message: &str,
    fields: &[(&str, &str)],
    now: time::OffsetDateTime,
) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), l.name().into());
    obj.insert("@message".into(), message.into());
    obj.insert("@module".into(), "vonage".into());
    obj.insert("@timestamp".into(), timestamp(now).into());
    match RpcContext::current() {
        Some(rpc) => {
            for (k, v) in rpc.fields() {
                obj.insert(k.into(), v.into());
            }
        }
        None => {
            obj.insert(PHASE_KEY.into(), phase().name().into());
        }
    }
    for (k, v) in fields {
        // The cause is set once, above; a field of the same name never doubles it.
        obj.entry(*k).or_insert_with(|| (*v).into());
    }
    serde_json::Value::Object(obj).to_string()
}

pub fn log(l: Level, message: &str, fields: &[(&str, &str)]) {
    if !enabled(l) {
        return;
    }
    let line = format_line(l, message, fields, time::OffsetDateTime::now_utc());
    #[cfg(test)]
    if captured::push(&line) {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub fn trace(message: &str, fields: &[(&str, &str)]) {
    log(Level::Trace, message, fields)
}
pub fn debug(message: &str, fields: &[(&str, &str)]) {
    log(Level::Debug, message, fields)
}
pub fn info(message: &str, fields: &[(&str, &str)]) {
    log(Level::Info, message, fields)
}
pub fn warn(message: &str, fields: &[(&str, &str)]) {
    log(Level::Warn, message, fields)
}
pub fn error(message: &str, fields: &[(&str, &str)]) {
    log(Level::Error, message, fields)
}

tokio::task_local! {
    /// The RPC the current task is serving, if any.
    static RPC_CONTEXT: RpcContext;
}

/// The RPC that causes the lines logged inside [`RpcContext::scope`]: its name, an id for
/// this one call, and the type it is about. Names and an id only, never a value.
#[derive(Clone)]
pub struct RpcContext(Arc<RpcFields>);

struct RpcFields {
    rpc: &'static str,
    req_id: String,
    /// The log key of the type name (`tf_resource_type`, ...) and the name.
    type_key: Option<(&'static str, String)>,
}

impl RpcContext {
    /// A new call of `rpc`, with a fresh `tf_req_id`; `type_key` is the log key of the type
    /// the RPC is about and its name (`("tf_resource_type", "vonage_subaccount")`).
    pub fn new(rpc: &'static str, type_key: Option<(&'static str, &str)>) -> RpcContext {
        RpcContext(Arc::new(RpcFields {
            rpc,
            req_id: uuid::Uuid::new_v4().to_string(),
            type_key: type_key.map(|(key, name)| (key, name.to_owned())),
        }))
    }

    /// The key/value pairs every line logged in this context carries.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("tf_rpc", self.0.rpc),
            ("tf_req_id", self.0.req_id.as_str()),
        ];
        if let Some((key, name)) = &self.0.type_key {
            fields.push((key, name.as_str()));
        }
        fields
    }

    /// `future`, with every line it logs (on its own task) carrying this context.
    pub fn scope<F: Future>(self, future: F) -> impl Future<Output = F::Output> {
        RPC_CONTEXT.scope(self, future)
    }

    /// `f()`, with every line it logs carrying this context.
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        RPC_CONTEXT.sync_scope(self, f)
    }

    /// The context of the RPC being served here, if any.
    pub fn current() -> Option<RpcContext> {
        RPC_CONTEXT.try_with(RpcContext::clone).ok()
    }
}

/// `future` carrying the current RPC's context (if any) wherever it runs: what a task spawned
/// on behalf of an RPC (an action's invocation, a listing) is spawned with, so that its lines
/// name the RPC too.
pub fn in_current_context<F: Future>(future: F) -> impl Future<Output = F::Output> {
    let context = RpcContext::current();
    async move {
        match context {
            Some(context) => context.scope(future).await,
            None => future.await,
        }
    }
}

/// The key naming the phase on a line logged outside any RPC.
pub const PHASE_KEY: &str = "tf_phase";

/// Where the process is in its life, for the lines no RPC causes. It only moves forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// From the start to the handshake line: checks, the socket, the TLS identity.
    Startup = 0,
    /// Serving Terraform: connections, TLS handshakes and signals outside any RPC.
    Serving = 1,
    /// From `GRPCController.Shutdown` (or the server stopping) to the exit.
    Shutdown = 2,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Startup => "startup",
            Phase::Serving => "serving",
            Phase::Shutdown => "shutdown",
        }
    }
}

/// A phase that only moves forward.
struct PhaseCell(AtomicU8);

impl PhaseCell {
    const fn new() -> Self {
        PhaseCell(AtomicU8::new(Phase::Startup as u8))
    }
    fn get(&self) -> Phase {
        match self.0.load(Ordering::Relaxed) {
            0 => Phase::Startup,
            1 => Phase::Serving,
            _ => Phase::Shutdown,
        }
    }
    fn enter(&self, p: Phase) {
        self.0.fetch_max(p as u8, Ordering::Relaxed);
    }
}

static PHASE: PhaseCell = PhaseCell::new();

/// The process's phase now.
pub fn phase() -> Phase {
    PHASE.get()
}

/// Move the process on to `p`; a phase it has passed stays passed.
pub fn enter_phase(p: Phase) {
    PHASE.enter(p)
}

/// For tests: the lines this thread logs, at every level, kept instead of written. A
/// `#[tokio::test]` runs its tasks on its own thread, so it sees the lines of the tasks it
/// spawns and no other test's.
#[cfg(test)]
pub mod captured {
    use std::cell::RefCell;

    thread_local! {
        static LINES: RefCell<Option<Vec<serde_json::Value>>> = const { RefCell::new(None) };
    }

    /// Keep this thread's lines from now on.
    pub fn start() {
        LINES.with(|l| *l.borrow_mut() = Some(Vec::new()));
    }

    /// The lines kept so far, parsed; keeping goes on.
    pub fn take() -> Vec<serde_json::Value> {
        LINES.with(|l| {
            l.borrow_mut()
                .as_mut()
                .map(std::mem::take)
                .unwrap_or_default()
        })
    }

    pub(super) fn active() -> bool {
        LINES.with(|l| l.borrow().is_some())
    }

    pub(super) fn push(line: &str) -> bool {
        LINES.with(|l| match l.borrow_mut().as_mut() {
            Some(lines) => {
                lines.push(serde_json::from_str(line).expect("a JSON line"));
                true
            }
            None => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_hclog_json_with_six_fraction_digits() {
        let t = time::macros::datetime!(2026-11-27 02:41:18.889123 UTC);
        let line = format_line(Level::Debug, "hello", &[("rpc", "PlanResourceChange")], t);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@timestamp"], "2026-11-27T02:41:18.889123Z");
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["rpc"], "PlanResourceChange");
        let t0 = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        assert_eq!(timestamp(t0), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn levels_follow_terraform_settings() {
        assert_eq!(Level::from_setting("debug"), Level::Debug);
        assert_eq!(Level::from_setting("JSON"), Level::Trace);
        assert_eq!(Level::from_setting(""), Level::Off);
        assert_eq!(Level::from_setting("chatty"), Level::Trace);
    }

    fn parsed(line: &str) -> serde_json::Value {
        serde_json::from_str(line).unwrap()
    }

    fn line_with(fields: &[(&str, &str)]) -> String {
        let t = time::macros::datetime!(2026-11-27 02:41:18.889123 UTC);
        format_line(Level::Debug, "Vonage API request", fields, t)
    }

    #[tokio::test]
    async fn a_line_inside_an_rpc_carries_its_name_id_and_type_once_and_no_phase() {
        let rpc = RpcContext::new(
            "PlanResourceChange",
            Some(("tf_resource_type", "vonage_subaccount")),
        );
        let line = rpc
            .scope(async { line_with(&[("tf_rpc", "passed by hand"), ("path", "/x")]) })
            .await;
        let v = parsed(&line);
        assert_eq!(v["tf_rpc"], "PlanResourceChange");
        assert_eq!(v["tf_resource_type"], "vonage_subaccount");
        assert_eq!(v["path"], "/x");
        let id = v["tf_req_id"].as_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        assert!(v.get(PHASE_KEY).is_none(), "{line}");
        assert_eq!(line.matches("\"tf_rpc\"").count(), 1, "{line}");

        let other = RpcContext::new("ConfigureProvider", None);
        let v2 = parsed(&other.sync_scope(|| line_with(&[])));
        assert_eq!(v2["tf_rpc"], "ConfigureProvider");
        assert_ne!(v2["tf_req_id"], v["tf_req_id"], "each call has its own id");
        assert!(v2.get("tf_resource_type").is_none());
    }

    #[tokio::test]
    async fn a_task_spawned_in_the_current_context_carries_it_and_a_bare_spawn_does_not() {
        let rpc = RpcContext::new("InvokeAction", Some(("tf_action_type", "vonage_transfer")));
        let (in_rpc, carried, bare) = rpc
            .scope(async {
                let carried = tokio::spawn(in_current_context(async { line_with(&[]) }));
                let bare = tokio::spawn(async { line_with(&[]) });
                (line_with(&[]), carried.await.unwrap(), bare.await.unwrap())
            })
            .await;
        let (in_rpc, carried, bare) = (parsed(&in_rpc), parsed(&carried), parsed(&bare));
        assert_eq!(carried["tf_rpc"], "InvokeAction");
        assert_eq!(carried["tf_action_type"], "vonage_transfer");
        assert_eq!(carried["tf_req_id"], in_rpc["tf_req_id"]);
        assert!(
            bare.get("tf_rpc").is_none(),
            "a task-local stays on its task"
        );
        assert!(bare.get(PHASE_KEY).is_some());
    }

    #[test]
    fn a_line_outside_any_rpc_names_the_phase() {
        let v = parsed(&line_with(&[]));
        assert!(v.get("tf_rpc").is_none() && v.get("tf_req_id").is_none());
        let phase = v[PHASE_KEY].as_str().unwrap();
        assert!(
            ["startup", "serving", "shutdown"].contains(&phase),
            "{phase}"
        );
    }

    #[test]
    fn the_phase_only_moves_forward() {
        let cell = PhaseCell::new();
        assert_eq!(cell.get(), Phase::Startup);
        cell.enter(Phase::Serving);
        assert_eq!(cell.get().name(), "serving");
        cell.enter(Phase::Shutdown);
        cell.enter(Phase::Serving);
        assert_eq!(cell.get(), Phase::Shutdown);
    }
}
