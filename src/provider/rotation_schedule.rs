//! When `rotate_after` makes a rotation of `vonage_api_secret_rotation` due: decided at
//! refresh, never between a plan and its apply.
//!
//! Terraform plans a change twice: once for the plan that is saved or shown for approval, and
//! again, from the same prior state, when it applies it (for every instance the plan changes).
//! The two must agree: a computed value the first plan knew must not turn unknown in the
//! second. A rotation decided from the clock at plan time breaks that whenever the due time
//! falls between the two (a saved plan applied later, or a plan approved slowly): Terraform
//! stops with "Provider produced inconsistent final plan".
//!
//! So only ReadResource (the refresh) reads the clock. [`decide_at_refresh`] compares it with
//! `rotated_at` and the `rotate_after` in state, and when the rotation is due it records that
//! in the object's private state, which Terraform stores with the refreshed state (a saved plan
//! included) and hands back to both plans as their prior private state. [`due`] reads only that
//! record, the same way each time. The record names the `rotated_at` and `rotate_after` it was
//! decided for, and holds no time of its own, so a refresh that finds nothing new leaves the
//! private state as it was (a `plan -refresh-only -detailed-exitcode` reports no change).
//!
//! Consequences, which the resource's docs state:
//! - An apply drops the record ([`forget`]): a plan made with `-refresh=false` after it never
//!   rotates by time; a rotation falls due only at a refresh. (A refresh that
//!   `apply -refresh-only` saves keeps its record, as any refreshed state is kept, and a later
//!   `-refresh=false` plan acts on what it found.)
//! - A new `rotate_after` in the configuration does not rotate in the plan that changes it (the
//!   refresh decided with the value in state); it counts from the next refresh after that apply.
//!
//! hashicorp/time's `time_rotating` decides at refresh as well, but by removing itself from
//! state so that Terraform creates it again. This resource cannot do that: its state names the
//! two secrets it owns (`current_id`, `previous_id`), which would be orphaned. It keeps the
//! decision beside its state instead.
//!
//! Must not: read the clock anywhere but [`decide_at_refresh`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::framework::private::PrivateState;
use crate::framework::timeouts::parse_duration;

use super::clock;

/// The private-state key of a [`Due`] record.
const DUE: &str = "rotation_due";

/// A refresh found `rotate_after` elapsed since `rotated_at` (both as in state then).
#[derive(Serialize, Deserialize)]
struct Due {
    rotated_at: String,
    rotate_after: String,
}

/// ReadResource: record whether `rotate_after` has passed since `rotated_at` (as the refreshed
/// state holds them), now.
pub fn decide_at_refresh(
    private: &PrivateState,
    rotated_at: Option<&str>,
    rotate_after: Option<&str>,
) {
    match (rotated_at, rotate_after) {
        (Some(since), Some(after)) if elapsed(since, after, clock::now()) => private.set(
            DUE,
            &Due {
                rotated_at: since.to_owned(),
                rotate_after: after.to_owned(),
            },
        ),
        _ => private.remove(DUE),
    }
}

/// ApplyResourceChange: the state an apply leaves carries no decision (see the module's doc).
pub fn forget(private: &PrivateState) {
    private.remove(DUE);
}

/// PlanResourceChange: whether the refresh the prior state comes from found the rotation due,
/// for this `rotated_at` (prior state) and this `rotate_after` (the plan's).
pub fn due(private: &PrivateState, rotated_at: Option<&str>, rotate_after: Option<&str>) -> bool {
    private.get::<Due>(DUE).is_some_and(|d| {
        Some(d.rotated_at.as_str()) == rotated_at && Some(d.rotate_after.as_str()) == rotate_after
    })
}

/// Whether `after` (a duration) has passed since `since` (RFC 3339) at `now`.
fn elapsed(since: &str, after: &str, now: OffsetDateTime) -> bool {
    match (
        parse_duration(after),
        OffsetDateTime::parse(since, &Rfc3339),
    ) {
        (Some(after), Ok(since)) => now - since >= after,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).unwrap()
    }

    #[test]
    fn elapsed_compares_with_rotated_at() {
        let since = "2026-01-01T00:00:00Z";
        let now = at("2026-01-02T00:00:00Z");
        assert!(elapsed(since, "24h", now));
        assert!(!elapsed(since, "25h", now));
        assert!(!elapsed(since, "1s", at("2025-12-31T00:00:00Z")));
        assert!(!elapsed("yesterday", "1s", now) && !elapsed(since, "a day", now));
    }

    #[test]
    fn a_due_refresh_is_recorded_for_its_values_and_an_apply_forgets_it() {
        let (since, after) = (Some("2026-01-01T00:00:00Z"), Some("1h"));
        let private = PrivateState::default();
        // Long past due by the clock: only a refresh decides.
        assert!(!due(&private, since, after));
        decide_at_refresh(&private, since, after);
        // Through the bytes Terraform keeps with the state and hands to both plans.
        let kept = PrivateState::from_bytes(&private.to_bytes());
        assert!(due(&kept, since, after));
        // For another rotated_at (a rotation since), or a new rotate_after, it does not hold.
        assert!(!due(&kept, Some("2026-01-01T00:00:01Z"), after));
        assert!(!due(&kept, since, Some("2h")) && !due(&kept, since, None));
        // Deciding again finds the same thing and changes nothing.
        let bytes = kept.to_bytes();
        decide_at_refresh(&kept, since, after);
        assert_eq!(kept.to_bytes(), bytes);
        forget(&kept);
        assert!(!due(&kept, since, after) && kept.to_bytes().is_empty());
        // Not due: nothing is recorded at all.
        decide_at_refresh(&kept, Some("2999-01-01T00:00:00Z"), after);
        assert!(kept.to_bytes().is_empty());
    }
}
