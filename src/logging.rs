//! Provider logs as hclog JSON lines on stderr, the form Terraform's plugin client parses.
//!
//! Owns the log level (from `TF_LOG_PROVIDER`, else `TF_LOG`, as terraform-plugin-log reads
//! it; unset means off) and the line format: `@level`, `@message`, `@module`, `@timestamp` with
//! exactly six fractional digits (Go's `2006-01-02T15:04:05.000000Z07:00`), plus key/values.
//!
//! Must not: write to stdout (Terraform drains and loses it after the handshake), or be given
//! secret values: callers pass names, ids and counts, never credentials.

use std::io::Write;
use std::sync::OnceLock;

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

/// One log line, as JSON.
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
    for (k, v) in fields {
        obj.insert((*k).into(), (*v).into());
    }
    serde_json::Value::Object(obj).to_string()
}

pub fn log(l: Level, message: &str, fields: &[(&str, &str)]) {
    if !enabled(l) {
        return;
    }
    let line = format_line(l, message, fields, time::OffsetDateTime::now_utc());
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
}
