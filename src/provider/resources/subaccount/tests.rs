//! `vonage_subaccount`'s unit tests: validation, plan-time refusals, the PATCH, the credit
//! line's checks and the version-0 upgrade, without the API.
//!
//! Must not: reach the API; plan checks run with no provider data (`ctx.data` is `None`).

use super::*;
use crate::framework::cty::Number;
use tokio_util::sync::CancellationToken;

fn model(name: &str, suspended: bool, shared: bool) -> Model {
    Model {
        api_key: Some("bbe6222f".into()),
        name: Some(name.into()),
        use_primary_account_balance: Some(shared),
        suspended: Some(suspended),
        ..Model::default()
    }
}

fn validate(config: &Model) -> Vec<(String, String)> {
    let unknown = |_: &str| false;
    Subaccount
        .validate(ValidateRequest {
            config,
            unknown: &unknown,
        })
        .iter()
        .map(|d| (d.summary.clone(), d.path.as_ref().unwrap().to_string()))
        .collect()
}

#[test]
fn the_patch_carries_every_planned_value_not_only_the_changed_ones() {
    let planned = model("renamed", false, true);
    assert_eq!(
        patch_for(&planned),
        ModifySubaccount {
            name: Some("renamed".into()),
            suspended: Some(false),
            use_primary_account_balance: Some(true),
        }
    );
    let own = model("own", true, false);
    let patch = patch_for(&own);
    assert_eq!(
        (patch.suspended, patch.use_primary_account_balance),
        (Some(true), Some(false))
    );
}

#[test]
fn names_must_be_1_to_80_characters_and_secrets_strong() {
    assert!(validate(&model("ok", false, true)).is_empty());
    assert!(validate(&model(&"é".repeat(NAME_MAX), false, true)).is_empty());
    for bad in [String::new(), "x".repeat(NAME_MAX + 1)] {
        assert_eq!(
            validate(&model(&bad, false, true)),
            [("Invalid subaccount name".to_string(), "name".to_string())]
        );
    }
    let weak = Model {
        secret_wo: Some("weakling".into()),
        ..model("ok", false, true)
    };
    assert_eq!(
        validate(&weak),
        [(
            "API secret too weak for Vonage".to_string(),
            "secret_wo".to_string()
        )]
    );
}

#[tokio::test]
async fn switching_back_to_the_primarys_balance_is_refused_at_plan_time() {
    let private = crate::framework::private::PrivateState::default();
    let ctx = Ctx {
        data: None,
        cancel: CancellationToken::new(),
        private: &private,
        warnings: &Default::default(),
    };
    let unknown = |_: &str| false;
    let prior = model("own", false, false);
    let back = model("own", false, true);
    let refused = Subaccount
        .modify_plan(
            &ctx,
            PlanRequest {
                prior: Some(&prior),
                planned: back.clone(),
                config: &back,
                unknown: &unknown,
            },
        )
        .await
        .err()
        .expect("refused");
    let d = refused.iter().next().unwrap();
    assert_eq!(d.path, Some(AttrPath::attr("use_primary_account_balance")));
    assert!(d.detail.contains("bbe6222f"), "{}", d.detail);
    // The other way (shared to own) is a normal update.
    let shared = model("s", false, true);
    let own = model("s", false, false);
    assert!(
        Subaccount
            .modify_plan(
                &ctx,
                PlanRequest {
                    prior: Some(&shared),
                    planned: own.clone(),
                    config: &own,
                    unknown: &unknown,
                },
            )
            .await
            .is_ok()
    );
}

fn n(text: &str) -> Number {
    text.parse().unwrap()
}

/// State exactly as version 0 wrote it (the shape `terraform show -json` shows), with a
/// credit line of 25 EUR (the API's -25).
const V0_STATE: &str = r#"{
    "api_key": "bbe6222f", "name": "payments", "use_primary_account_balance": false,
    "suspended": false, "secret_wo": null, "primary_account_api_key": "abcd1234",
    "balance": 1.5, "credit_limit": -25.0, "created_at": "2024-08-28T14:11:32.000Z",
    "timeouts": null
}"#;

#[test]
fn version_0_state_gains_an_id_and_a_positive_credit_limit() {
    use crate::framework::resource::DynResource;
    use crate::framework::upgrade::RawState;
    let upgrade = |json: &str| {
        DynResource::upgrade_state(
            &Subaccount,
            0,
            RawState {
                json: json.as_bytes(),
                flatmap: false,
            },
        )
        .unwrap()
    };
    let v = upgrade(V0_STATE);
    assert_eq!(v.attr("id"), &Value::string("bbe6222f"));
    assert_eq!(v.attr("api_key"), &Value::string("bbe6222f"));
    assert_eq!(v.attr("credit_limit"), &Value::Number(n("25")));
    assert_eq!(v.attr("balance"), &Value::Number(n("1.5")));
    assert_eq!(v.attr("name"), &Value::string("payments"));
    // A shared-balance subaccount has no credit line, before and after.
    let shared = V0_STATE
        .replace("\"credit_limit\": -25.0", "\"credit_limit\": null")
        .replace("\"balance\": 1.5", "\"balance\": null");
    assert_eq!(upgrade(&shared).attr("credit_limit"), &Value::Null);
    // An allocation of zero stays zero (not -0).
    let zero = V0_STATE.replace("-25.0", "0.0");
    assert_eq!(upgrade(&zero).attr("credit_limit"), &Value::Number(n("0")));
    // Version 1 state is read as it is: the sign is not flipped twice.
    let v1 = DynResource::upgrade_state(
        &Subaccount,
        1,
        RawState {
            json: br#"{"id": "bbe6222f", "api_key": "bbe6222f", "name": "p", "credit_limit": 25}"#,
            flatmap: false,
        },
    )
    .unwrap();
    assert_eq!(v1.attr("credit_limit"), &Value::Number(n("25")));
}

