//! Operation timeouts: the `timeouts` block's model, its durations, and the limit each
//! operation gets.
//!
//! Durations are parsed exactly as Go's `time.ParseDuration` parses them, because that is
//! what Terraform users (and every HashiCorp-framework provider) know: a sequence of decimal
//! numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`,
//! `h`), optionally signed, `"0"` on its own, and at most about 2562047 hours. A timeout of
//! zero means no overall limit (as if unset); a negative one is refused. Every bad timeout
//! in a block is reported, each at its own path.
//!
//! Must not: know any resource. The engine (`framework::engine`) applies the limits.

use std::time::Duration;

use super::cty::Value;
use super::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use super::schema::Schema;

/// The `timeouts` block as resource models hold it (see `schema::timeouts_block`). The
/// engine reads it; models only carry it so that state keeps what the configuration said.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Timeouts {
    pub create: Option<String>,
    pub read: Option<String>,
    pub update: Option<String>,
    pub delete: Option<String>,
}

/// The operations a `timeouts` block can bound.
pub const OPERATIONS: [&str; 4] = ["create", "read", "update", "delete"];

/// Why a duration does not parse, in Go's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    Invalid,
    MissingUnit,
    UnknownUnit(String),
    Overflow,
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DurationError::Invalid => f.write_str("it is not a duration"),
            DurationError::MissingUnit => f.write_str("a number has no unit"),
            DurationError::UnknownUnit(u) => write!(f, "`{u}` is not a unit"),
            DurationError::Overflow => f.write_str("it is longer than about 2562047 hours"),
        }
    }
}

const MAX: u64 = 1 << 63;

fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        // Go accepts both the micro sign (U+00B5) and the Greek small letter mu (U+03BC).
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Parse a duration as Go's `time.ParseDuration` does, into signed nanoseconds.
pub fn parse_go_duration(text: &str) -> Result<i64, DurationError> {
    let mut s = text.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(DurationError::Invalid);
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(DurationError::Invalid);
        }
        // The integer part.
        let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut whole: u64 = 0;
        for &c in &s[..digits] {
            if whole > MAX / 10 {
                return Err(DurationError::Overflow);
            }
            whole = whole * 10 + u64::from(c - b'0');
            if whole > MAX {
                return Err(DurationError::Overflow);
            }
        }
        s = &s[digits..];
        // The fraction: digits past what fits are dropped, as Go does.
        let (mut fraction, mut scale, mut fraction_digits) = (0u64, 1f64, 0usize);
        let has_dot = s.first() == Some(&b'.');
        if has_dot {
            s = &s[1..];
            fraction_digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
            let mut overflowed = false;
            for &c in &s[..fraction_digits] {
                if overflowed || fraction > (MAX - 1) / 10 {
                    overflowed = true;
                    continue;
                }
                let next = fraction * 10 + u64::from(c - b'0');
                if next > MAX {
                    overflowed = true;
                    continue;
                }
                fraction = next;
                scale *= 10.0;
            }
            s = &s[fraction_digits..];
        }
        if digits == 0 && fraction_digits == 0 {
            return Err(DurationError::Invalid);
        }
        // The unit runs to the next digit or dot.
        let unit_len = s
            .iter()
            .take_while(|&&c| !(c == b'.' || c.is_ascii_digit()))
            .count();
        if unit_len == 0 {
            return Err(DurationError::MissingUnit);
        }
        let unit_text = String::from_utf8_lossy(&s[..unit_len]).into_owned();
        s = &s[unit_len..];
        let unit = unit_nanos(&unit_text).ok_or(DurationError::UnknownUnit(unit_text))?;
        if whole > MAX / unit {
            return Err(DurationError::Overflow);
        }
        let mut v = whole * unit;
        if fraction > 0 {
            v += (fraction as f64 * (unit as f64 / scale)) as u64;
            if v > MAX {
                return Err(DurationError::Overflow);
            }
        }
        total = total.checked_add(v).ok_or(DurationError::Overflow)?;
        if total > MAX {
            return Err(DurationError::Overflow);
        }
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    if total > MAX - 1 {
        return Err(DurationError::Overflow);
    }
    Ok(total as i64)
}

/// A non-negative duration written as Go writes them (`720h`, `1h30m`, `90s`), for arguments
/// such as a rotation interval; `None` for anything else.
pub fn parse_duration(text: &str) -> Option<Duration> {
    match parse_go_duration(text) {
        Ok(n) if n >= 0 => Some(Duration::from_nanos(n as u64)),
        _ => None,
    }
}

/// A timeout's value: `None` for no limit (zero), an error for text that is not a positive
/// duration.
pub fn parse_timeout(text: &str) -> Result<Option<Duration>, String> {
    match parse_go_duration(text) {
        Ok(0) => Ok(None),
        Ok(n) if n < 0 => Err("a timeout cannot be negative".into()),
        Ok(n) => Ok(Some(Duration::from_nanos(n as u64))),
        Err(e) => Err(e.to_string()),
    }
}

fn has_timeouts(schema: &Schema) -> bool {
    schema.block.blocks.iter().any(|b| b.name == "timeouts")
}

fn invalid(op: &str, text: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid timeout",
        format!(
            "\
            `{text}` is not a usable duration: {why}. Use a number and a unit, such as `90s`, \
            `5m` or `1h30m` (units: ns, us, ms, s, m, h), or `0` for no limit."
        ),
    )
    .at(AttrPath::attr("timeouts").then_attr(op))
}

