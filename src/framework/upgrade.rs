//! State upgrades: reading state that an earlier version of a resource's schema wrote.
//!
//! Terraform calls `UpgradeResourceState` every time it loads state (plan, apply, refresh),
//! with the stored JSON and the schema version that wrote it, and expects the state back in
//! the current schema. [`upgrade_state`] decides, for every resource alike:
//! - the current version: decode with the current schema (attributes no longer in it are
//!   dropped, new ones read as null);
//! - an earlier version: hand it to the resource's [`StateUpgrader`] for that version (from
//!   `Resource::state_upgraders`), which returns a model of the current schema in one step,
//!   as terraform-plugin-framework's `ResourceWithUpgradeState` does;
//! - a later version, an earlier one without an upgrader, pre-0.12 flatmap state or JSON that
//!   cannot be read: an error that names the resource type and says what to do.
//!
//! Write-only attributes come out null whatever the upgrader returns.
//!
//! Must not: call any API. An upgrade sees no configuration and no provider data.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::cty::{self, CtyError, Value};
use super::diagnostics::{Diagnostic, Diagnostics};
use super::operation::model_error;
use super::plan;
use super::schema::Schema;

/// The stored state, as `UpgradeResourceState` carries it.
pub struct RawState<'a> {
    /// The state as JSON, written with the schema of the version that stored it.
    pub json: &'a [u8],
    /// True when the state is in the pre-0.12 flatmap form instead (never written by us).
    pub flatmap: bool,
}

/// What an upgrader gets: the stored state of one earlier version.
pub struct UpgradeStateRequest<'a> {
    /// The version that wrote the state.
    pub version: i64,
    /// The state decoded with the upgrader's `prior_schema`, when it has one.
    pub state: Option<&'a Value>,
    /// The stored JSON, as loose JSON.
    pub raw: &'a serde_json::Value,
}

impl UpgradeStateRequest<'_> {
    /// The stored state as a model of the earlier version: from `state` when the upgrader has
    /// a prior schema, otherwise from the loose JSON.
    pub fn prior<T: DeserializeOwned>(&self) -> Result<T, Diagnostics> {
        let decoded = match self.state {
            Some(v) => cty::serde::from_value(v),
            None => serde_json::from_value(self.raw.clone())
                .map_err(|e| CtyError::new(cty::serde::without_values(&e))),
        };
        decoded.map_err(|e| {
            Diagnostic::error(
                "Provider bug: a state upgrader cannot read its own version",
                format!(
                    "\
                    The state of schema version {} does not fit the model its upgrader expects \
                    ({e}). Please report this to the provider's maintainers.",
                    self.version
                ),
            )
            .into()
        })
    }
}

