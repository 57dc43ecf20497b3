//! Configuration from state (`GenerateResourceConfig`, Terraform 1.14+): what
//! `terraform query -generate-config-out` and `terraform plan -generate-config-out` write for an
//! object found remotely.
//!
//! The rule, applied from the schema so that every resource gets it: keep what a user would
//! write and nothing that would plan a change once imported.
//! - read-only (computed, not optional) attributes are left out: Terraform fills them;
//! - write-only and sensitive attributes are left out: the provider never learns a value it
//!   could write, and configuration generated from state must not carry one;
//! - deprecated attributes are left out;
//! - an optional attribute equal to its schema default is left out (the default plans it);
//! - a nested block left with nothing set is left out.
//!
//! Terraform writes a left-out optional attribute as `name = null`, which sets nothing.
//!
//! Must not: call any API or hold resource-specific rules.

use super::cty::Value;
use super::schema::{Block, Nesting};

/// The configuration that adopts the object `state` describes, of `block`'s type.
pub fn config_from_state(block: &Block, state: &Value) -> Value {
    let Some(obj) = state.as_object() else {
        return Value::Null;
    };
    let mut out = obj.clone();
    for a in &block.attributes {
        let value = obj.get(&a.name).unwrap_or(&Value::Null);
        let read_only = a.computed && !a.optional && !a.required;
        let left_out = read_only
            || a.write_only
            || a.sensitive
            || !a.deprecated.is_empty()
            || a.default.as_ref() == Some(value);
        if left_out {
            out.insert(a.name.clone(), Value::Null);
        }
    }
    for nb in &block.blocks {
        let Some(value) = obj.get(&nb.name) else {
            continue;
        };
        let generated = match (nb.nesting, value) {
            (Nesting::Single | Nesting::Group, Value::Object(_)) => {
                let inner = config_from_state(&nb.block, value);
                let empty = inner
                    .as_object()
                    .is_none_or(|o| o.values().all(Value::is_null));
                if empty && nb.nesting == Nesting::Single {
                    Value::Null
                } else {
                    inner
                }
            }
            (_, Value::List(items)) => Value::List(
                items
                    .iter()
                    .map(|i| config_from_state(&nb.block, i))
                    .collect(),
            ),
            (_, Value::Set(items)) => Value::Set(
                items
                    .iter()
                    .map(|i| config_from_state(&nb.block, i))
                    .collect(),
            ),
            (_, Value::Map(items)) => Value::Map(
                items
                    .iter()
                    .map(|(k, i)| (k.clone(), config_from_state(&nb.block, i)))
                    .collect(),
            ),
            (_, other) => other.clone(),
        };
        out.insert(nb.name.clone(), generated);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::plan::object;
    use crate::framework::schema::{Attribute, timeouts_block};

    fn block() -> Block {
        Block::new("t")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("account").optional().computed())
            .attribute(Attribute::string("token_wo").optional().write_only())
            .attribute(Attribute::string("token").optional().sensitive())
            .attribute(Attribute::number("version").optional())
            .attribute(Attribute::string("old").optional().deprecated("gone"))
            .attribute(
                Attribute::bool("enabled")
                    .optional()
                    .computed()
                    .default(Value::Bool(true)),
            )
            .block(timeouts_block())
    }

    #[test]
    fn keeps_what_a_user_writes_and_nothing_that_would_plan_a_change() {
        let b = block();
        let state = object([
            ("id", Value::string("1")),
            ("name", Value::string("n")),
            ("account", Value::string("abcd1234")),
            ("token", Value::string("Secret123")),
            ("old", Value::string("x")),
            ("enabled", Value::Bool(true)),
            (
                "timeouts",
                object([("create", Value::string("1m"))])
                    .conform(&timeouts_block().value_type())
                    .unwrap(),
            ),
        ])
        .conform(&b.value_type())
        .unwrap();
        let config = config_from_state(&b, &state);
        assert_eq!(
            config,
            object([
                ("name", Value::string("n")),
                ("account", Value::string("abcd1234")),
                (
                    "timeouts",
                    object([("create", Value::string("1m"))])
                        .conform(&timeouts_block().value_type())
                        .unwrap()
                ),
            ])
            .conform(&b.value_type())
            .unwrap()
        );
        // A value other than the default is kept; an empty block is left out.
        let state = object([
            ("name", Value::string("n")),
            ("enabled", Value::Bool(false)),
        ])
        .conform(&b.value_type())
        .unwrap();
        let config = config_from_state(&b, &state);
        assert_eq!(config.attr("enabled"), &Value::Bool(false));
        assert_eq!(config.attr("timeouts"), &Value::Null);
        assert_eq!(config_from_state(&b, &Value::Null), Value::Null);
    }
}