/// Every bad timeout in `value`'s `timeouts` block, each at its path. Unknown ones wait.
pub fn check(schema: &Schema, value: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if !has_timeouts(schema) {
        return diags;
    }
    for op in OPERATIONS {
        if let Value::String(text) = value.attr("timeouts").attr(op)
            && let Err(why) = parse_timeout(text)
        {
            diags.push(invalid(op, text, &why));
        }
    }
    diags
}

/// The limit for `op` from `value`'s `timeouts` block, if any.
pub fn limit(schema: &Schema, value: &Value, op: &str) -> Result<Option<Duration>, Diagnostics> {
    if !has_timeouts(schema) {
        return Ok(None);
    }
    match value.attr("timeouts").attr(op) {
        Value::String(text) => parse_timeout(text).map_err(|why| invalid(op, text, &why).into()),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: i64 = 1;
    const US: i64 = 1_000;
    const MS: i64 = 1_000_000;
    const S: i64 = 1_000_000_000;
    const M: i64 = 60 * S;
    const H: i64 = 60 * M;

    #[test]
    fn durations_parse_like_go() {
        // The cases of Go's own time.ParseDuration tests.
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("5s", 5 * S),
            ("30s", 30 * S),
            ("1478s", 1478 * S),
            ("-5s", -5 * S),
            ("+5s", 5 * S),
            ("-0", 0),
            ("+0", 0),
            ("5.0s", 5 * S),
            ("5.6s", 5 * S + 600 * MS),
            ("5.s", 5 * S),
            (".5s", 500 * MS),
            ("1.0s", S),
            ("1.00s", S),
            ("1.004s", S + 4 * MS),
            ("1.0040s", S + 4 * MS),
            ("100.00100s", 100 * S + MS),
            ("10ns", 10 * NS),
            ("11us", 11 * US),
            ("12\u{b5}s", 12 * US),
            ("12\u{3bc}s", 12 * US),
            ("13ms", 13 * MS),
            ("14s", 14 * S),
            ("15m", 15 * M),
            ("16h", 16 * H),
            ("3h30m", 3 * H + 30 * M),
            ("10.5s4m", 4 * M + 10 * S + 500 * MS),
            ("-2m3.4s", -(2 * M + 3 * S + 400 * MS)),
            (
                "1h2m3s4ms5us6ns",
                H + 2 * M + 3 * S + 4 * MS + 5 * US + 6 * NS,
            ),
            ("39h9m14.425s", 39 * H + 9 * M + 14 * S + 425 * MS),
            ("52763797000ns", 52763797000 * NS),
            ("0.3333333333333333333h", 20 * M),
            ("9007199254740993ns", (1 << 53) + 1),
            ("9223372036854775807ns", i64::MAX),
            ("9223372036854775.807us", i64::MAX),
            ("9223372036s854ms775us807ns", i64::MAX),
            ("-9223372036854775808ns", i64::MIN),
            ("-9223372036854775.808us", i64::MIN),
            ("-2562047h47m16.854775808s", i64::MIN),
            ("0.100000000000000000000h", 6 * M),
            ("0.830103483285477580700h", 49 * M + 48 * S + 372539827 * NS),
            ("500us", 500 * US),
        ];
        for (text, want) in cases {
            assert_eq!(parse_go_duration(text), Ok(*want), "{text}");
        }
    }

    #[test]
    fn what_go_refuses_is_refused_with_the_reason() {
        for text in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "1.5.s",
            "ten minutes",
        ] {
            assert!(
                parse_go_duration(text).is_err(),
                "{text:?} should not parse"
            );
        }
        assert_eq!(parse_go_duration("10"), Err(DurationError::MissingUnit));
        assert_eq!(
            parse_go_duration("1d"),
            Err(DurationError::UnknownUnit("d".into()))
        );
        for text in [
            "9223372036854775808ns",
            "9223372036854775.808us",
            "9223372036854ms775us808ns",
            "-9223372036854775809ns",
            "9000000000000000h",
            "3000000h",
        ] {
            assert_eq!(
                parse_go_duration(text),
                Err(DurationError::Overflow),
                "{text}"
            );
        }
    }

    #[test]
    fn timeouts_are_positive_or_zero_for_no_limit() {
        assert_eq!(parse_timeout("0"), Ok(None));
        assert_eq!(parse_timeout("250ms"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(parse_timeout("1h30m"), Ok(Some(Duration::from_secs(5400))));
        assert!(parse_timeout("-1s").unwrap_err().contains("negative"));
        assert!(
            parse_timeout("9000000000000000h")
                .unwrap_err()
                .contains("2562047")
        );
    }

    #[test]
    fn every_bad_timeout_is_reported_at_its_path() {
        use crate::framework::plan::object;
        use crate::framework::schema::{Block, timeouts_block};
        let schema = Schema::new(0, Block::new("t").block(timeouts_block()));
        let config = object([(
            "timeouts",
            object([
                ("create", Value::string("9000000000000000h")),
                ("read", Value::string("500us")),
                ("update", Value::string("soon")),
                ("delete", Value::Unknown),
            ]),
        )]);
        let diags = check(&schema, &config);
        let paths: Vec<String> = diags
            .iter()
            .map(|d| d.path.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(paths, ["timeouts.create", "timeouts.update"]);
        assert_eq!(
            limit(&schema, &config, "read"),
            Ok(Some(Duration::from_micros(500)))
        );
        assert!(limit(&schema, &config, "create").is_err());
        assert_eq!(limit(&schema, &config, "delete"), Ok(None));
    }
}
