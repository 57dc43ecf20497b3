//! Timestamp formats of the APIs.
//!
//! Owns: the machine's clock reading (Unix milliseconds; the sandbox's own
//! "now" is `clock`'s, which starts from it) and the three text formats: secrets `YYYY-MM-DDTHH:MM:SSZ`, subaccounts and transfers
//! `YYYY-MM-DDTHH:MM:SS.mmmZ`, and the strict `start_date`/`end_date` query
//! format (`YYYY-MM-DDTHH:MM:SSZ`, no milliseconds).
//! Must not: decide which format a route uses (routes and `render` do).

use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Milliseconds since the Unix epoch, now, by the machine's clock. What the
/// API stamps or rates by is `SandboxState::now_ms` instead (the sandbox's
/// clock, which a test can move); this times requests.
pub fn wall_clock_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2017-03-02T16:34:49Z` (secrets).
pub fn seconds_z(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    datetime(ms).format(&format).unwrap_or_default()
}

/// `2024-08-28T14:11:32.327Z` (subaccounts, transfers).
pub fn millis_z(ms: i64) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    datetime(ms).format(&format).unwrap_or_default()
}

/// Drops the milliseconds, as later reads of a subaccount show `.000Z`.
pub fn truncate_to_second(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

/// Parses the strict query format `YYYY-MM-DDTHH:MM:SSZ` into Unix ms.
/// Anything else (milliseconds, offsets, date only) is `None` ("Malformed").
pub fn parse_query_date(text: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let parsed = PrimitiveDateTime::parse(text, &format).ok()?;
    Some((parsed.assume_utc().unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let ms = 1_724_854_292_327; // 2024-08-28T14:11:32.327Z
        assert_eq!(seconds_z(ms), "2024-08-28T14:11:32Z");
        assert_eq!(millis_z(ms), "2024-08-28T14:11:32.327Z");
        assert_eq!(millis_z(truncate_to_second(ms)), "2024-08-28T14:11:32.000Z");
    }

    #[test]
    fn query_dates_are_strict() {
        assert_eq!(
            parse_query_date("2024-08-28T14:11:32Z"),
            Some(1_724_854_292_000)
        );
        assert_eq!(parse_query_date("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "2024-08-28T14:11:32.000Z",
            "2024-08-28",
            "2024-08-28T14:11:32+00:00",
            "",
        ] {
            assert_eq!(parse_query_date(bad), None, "{bad}");
        }
    }
}
