//! `vonage_api_secret_rotation`'s unit tests: the plan's rotation decisions from the prior
//! state and private state (never the clock), validation and the refusals, without the API.
//!
//! Must not: reach the API.

use super::*;

/// What a refresh that found a rotation due for `state(_, Some("24h"))` keeps.
const DUE_24H: &str =
    r#"{"rotation_due":{"rotated_at":"2026-01-01T00:00:00Z","rotate_after":"24h"}}"#;

fn state(version: Option<i64>, rotate_after: Option<&str>) -> Model {
    Model {
        api_key: Some("bbe6222f".into()),
        secret_wo_version: version.map(Number::from),
        rotate_after: rotate_after.map(str::to_owned),
        current_id: Some("cur".into()),
        previous_id: Some("prev".into()),
        rotated_at: Some("2026-01-01T00:00:00Z".into()),
        ..Model::default()
    }
}

#[test]
fn only_a_new_version_a_due_schedule_or_a_missing_current_secret_rotates() {
    let now = &PrivateState::from_bytes(DUE_24H.as_bytes());
    let prior = state(Some(1), None);
    assert_eq!(rotation_due(&prior, &state(Some(1), None), now), None);
    assert_eq!(
        rotation_due(&prior, &state(Some(2), None), now),
        Some(Rotation::Version)
    );
    // Recording a version after an import, or removing it, does not rotate.
    assert_eq!(
        rotation_due(&state(None, None), &state(Some(1), None), now),
        None
    );
    assert_eq!(rotation_due(&prior, &state(None, None), now), None);
    // By time, as the refresh decided for this rotate_after; a new one waits for a refresh.
    assert_eq!(
        rotation_due(&prior, &state(Some(1), Some("24h")), now),
        Some(Rotation::Schedule)
    );
    assert_eq!(
        rotation_due(&prior, &state(Some(1), Some("25h")), now),
        None
    );
    let unrefreshed = &PrivateState::default();
    assert_eq!(
        rotation_due(&prior, &state(Some(1), Some("24h")), unrefreshed),
        None
    );
    let gone = Model {
        current_id: None,
        ..prior.clone()
    };
    assert_eq!(
        rotation_due(&gone, &state(Some(1), None), now),
        Some(Rotation::CurrentMissing)
    );
}

#[test]
fn rotate_after_must_be_a_positive_duration() {
    let unknown = |_: &str| false;
    for (value, ok) in [
        ("720h", true),
        ("1h30m", true),
        ("0s", false),
        ("30 days", false),
        ("999999999h", false),
    ] {
        let config = state(Some(1), Some(value));
        let diags = ApiSecretRotation.validate(ValidateRequest {
            config: &config,
            unknown: &unknown,
        });
        assert_eq!(diags.is_empty(), ok, "{value}: {diags}");
    }
    // Each refusal says what is wrong: too long is not "not positive".
    let said = |v: &str| rotate_after_problem(v).unwrap();
    assert!(said("999999999h").contains("longer than Terraform's durations can hold"));
    assert!(!said("999999999h").contains("not longer than zero"));
    assert!(said("0s").contains("not longer than zero"));
    assert!(said("-5m").contains("not longer than zero"));
    assert!(said("30 days").contains("cannot be read as a duration"));
}

#[tokio::test]
async fn a_rotation_plans_the_current_secret_as_previous_and_the_rest_after_apply() {
    use tokio_util::sync::CancellationToken;
    let private = crate::framework::private::PrivateState::default();
    let ctx = Ctx {
        data: None,
        cancel: CancellationToken::new(),
        private: &private,
        warnings: &Default::default(),
    };
    let unknown = |_: &str| false;
    let prior = state(Some(1), None);
    let config = Model {
        secret_wo: Some("NewSecret123".into()),
        ..state(Some(2), None)
    };
    let planned = ApiSecretRotation
        .modify_plan(
            &ctx,
            PlanRequest {
                prior: Some(&prior),
                planned: state(Some(2), None),
                config: &config,
                unknown: &unknown,
            },
        )
        .await
        .unwrap_or_else(|d| panic!("not planned: {d}"));
    assert_eq!(planned.previous_id.as_deref(), Some("cur"));
    assert_eq!(
        ApiSecretRotation.known_after_apply(&planned),
        ["current_id", "rotated_at"]
    );
    // Without a value to create the new secret from, the plan says what to set.
    let err = ApiSecretRotation
        .modify_plan(
            &ctx,
            PlanRequest {
                prior: Some(&prior),
                planned: state(Some(2), None),
                config: &state(Some(2), None),
                unknown: &unknown,
            },
        )
        .await
        .err()
        .expect("refused");
    let d = err.iter().next().unwrap();
    assert_eq!(d.path, Some(AttrPath::attr("secret_wo")));
    assert!(d.detail.contains("secret_wo_version"), "{}", d.detail);
}

/// Due for years by the clock: only what the refresh recorded decides.
#[tokio::test]
async fn a_rotation_by_time_is_planned_from_the_refresh_and_never_from_the_clock() {
    for (private, rotates) in [("", false), (DUE_24H, true)] {
        let private = PrivateState::from_bytes(private.as_bytes());
        let ctx = Ctx {
            data: None,
            cancel: Default::default(),
            private: &private,
            warnings: &Default::default(),
        };
        let (prior, planned) = (state(Some(1), Some("24h")), state(Some(1), Some("24h")));
        let config = Model {
            secret_wo: Some("NewSecret123".into()),
            ..state(Some(1), Some("24h"))
        };
        let (config, unknown) = (&config, &|_: &str| false);
        let req = PlanRequest {
            prior: Some(&prior),
            planned,
            config,
            unknown,
        };
        let Ok(planned) = ApiSecretRotation.modify_plan(&ctx, req).await else {
            panic!()
        };
        assert_eq!(
            !ApiSecretRotation.known_after_apply(&planned).is_empty(),
            rotates
        );
    }
}