type UpgradeFn<M> = dyn Fn(UpgradeStateRequest<'_>) -> Result<M, Diagnostics> + Send + Sync;

/// One upgrade, from one earlier schema version straight to the current one.
pub struct StateUpgrader<M> {
    /// The schema of that version. With it, the upgrader receives the state decoded and
    /// type-checked; without it (`None`), only the loose JSON.
    pub prior_schema: Option<Schema>,
    pub upgrade: Box<UpgradeFn<M>>,
}

impl<M> StateUpgrader<M> {
    /// An upgrader that reads the state decoded with the earlier version's schema.
    pub fn with_schema(
        prior_schema: Schema,
        upgrade: impl Fn(UpgradeStateRequest<'_>) -> Result<M, Diagnostics> + Send + Sync + 'static,
    ) -> Self {
        StateUpgrader {
            prior_schema: Some(prior_schema),
            upgrade: Box::new(upgrade),
        }
    }

    /// An upgrader that reads the stored JSON as it is.
    pub fn from_json(
        upgrade: impl Fn(UpgradeStateRequest<'_>) -> Result<M, Diagnostics> + Send + Sync + 'static,
    ) -> Self {
        StateUpgrader {
            prior_schema: None,
            upgrade: Box::new(upgrade),
        }
    }
}

fn unreadable(type_name: &str, version: i64, e: &CtyError) -> Diagnostics {
    // The path, never the message: a message can quote a stored value, and state holds secrets.
    let what = if e.path.is_empty() {
        "it is not a JSON object of the expected shape".to_owned()
    } else {
        format!("the value at `{}` does not fit the schema", e.path)
    };
    Diagnostic::error(
        format!("Unreadable state of {type_name}"),
        format!(
            "\
            The stored state of this `{type_name}` (schema version {version}) could not be read: \
            {what}. Remove it from state with `terraform state rm` and import the object again."
        ),
    )
    .into()
}

/// Turn stored state of schema `version` into a value of the current `schema`, using
/// `upgraders` (asked for only when the version is an earlier one).
pub fn upgrade_state<M: Serialize>(
    type_name: &str,
    schema: &Schema,
    version: i64,
    raw: RawState<'_>,
    upgraders: impl FnOnce() -> BTreeMap<i64, StateUpgrader<M>>,
) -> Result<Value, Diagnostics> {
    let current = schema.version;
    if version > current {
        return Err(Diagnostic::error(
            format!("State of {type_name} written by a newer provider"),
            format!(
                "\
                This `{type_name}` was stored by a provider whose schema version is {version}, \
                newer than this provider's {current}. Use that provider version or a later one."
            ),
        )
        .into());
    }
    if raw.json.is_empty() && raw.flatmap {
        return Err(Diagnostic::error(
            format!("Unsupported state format for {type_name}"),
            format!(
                "\
                This `{type_name}` is stored in the pre-0.12 flatmap format, which this provider \
                never wrote. Remove it from state with `terraform state rm` and import it again."
            ),
        )
        .into());
    }
    let ty = schema.value_type();
    let mut state = if version == current {
        cty::json::decode(raw.json, &ty).map_err(|e| unreadable(type_name, version, &e))?
    } else {
        let mut all = upgraders();
        let Some(upgrader) = all.remove(&version) else {
            return Err(Diagnostic::error(
                format!("No state upgrade for {type_name} version {version}"),
                format!(
                    "\
                    This provider (schema version {current}) has no upgrade from the state this \
                    `{type_name}` was stored with (version {version}). Remove it from state \
                    with `terraform state rm` and import the object again, and report this to \
                    the provider's maintainers."
                ),
            )
            .into());
        };
        let loose: serde_json::Value = serde_json::from_slice(raw.json)
            .map_err(|e| unreadable(type_name, version, &CtyError::new(e.to_string())))?;
        if !loose.is_object() {
            return Err(unreadable(
                type_name,
                version,
                &CtyError::new("not an object"),
            ));
        }
        let decoded = match &upgrader.prior_schema {
            Some(prior) => Some(
                cty::json::decode(raw.json, &prior.value_type())
                    .map_err(|e| unreadable(type_name, version, &e))?,
            ),
            None => None,
        };
        let model = (upgrader.upgrade)(UpgradeStateRequest {
            version,
            state: decoded.as_ref(),
            raw: &loose,
        })?;
        cty::serde::to_value(&model, &ty).map_err(|e| model_error(type_name, e))?
    };
    plan::null_write_only(&schema.block, &mut state);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::framework::resource::{ApplyFailure, CreateRequest, Ctx, UpdateRequest};
    use crate::framework::schema::{Attribute, Block};

    /// A resource whose schema went through three versions:
    /// 0: `{ name, size }` with `size` a string such as "10GB";
    /// 1: `{ name, size_gb }`, a number;
    /// 2 (current): `{ name, size_gb, label }`, with `label` new and `secret_wo` write-only.
    fn current() -> Schema {
        Schema::new(
            2,
            Block::new("t")
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::number("size_gb").optional())
                .attribute(Attribute::string("label").optional().computed())
                .attribute(Attribute::string("secret_wo").optional().write_only()),
        )
    }

    fn version_1() -> Schema {
        Schema::new(
            1,
            Block::new("t")
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::number("size_gb").optional()),
        )
    }

    #[derive(Serialize, Deserialize, Default)]
    struct Model {
        name: Option<String>,
        size_gb: Option<i64>,
        label: Option<String>,
        secret_wo: Option<String>,
    }

    #[derive(Deserialize)]
    struct ModelV0 {
        name: String,
        size: String,
    }

    #[derive(Deserialize)]
    struct ModelV1 {
        name: Option<String>,
        size_gb: Option<i64>,
    }

    fn upgraders() -> BTreeMap<i64, StateUpgrader<Model>> {
        BTreeMap::from([
            (
                0,
                StateUpgrader::from_json(|req| {
                    let old: ModelV0 = req.prior()?;
                    Ok(Model {
                        name: Some(old.name),
                        size_gb: old.size.trim_end_matches("GB").parse().ok(),
                        label: Some("from v0".into()),
                        // An upgrader cannot put a write-only value in state.
                        secret_wo: Some("Leaked1234".into()),
                    })
                }),
            ),
            (
                1,
                StateUpgrader::with_schema(version_1(), |req| {
                    assert!(req.state.is_some(), "decoded with the prior schema");
                    let old: ModelV1 = req.prior()?;
                    Ok(Model {
                        name: old.name,
                        size_gb: old.size_gb,
                        ..Model::default()
                    })
                }),
            ),
        ])
    }

    fn upgrade(version: i64, json: &str) -> Result<Value, Diagnostics> {
        let raw = RawState {
            json: json.as_bytes(),
            flatmap: false,
        };
        upgrade_state("test_thing", &current(), version, raw, upgraders)
    }

    fn summary(r: Result<Value, Diagnostics>) -> String {
        let d = r.expect_err("an error");
        let d = d.iter().next().unwrap();
        format!("{} | {}", d.summary, d.detail)
    }

    #[test]
    fn each_earlier_version_has_its_upgrader_and_lands_in_the_current_schema() {
        let v = upgrade(0, r#"{"name":"a","size":"10GB"}"#).unwrap();
        assert_eq!(v.attr("name"), &Value::string("a"));
        assert_eq!(v.attr("size_gb"), &Value::Number(10.into()));
        assert_eq!(v.attr("label"), &Value::string("from v0"));
        assert_eq!(v.attr("secret_wo"), &Value::Null, "write-only nulled");

        let v = upgrade(1, r#"{"name":"b","size_gb":3}"#).unwrap();
        assert_eq!(v.attr("size_gb"), &Value::Number(3.into()));
        assert_eq!(v.attr("label"), &Value::Null);
    }

    #[test]
    fn the_current_version_is_read_with_the_current_schema() {
        let v = upgrade(2, r#"{"name":"c","size_gb":1,"gone":true,"secret_wo":"x"}"#).unwrap();
        assert_eq!(v.attr("name"), &Value::string("c"));
        assert_eq!(
            v.attr("label"),
            &Value::Null,
            "a new attribute reads as null"
        );
        assert_eq!(v.attr("secret_wo"), &Value::Null);
        assert!(v.as_object().unwrap().get("gone").is_none());
    }

    #[test]
    fn a_later_version_or_a_missing_upgrader_is_a_clear_error_naming_the_type() {
        let newer = summary(upgrade(3, r#"{"name":"c"}"#));
        assert!(
            newer.contains("newer provider") && newer.contains("test_thing"),
            "{newer}"
        );
        assert!(newer.contains("version is 3") && newer.contains("this provider's 2"));

        let none = |version| {
            let raw = RawState {
                json: br#"{"name":"c"}"#,
                flatmap: false,
            };
            upgrade_state(
                "test_thing",
                &current(),
                version,
                raw,
                BTreeMap::<i64, StateUpgrader<Model>>::new,
            )
        };
        let missing = summary(none(1));
        assert!(
            missing.contains("No state upgrade for test_thing version 1"),
            "{missing}"
        );
        assert!(missing.contains("terraform state rm"));
    }

    /// The same history as a resource, driven through the value-level face the RPC layer calls.
    struct Disk;

    #[async_trait::async_trait]
    impl crate::framework::resource::Resource<()> for Disk {
        type Model = Model;
        fn type_name(&self) -> &'static str {
            "test_disk"
        }
        fn schema(&self) -> Schema {
            current()
        }
        fn state_upgraders(&self) -> BTreeMap<i64, StateUpgrader<Model>> {
            upgraders()
        }
        async fn create(
            &self,
            _: &Ctx<'_, ()>,
            req: CreateRequest<Model>,
        ) -> Result<Model, ApplyFailure<Model>> {
            Ok(req.planned)
        }
        async fn read(&self, _: &Ctx<'_, ()>, state: Model) -> Result<Option<Model>, Diagnostics> {
            Ok(Some(state))
        }
        async fn update(
            &self,
            _: &Ctx<'_, ()>,
            req: UpdateRequest<Model>,
        ) -> Result<Model, ApplyFailure<Model>> {
            Ok(req.planned)
        }
        async fn delete(&self, _: &Ctx<'_, ()>, _: Model) -> Result<(), Diagnostics> {
            Ok(())
        }
        async fn import(&self, _: &Ctx<'_, ()>, id: &str) -> Result<Model, Diagnostics> {
            Ok(Model {
                name: Some(id.to_owned()),
                ..Model::default()
            })
        }
    }

    #[test]
    fn a_resource_that_bumped_its_version_upgrades_through_its_own_upgraders() {
        use crate::framework::resource::DynResource;
        let raw = |json: &'static str| RawState {
            json: json.as_bytes(),
            flatmap: false,
        };
        let v = DynResource::<()>::upgrade_state(&Disk, 0, raw(r#"{"name":"a","size":"7GB"}"#))
            .unwrap();
        assert_eq!(v.attr("size_gb"), &Value::Number(7.into()));
        assert_eq!(v.attr("secret_wo"), &Value::Null);
        let v =
            DynResource::<()>::upgrade_state(&Disk, 1, raw(r#"{"name":"b","size_gb":2}"#)).unwrap();
        assert_eq!(v.attr("name"), &Value::string("b"));
        let newer = DynResource::<()>::upgrade_state(&Disk, 9, raw(r#"{"name":"b"}"#));
        assert!(summary(newer).contains("test_disk"));
    }

    #[test]
    fn unreadable_state_names_the_type_and_the_path_but_never_the_value() {
        let garbage = summary(upgrade(2, "{not json"));
        assert!(
            garbage.contains("Unreadable state of test_thing"),
            "{garbage}"
        );
        let wrong = summary(upgrade(1, r#"{"name":"b","size_gb":"Hunter2secret"}"#));
        assert!(wrong.contains("`.size_gb`"), "{wrong}");
        assert!(!wrong.contains("Hunter2secret"), "{wrong}");
        let old_shape = summary(upgrade(0, r#"{"name":"a"}"#));
        assert!(old_shape.contains("version 0"), "{old_shape}");

        let flatmap = upgrade_state(
            "test_thing",
            &current(),
            2,
            RawState {
                json: b"",
                flatmap: true,
            },
            upgraders,
        );
        assert!(summary(flatmap).contains("flatmap"));
    }
}
