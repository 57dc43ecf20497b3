//! The fault book: which faults are installed (`POST /_sandbox/faults`),
//! which requests they match and how often they fire.
//!
//! A fault is JSON:
//! `{"route": "POST /accounts/*/secrets", "kind": "status", "status": 503,
//!   "retry_after": 2, "latency_ms": 0, "count": 1, "ratio": null,
//!   "after_handler": false}`
//! * `route` (optional; absent = every API request): `[METHOD ]PATH`, where
//!   PATH is matched segment by segment as a prefix (`*` matches any one
//!   segment; a trailing `$` demands an exact length). The query string is
//!   ignored.
//! * `kind`: `status` (answer `status`, 400–599, with a problem+json body;
//!   429 carries `Retry-After: retry_after`, default 1; 503 too when
//!   `retry_after` is given), `latency` (wait `latency_ms`, then proceed), or
//!   `drop` (read the request, then close the connection without answering).
//! * `count`: the next N matching requests; `ratio`: each matching request
//!   with that probability; neither: every matching request until cleared.
//! * `after_handler`: run the real handler first (its change is applied and
//!   persisted), then fail (`status`, `drop`) or delay (`latency`) the
//!   response. This is how "the server did it but the client never heard"
//!   is produced.
//!
//! Owns: validating a fault, matching it to a request and counting it down.
//! Must not: import anything from the sandbox, build responses (the
//! `middleware` module applies a fault) or change the world.

use axum::http::Method;
use rand::Rng;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Status,
    Latency,
    Drop,
}

/// A fault as posted to `/_sandbox/faults`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub route: Option<String>,
    pub kind: FaultKind,
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    pub latency_ms: Option<u64>,
    pub count: Option<u32>,
    pub ratio: Option<f64>,
    #[serde(default)]
    pub after_handler: bool,
}

/// An installed fault, as listed by `GET /_sandbox/faults`.
#[derive(Clone, Debug, Serialize)]
pub struct Fault {
    pub id: String,
    pub route: Option<String>,
    pub kind: FaultKind,
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    pub latency_ms: Option<u64>,
    /// Matching requests still to be hit; `None` = unlimited.
    pub remaining: Option<u32>,
    pub ratio: Option<f64>,
    pub after_handler: bool,
    /// Requests this fault has been applied to.
    pub hits: u64,
}

impl Fault {
    /// How the call log names this fault: `status 503`, `latency 200ms`,
    /// `drop`, with ` after handler` when it ran after the handler.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            FaultKind::Status => format!("status {}", self.status.unwrap_or(500)),
            FaultKind::Latency => format!("latency {}ms", self.latency_ms.unwrap_or(0)),
            FaultKind::Drop => "drop".to_string(),
        };
        if self.after_handler {
            format!("{kind} after handler")
        } else {
            kind
        }
    }
}

#[derive(Default)]
pub struct FaultBook {
    faults: Vec<Fault>,
}

impl FaultBook {
    /// Validates and installs a fault. `Err` is a human-readable reason.
    pub fn add(&mut self, spec: FaultSpec) -> Result<Fault, String> {
        match spec.kind {
            FaultKind::Status => match spec.status {
                Some(s) if (400..=599).contains(&s) => {}
                _ => return Err("kind \"status\" needs \"status\" between 400 and 599".into()),
            },
            FaultKind::Latency if spec.latency_ms.is_none() => {
                return Err("kind \"latency\" needs \"latency_ms\"".into());
            }
            _ => {}
        }
        if spec.count.is_some() && spec.ratio.is_some() {
            return Err("give \"count\" or \"ratio\", not both".into());
        }
        if let Some(ratio) = spec.ratio
            && !(0.0..=1.0).contains(&ratio)
        {
            return Err("\"ratio\" must be between 0.0 and 1.0".into());
        }
        let fault = Fault {
            id: uuid::Uuid::new_v4().to_string(),
            route: spec.route,
            kind: spec.kind,
            status: spec.status,
            retry_after: spec.retry_after,
            latency_ms: spec.latency_ms,
            remaining: spec.count,
            ratio: spec.ratio,
            after_handler: spec.after_handler,
            hits: 0,
        };
        self.faults.push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The fault to apply to this request, if any (counts it as a hit).
    pub fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let mut rng = rand::rng();
        let index = self.faults.iter().position(|f| {
            f.remaining != Some(0)
                && f.route
                    .as_deref()
                    .is_none_or(|pattern| route_matches(pattern, method, path))
                && f.ratio.is_none_or(|ratio| rng.random_bool(ratio))
        })?;
        let fault = &mut self.faults[index];
        fault.hits += 1;
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
        }
        let applied = fault.clone();
        if fault.remaining == Some(0) {
            self.faults.remove(index);
        }
        Some(applied)
    }
}

/// `[METHOD ]PATH` matching; see the module docs.
pub fn route_matches(pattern: &str, method: &Method, path: &str) -> bool {
    let pattern = pattern.trim();
    let (wanted_method, path_pattern) = match pattern.split_once(' ') {
        Some((m, p)) if !m.starts_with('/') => (Some(m), p.trim()),
        _ => (None, pattern),
    };
    if wanted_method.is_some_and(|m| !m.eq_ignore_ascii_case(method.as_str())) {
        return false;
    }
    let exact = path_pattern.ends_with('$');
    let segments = |p: &str| -> Vec<String> {
        p.trim_end_matches('$')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let wanted = segments(path_pattern);
    let actual = segments(path);
    if wanted.len() > actual.len() || (exact && wanted.len() != actual.len()) {
        return false;
    }
    wanted.iter().zip(&actual).all(|(w, a)| w == "*" || w == a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns() {
        let post = Method::POST;
        let get = Method::GET;
        assert!(route_matches(
            "/accounts",
            &get,
            "/accounts/abcd1234/secrets"
        ));
        assert!(route_matches(
            "POST /accounts/*/secrets",
            &post,
            "/accounts/k/secrets"
        ));
        assert!(!route_matches(
            "POST /accounts/*/secrets",
            &get,
            "/accounts/k/secrets"
        ));
        assert!(route_matches(
            "POST /accounts/*/secrets",
            &post,
            "/accounts/k/secrets/x"
        ));
        assert!(!route_matches(
            "/accounts/*/secrets$",
            &get,
            "/accounts/k/secrets/x"
        ));
        assert!(route_matches(
            "/accounts/*/secrets$",
            &get,
            "/accounts/k/secrets"
        ));
        assert!(!route_matches("/account/get-balance", &get, "/accounts/k"));
    }

    fn spec(count: Option<u32>) -> FaultSpec {
        FaultSpec {
            route: Some("GET /account".into()),
            kind: FaultKind::Status,
            status: Some(503),
            retry_after: None,
            latency_ms: None,
            count,
            ratio: None,
            after_handler: false,
        }
    }

    #[test]
    fn counted_faults_expire() {
        let mut book = FaultBook::default();
        book.add(spec(Some(2))).unwrap();
        assert!(book.take(&Method::GET, "/account/get-balance").is_some());
        assert!(book.take(&Method::POST, "/account/settings").is_none());
        assert!(book.take(&Method::GET, "/account/get-balance").is_some());
        assert!(book.take(&Method::GET, "/account/get-balance").is_none());
        assert!(book.list().is_empty());
    }

    #[test]
    fn invalid_specs_are_refused() {
        let mut book = FaultBook::default();
        let mut bad = spec(None);
        bad.status = Some(200);
        assert!(book.add(bad).is_err());
        let mut both = spec(Some(1));
        both.ratio = Some(0.5);
        assert!(book.add(both).is_err());
    }
}
