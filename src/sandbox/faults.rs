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
//!   `retry_after` is given), `latency` (wait `latency_ms`, then proceed),
//!   `drop` (read the request, then close the connection without answering),
//!   or `truncate` (run the handler, then send its status, its headers and a
//!   `Content-Length` for the whole body, but only the first `keep_bytes` of
//!   the body, default half, and close the connection; a response without a
//!   body is sent whole).
//! * `count`: the next N matching requests; `ratio`: each matching request
//!   with that probability; both: drawn with that probability, N times at
//!   most; neither: every matching request until cleared.
//! * `for_ms`: the fault is active for that many milliseconds from when it is
//!   installed, then removed (an outage of a set length, with or without a
//!   count or ratio).
//!   Ratio draws come from one generator per sandbox, seeded with
//!   `--fault-seed` when given: the same seed and the same sequence of
//!   matching requests give the same faults. The generator restarts from
//!   the seed whenever the faults are cleared (`DELETE /_sandbox/faults`,
//!   reset).
//! * `after_handler`: run the real handler first (its change is applied and
//!   persisted), then fail (`status`, `drop`) or delay (`latency`) the
//!   response. This is how "the server did it but the client never heard"
//!   is produced. `truncate` always runs the handler.
//!
//! Owns: validating a fault, matching it to a request and counting it down.
//! Must not: import anything from the sandbox, build responses (the
//! `middleware` module applies a fault) or change the world.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::Method;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Status,
    Latency,
    Drop,
    Truncate,
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
    /// `truncate`: body bytes sent before the connection closes.
    pub keep_bytes: Option<usize>,
    /// Active for this long from installation, then removed.
    pub for_ms: Option<u64>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_bytes: Option<usize>,
    /// When it stops matching (Unix milliseconds), for a fault installed with `for_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<i64>,
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
            FaultKind::Truncate => return "truncate".to_string(),
        };
        if self.after_handler {
            format!("{kind} after handler")
        } else {
            kind
        }
    }
}

pub struct FaultBook {
    faults: Vec<Fault>,
    seed: Option<u64>,
    rng: StdRng,
}

impl Default for FaultBook {
    fn default() -> FaultBook {
        FaultBook::new(None)
    }
}

fn generator(seed: Option<u64>) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_os_rng(),
    }
}

impl FaultBook {
    /// An empty book whose ratio draws come from `seed` (or the OS).
    pub fn new(seed: Option<u64>) -> FaultBook {
        FaultBook {
            faults: Vec::new(),
            seed,
            rng: generator(seed),
        }
    }

    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// Validates and installs a fault. `Err` is a human-readable reason.
    pub fn add(&mut self, spec: FaultSpec) -> Result<Fault, String> {
        self.add_at(spec, now_ms())
    }

    /// [`add`](Self::add) at `now` (Unix milliseconds).
    pub fn add_at(&mut self, spec: FaultSpec, now: i64) -> Result<Fault, String> {
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
        if spec.keep_bytes.is_some() && spec.kind != FaultKind::Truncate {
            return Err("\"keep_bytes\" goes with kind \"truncate\" only".into());
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
            after_handler: spec.after_handler || spec.kind == FaultKind::Truncate,
            keep_bytes: spec.keep_bytes,
            until_ms: spec
                .for_ms
                .map(|ms| now.saturating_add(i64::try_from(ms).unwrap_or(i64::MAX))),
            hits: 0,
        };
        self.faults.push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.faults.clone()
    }

    /// Removes every fault and restarts the draws from the seed.
    pub fn clear(&mut self) {
        self.faults.clear();
        self.rng = generator(self.seed);
    }

    /// The fault to apply to this request, if any (counts it as a hit).
    pub fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        self.take_at(method, path, now_ms())
    }

    /// [`take`](Self::take) at `now` (Unix milliseconds): faults whose time is up are removed
    /// first.
    pub fn take_at(&mut self, method: &Method, path: &str, now: i64) -> Option<Fault> {
        self.faults
            .retain(|f| f.until_ms.is_none_or(|until| now < until));
        let rng = &mut self.rng;
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

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
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
            keep_bytes: None,
            for_ms: None,
        }
    }

    #[test]
    fn a_timed_fault_matches_until_its_time_is_up() {
        let mut book = FaultBook::default();
        let mut outage = spec(None);
        outage.for_ms = Some(20_000);
        let fault = book.add_at(outage, 1_000).unwrap();
        assert_eq!(fault.until_ms, Some(21_000));
        let get = Method::GET;
        assert!(book.take_at(&get, "/account/get-balance", 1_000).is_some());
        assert!(book.take_at(&get, "/account/get-balance", 20_999).is_some());
        assert!(book.take_at(&get, "/account/get-balance", 21_000).is_none());
        assert!(book.list().is_empty(), "removed once its time is up");
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
        let mut wild = spec(None);
        wild.ratio = Some(1.5);
        assert!(book.add(wild).is_err());
    }

    #[test]
    fn a_ratio_with_a_count_draws_at_most_that_many() {
        let mut book = FaultBook::new(Some(7));
        let mut capped = spec(Some(3));
        capped.ratio = Some(0.5);
        book.add(capped).unwrap();
        let hits = (0..200)
            .filter(|_| book.take(&Method::GET, "/account/get-balance").is_some())
            .count();
        assert_eq!(hits, 3);
        assert!(book.list().is_empty(), "spent: removed");
    }

    #[test]
    fn seeded_draws_repeat_and_restart_when_cleared() {
        let pattern = |book: &mut FaultBook| -> Vec<bool> {
            (0..64)
                .map(|_| book.take(&Method::GET, "/account/get-balance").is_some())
                .collect()
        };
        let install = |book: &mut FaultBook| {
            let mut half = spec(None);
            half.ratio = Some(0.5);
            book.add(half).unwrap();
        };
        let mut first = FaultBook::new(Some(7));
        install(&mut first);
        let mut second = FaultBook::new(Some(7));
        install(&mut second);
        let drawn = pattern(&mut first);
        assert_eq!(drawn, pattern(&mut second));
        let hits = drawn.iter().filter(|hit| **hit).count();
        assert!((16..=48).contains(&hits), "{hits} of 64 at ratio 0.5");
        first.clear();
        install(&mut first);
        assert_eq!(pattern(&mut first), drawn, "cleared: the draws restart");
        let mut other = FaultBook::new(Some(8));
        install(&mut other);
        assert_ne!(pattern(&mut other), drawn, "another seed, other draws");
    }

    #[test]
    fn truncate_always_runs_the_handler_and_keep_bytes_needs_it() {
        let mut book = FaultBook::default();
        let mut cut = spec(None);
        cut.kind = FaultKind::Truncate;
        cut.status = None;
        cut.keep_bytes = Some(3);
        let fault = book.add(cut).unwrap();
        assert!(fault.after_handler);
        assert_eq!(fault.label(), "truncate");
        let mut wrong = spec(None);
        wrong.keep_bytes = Some(3);
        assert!(book.add(wrong).is_err());
    }
}
