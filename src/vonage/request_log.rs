//! What the client logs about its requests: at debug level one line per attempt (method,
//! path, status, attempt number, duration, Vonage's request id) and one per wait before a
//! retry with its length; at trace level an error answer's body, with every secret the call
//! knows and every JSON field named like a secret redacted ([`redacted_body`]).
//!
//! Must not: log a header, a success body (a subaccount's create answer holds its secret) or
//! an unredacted error body, or text that could carry a name or a value where a class will do.

use std::time::Duration;

use reqwest::Url;

use super::call::{AttemptFailure, Call, RawResponse};
use super::errors::{Error, ErrorContext, scrub};
use crate::logging::{self, Level};

/// The debug line for one attempt, and at trace level an error answer's body, redacted.
pub(super) fn log_exchange(
    call: &Call,
    url: &Url,
    number: u32,
    took: Duration,
    outcome: &Result<RawResponse, AttemptFailure>,
    ctx: &ErrorContext<'_>,
) {
    if !logging::enabled(Level::Debug) {
        return;
    }
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let (number, took) = (number.to_string(), took.as_millis().to_string());
    let (status, failure) = match outcome {
        Ok(raw) => (raw.status.to_string(), String::new()),
        Err(AttemptFailure::NotSent(_, why)) => ("none".into(), format!("not sent: {why}")),
        Err(AttemptFailure::Timeout) => ("none".into(), "timed out".into()),
        Err(AttemptFailure::Lost(_, why)) => ("none".into(), format!("connection lost: {why}")),
    };
    let mut fields = vec![
        ("method", call.method.as_str()),
        ("path", path.as_str()),
        ("status", status.as_str()),
        ("attempt", number.as_str()),
        ("duration_ms", took.as_str()),
    ];
    if !failure.is_empty() {
        fields.push(("failure", failure.as_str()));
    }
    // Vonage's id for the request (`X-Request-Id`), the one to quote to Vonage support.
    let request_id = match outcome {
        Ok(raw) => raw
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|id| id.len() <= 128)
            .unwrap_or_default(),
        Err(_) => "",
    };
    if !request_id.is_empty() {
        fields.push(("request_id", request_id));
    }
    logging::debug("Vonage API request", &fields);
    if let Ok(raw) = outcome
        && !(200..300).contains(&raw.status)
        && logging::enabled(Level::Trace)
    {
        let body = redacted_body(&raw.body, &ctx.secrets);
        logging::trace(
            "Vonage API error body",
            &[
                ("path", path.as_str()),
                ("status", status.as_str()),
                ("body", &body),
            ],
        );
    }
}

pub(super) fn log_retry(call: &Call, attempt_done: u32, wait: Duration, after: &Error) {
    let path: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    logging::debug(
        "Vonage API request will be retried",
        &[
            ("method", call.method.as_str()),
            ("path", &format!("/{}", path.join("/"))),
            ("next_attempt", &(attempt_done + 1).to_string()),
            ("wait_ms", &wait.as_millis().to_string()),
            ("after", &failure_class(after)),
        ],
    );
}

/// What kind of failure `e` was, for a log line: a status or a transport class, never text that
/// could carry a name or a value.
pub(super) fn failure_class(e: &Error) -> String {
    match e {
        Error::RateLimited { .. } => "status 429".into(),
        Error::Api { status, .. } => format!("status {status}"),
        Error::Timeout { .. } => "timeout".into(),
        Error::Transport { class, .. } => format!("transport {class:?}").to_ascii_lowercase(),
        Error::Cancelled => "cancelled".into(),
        _ => "refusal".into(),
    }
}

/// An error body fit for a log: every JSON field whose name mentions a secret is replaced,
/// then every secret the call knows is scrubbed from what is left, which is cut to 2 KiB.
pub(crate) fn redacted_body(body: &[u8], secrets: &[&str]) -> String {
    fn redact_fields(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if k.to_ascii_lowercase().contains("secret") && !child.is_object() {
                        *child = serde_json::Value::String("[redacted]".into());
                    } else {
                        redact_fields(child);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact_fields),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            redact_fields(&mut v);
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let mut clean = scrub(&text, secrets);
    if clean.len() > 2048 {
        let cut = (0..=2048)
            .rev()
            .find(|i| clean.is_char_boundary(*i))
            .unwrap_or(0);
        clean.truncate(cut);
        clean.push_str("…[truncated]");
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_error_bodies_hide_secrets_by_field_and_by_value() {
        let body = br#"{"title":"Bad","secret":"Gener4tedSecret","invalid_parameters":[
            {"name":"secret","reason":"Sup3rSecret1 is reused"}],"nested":{"api_secret":"x"}}"#;
        let shown = redacted_body(body, &["Sup3rSecret1"]);
        assert!(!shown.contains("Gener4tedSecret"), "{shown}");
        assert!(!shown.contains("Sup3rSecret1"), "{shown}");
        assert!(shown.contains(r#""api_secret":"[redacted]""#), "{shown}");
        assert!(shown.contains(r#""title":"Bad""#), "{shown}");
        let plain = redacted_body(b"oops Sup3rSecret1", &["Sup3rSecret1"]);
        assert_eq!(plain, "oops [redacted]");
        let long = redacted_body("é".repeat(3000).as_bytes(), &[]);
        assert!(long.ends_with("…[truncated]") && long.len() < 2100);
    }
}
