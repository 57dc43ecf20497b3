//! The provider's reading of the clock, for decisions that depend on the time of day (a
//! rotation that `rotate_after` makes due), with a **test hook**.
//!
//! [`now`] is the system clock, unless the environment variable [`TEST_CLOCK_FILE_ENV`] names a
//! file: then it is the RFC 3339 time written in that file, read afresh at every call. The
//! acceptance tests use it to move time between a plan and its apply without sleeping (a file,
//! not a variable, so that a test can move it while one `terraform apply` waits for approval).
//! It is a test hook, not a feature: it is documented nowhere else, and every reading through
//! it is logged at warn level, so it cannot go unnoticed in a real run's logs. A file that
//! cannot be read or parsed gives the system clock, with a warning.
//!
//! Must not: be read where a wrong time could do harm beyond planning a rotation early or late
//! (never for request signing, TLS or lost-create windows).

use std::ffi::OsString;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::logging;

/// The test hook: the path of a file holding the time the provider takes for now.
pub const TEST_CLOCK_FILE_ENV: &str = "VONAGE_PROVIDER_TEST_CLOCK_FILE";

/// Now, as the provider reads it (see the module's doc for the test hook).
pub fn now() -> OffsetDateTime {
    now_from(
        std::env::var_os(TEST_CLOCK_FILE_ENV),
        OffsetDateTime::now_utc,
    )
}

fn now_from(hook: Option<OsString>, system: impl Fn() -> OffsetDateTime) -> OffsetDateTime {
    let Some(path) = hook.filter(|p| !p.is_empty()) else {
        return system();
    };
    let shown = path.to_string_lossy().into_owned();
    let read = std::fs::read_to_string(&path).map_err(|e| e.to_string());
    match read.and_then(|t| OffsetDateTime::parse(t.trim(), &Rfc3339).map_err(|e| e.to_string())) {
        Ok(t) => {
            logging::warn(
                "test clock in use: the time comes from a file",
                &[("env", TEST_CLOCK_FILE_ENV), ("file", &shown)],
            );
            t
        }
        Err(e) => {
            logging::warn(
                "test clock file unusable: using the system clock",
                &[
                    ("env", TEST_CLOCK_FILE_ENV),
                    ("file", &shown),
                    ("error", &e),
                ],
            );
            system()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).unwrap()
    }

    #[test]
    fn the_file_sets_the_time_and_anything_else_gives_the_system_clock() {
        let system = || at("2026-01-01T00:00:00Z");
        assert_eq!(now_from(None, system), system());
        assert_eq!(now_from(Some("".into()), system), system());
        let dir = std::env::temp_dir().join(format!("clock-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("now");
        std::fs::write(&file, "2027-05-06T07:08:09Z\n").unwrap();
        assert_eq!(
            now_from(Some(file.clone().into()), system),
            at("2027-05-06T07:08:09Z")
        );
        std::fs::write(&file, "tomorrow").unwrap();
        assert_eq!(now_from(Some(file.clone().into()), system), system());
        assert_eq!(now_from(Some(dir.join("absent").into()), system), system());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