#[test]
fn a_credit_line_is_a_positive_amount_on_an_own_balance() {
    let own = |credit: &str| Model {
        credit_limit: Some(n(credit)),
        ..model("ok", false, false)
    };
    assert!(validate(&own("25")).is_empty());
    assert!(validate(&own("0")).is_empty());
    assert!(validate(&own("0.00000001")).is_empty());
    let invalid = [(
        "Invalid credit limit".to_string(),
        "credit_limit".to_string(),
    )];
    assert_eq!(validate(&own("-25")), invalid);
    assert_eq!(validate(&own("0.000000001")), invalid);
    let needs_own = [(
        "A credit line needs an own balance".to_string(),
        "credit_limit".to_string(),
    )];
    let shared = Model {
        credit_limit: Some(n("10")),
        ..model("ok", false, true)
    };
    assert_eq!(validate(&shared), needs_own);
    // Left out, use_primary_account_balance defaults to true: refused too.
    let defaulted = Model {
        use_primary_account_balance: None,
        ..shared.clone()
    };
    assert_eq!(validate(&defaulted), needs_own);
    // Not known yet: the plan checks it once it is.
    let unknown = |name: &str| name == "use_primary_account_balance";
    let later = Subaccount.validate(ValidateRequest {
        config: &defaulted,
        unknown: &unknown,
    });
    assert!(later.is_empty());
}

#[tokio::test]
async fn returning_credit_the_subaccount_has_spent_is_refused_at_plan_time() {
    let private = crate::framework::private::PrivateState::default();
    let ctx = Ctx {
        data: None,
        cancel: CancellationToken::new(),
        private: &private,
        warnings: &Default::default(),
    };
    let unknown = |_: &str| false;
    // 30 EUR allocated, 12 of it spent (balance -12): 18 can go back.
    let prior = Model {
        balance: Some(n("-12")),
        credit_limit: Some(n("30")),
        ..model("own", false, false)
    };
    let plan = |credit: &str| {
        let planned = Model {
            credit_limit: Some(n(credit)),
            ..prior.clone()
        };
        let prior = &prior;
        let unknown = &unknown;
        let ctx = &ctx;
        async move {
            Subaccount
                .modify_plan(
                    ctx,
                    PlanRequest {
                        prior: Some(prior),
                        planned: planned.clone(),
                        config: &planned,
                        unknown,
                    },
                )
                .await
                .err()
        }
    };
    assert!(plan("12").await.is_none(), "returning 18 is fine");
    let refused = plan("11.99").await.expect("18.01 is more than is left");
    let d = refused.iter().next().unwrap();
    assert_eq!(d.path, Some(AttrPath::attr("credit_limit")));
    assert!(
        d.detail.contains("18 EUR") && d.detail.contains("18.01"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("set it to at least 12"), "{}", d.detail);
    // Without the provider configured an increase cannot be checked, and is left to apply.
    assert!(plan("500").await.is_none());
    // A planned shared balance has no credit line.
    let shared = Model {
        use_primary_account_balance: Some(true),
        credit_limit: Some(n("5")),
        ..model("s", false, true)
    };
    let refused = Subaccount
        .modify_plan(
            &ctx,
            PlanRequest {
                prior: None,
                planned: shared.clone(),
                config: &shared,
                unknown: &unknown,
            },
        )
        .await
        .err()
        .expect("refused");
    assert_eq!(
        refused.iter().next().unwrap().summary,
        "A credit line needs an own balance"
    );
}

#[test]
fn a_duplicate_name_is_refused_with_the_import_block_that_adopts_it() {
    let found = |key: &str, at: &str| crate::vonage::Subaccount {
        api_key: key.into(),
        primary_account_api_key: "abcd1234".into(),
        name: "team".into(),
        use_primary_account_balance: true,
        balance: None,
        credit_limit: None,
        suspended: false,
        created_at: at.into(),
    };
    let one = duplicates::duplicate(
        "abcd1234",
        "team",
        &[found("aaaa1111", "2026-12-01T10:00:00Z")],
    );
    assert_eq!(
        one.summary,
        "An active subaccount named \"team\" already exists"
    );
    assert_eq!(one.path, Some(AttrPath::attr("name")));
    for words in [
        "aaaa1111 (created 2026-12-01T10:00:00Z)",
        "  import {\n    to = ADDRESS\n    id = \"aaaa1111\"\n  }",
        "terraform import ADDRESS aaaa1111",
        "allow_duplicate_name = true",
        "`create_before_destroy`",
        "`-refresh=false`",
    ] {
        assert!(one.detail.contains(words), "{words}: {}", one.detail);
    }
    let two = duplicates::duplicate(
        "abcd1234",
        "team",
        &[
            found("aaaa1111", "2026-12-01T10:00:00Z"),
            found("bbbb2222", "2026-12-02T10:00:00Z"),
        ],
    );
    assert!(two.detail.contains("id = \"aaaa1111\"") && two.detail.contains("id = \"bbbb2222\""));
}
