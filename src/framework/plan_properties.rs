//! Property tests of the plan engine: random schemas, random prior state, configuration and
//! proposed values (built as Terraform's `ProposedNew` builds them), and the rules Terraform
//! checks every plan against (`objchange.AssertPlanValid`), plus the promise behind an empty
//! plan: planning the configuration an object was just created from changes nothing.
//!
//! Must not: be anything but tests.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::cty::arbitrary::arb_value;
use super::cty::{Type, Value};
use super::plan::{self, RunTimeDefault};
use super::schema::{Attribute, Block, NestedBlock, Nesting};

/// How an attribute is set, as the schema says.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Required,
    Optional,
    OptionalComputed,
    Computed,
}

#[derive(Clone, Debug)]
struct Spec {
    ty: Type,
    kind: Kind,
    write_only: bool,
    stable: bool,
    replace: u8,
    default: Option<Value>,
    run_time_default: Option<Value>,
}

fn arb_attr_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::list(Type::String)),
        Just(Type::map(Type::Number)),
        Just(Type::set(Type::Bool)),
    ]
}

fn known(ty: &Type) -> BoxedStrategy<Value> {
    arb_value(ty.clone(), 1, false)
        .prop_filter("known and not null", |v| !v.is_null())
        .boxed()
}

fn arb_spec() -> impl Strategy<Value = Spec> {
    (
        arb_attr_type(),
        prop_oneof![
            Just(Kind::Required),
            Just(Kind::Optional),
            Just(Kind::OptionalComputed),
            Just(Kind::Computed)
        ],
        any::<(bool, bool, u8, u8)>(),
    )
        .prop_flat_map(|(ty, kind, (write_only, stable, replace, defaults))| {
            let default = if kind == Kind::OptionalComputed && defaults % 3 == 1 {
                known(&ty).prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            let run_time = if kind == Kind::OptionalComputed && defaults % 3 == 2 {
                known(&ty).prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            (default, run_time).prop_map(move |(default, run_time_default)| Spec {
                ty: ty.clone(),
                kind,
                write_only: write_only && kind == Kind::Optional,
                stable: stable && kind != Kind::Optional && kind != Kind::Required,
                replace: replace % 3,
                default,
                run_time_default,
            })
        })
}

fn attribute(name: &str, s: &Spec) -> Attribute {
    let mut a = Attribute::of_type(name, s.ty.clone());
    a = match s.kind {
        Kind::Required => a.required(),
        Kind::Optional => a.optional(),
        Kind::OptionalComputed => a.optional().computed(),
        Kind::Computed => a.computed(),
    };
    if s.write_only {
        a = a.write_only();
    }
    if s.stable {
        a = a.stable();
    }
    a = match s.replace {
        1 => a.requires_replace(),
        2 => a.requires_replace_once_set(),
        _ => a,
    };
    if let Some(d) = &s.default {
        a = a.default(d.clone());
    }
    a
}

/// A schema: top-level attributes and one optional single nested block of its own.
#[derive(Clone, Debug)]
struct Case {
    top: Vec<Spec>,
    nested: Vec<Spec>,
}

impl Case {
    fn block(&self) -> Block {
        let mut inner = Block::new("n");
        for (i, s) in self.nested.iter().enumerate() {
            inner = inner.attribute(attribute(&format!("n{i}"), s));
        }
        let mut b = Block::new("t").block(NestedBlock::new("nested", Nesting::Single, inner));
        for (i, s) in self.top.iter().enumerate() {
            b = b.attribute(attribute(&format!("a{i}"), s));
        }
        b
    }

    fn defaults(&self) -> Vec<RunTimeDefault> {
        // Names must be 'static: leak the few a case uses.
        self.top
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let name: &'static str = Box::leak(format!("a{i}").into_boxed_str());
                Some((name, s.run_time_default.clone()?))
            })
            .collect()
    }
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(arb_spec(), 1..6),
        prop::collection::vec(arb_spec(), 0..3),
    )
        .prop_map(|(top, mut nested)| {
            // Run-time defaults name top-level attributes only.
            nested.iter_mut().for_each(|s| s.run_time_default = None);
            Case { top, nested }
        })
}

/// A configuration value for an attribute: what Terraform could send for it.
fn config_value(s: &Spec, unknowns: bool) -> BoxedStrategy<Value> {
    let value = if unknowns {
        prop_oneof![4 => known(&s.ty), 1 => Just(Value::Unknown)].boxed()
    } else {
        known(&s.ty)
    };
    match s.kind {
        Kind::Required => value,
        Kind::Optional | Kind::OptionalComputed => prop_oneof![Just(Value::Null), value].boxed(),
        Kind::Computed => Just(Value::Null).boxed(),
    }
}

/// A state value for an attribute: anything known, never a write-only value.
fn state_value(s: &Spec) -> BoxedStrategy<Value> {
    if s.write_only {
        return Just(Value::Null).boxed();
    }
    match s.kind {
        Kind::Required => known(&s.ty),
        _ => prop_oneof![Just(Value::Null), known(&s.ty)].boxed(),
    }
}

fn object_of(
    specs: &[Spec],
    prefix: &str,
    each: impl Fn(&Spec) -> BoxedStrategy<Value>,
) -> BoxedStrategy<Value> {
    let prefix = prefix.to_owned();
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name = format!("{prefix}{i}");
            each(s).prop_map(move |v| (name.clone(), v))
        })
        .collect::<Vec<_>>()
        .prop_map(|kvs| Value::Object(kvs.into_iter().collect::<BTreeMap<_, _>>()))
        .boxed()
}

fn arb_object(case: &Case, each: fn(&Spec) -> BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    let nested = object_of(&case.nested, "n", each);
    let nested = prop_oneof![Just(Value::Null), nested];
    (object_of(&case.top, "a", each), nested)
        .prop_map(|(mut top, nested)| {
            top.as_object_mut().unwrap().insert("nested".into(), nested);
            top
        })
        .boxed()
}

/// Terraform's `ProposedNew`: configured values, and the prior value of computed attributes
/// the configuration leaves null.
fn proposed_new(block: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::Null;
    }
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let c = config.attr(&a.name);
        let v = if a.computed && c.is_null() {
            prior.attr(&a.name).clone()
        } else {
            c.clone()
        };
        out.insert(a.name.clone(), v);
    }
    for nb in &block.blocks {
        let v = proposed_new(&nb.block, prior.attr(&nb.name), config.attr(&nb.name));
        out.insert(nb.name.clone(), v);
    }
    Value::Object(out)
}

/// What resource code sees and hands back: models read unknowns as `None`.
fn through_a_model(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(xs) => Value::List(xs.iter().map(through_a_model).collect()),
        Value::Set(xs) => Value::Set(xs.iter().map(through_a_model).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), through_a_model(x)))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), through_a_model(x)))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// Plan as the engine does, with a resource hook that changes nothing.
fn plan(case: &Case, prior: &Value, config: &Value) -> (Value, Vec<String>) {
    let block = case.block();
    let defaults = case.defaults();
    let proposed = proposed_new(&block, prior, config);
    let first = plan::propose(&block, prior, &proposed, config, &defaults);
    let hooked = through_a_model(&first);
    let (planned, replace) = plan::finish(&block, prior, config, &first, hooked, &defaults);
    (planned, replace.iter().map(|p| p.to_string()).collect())
}

/// Terraform's plan rules for one block; `Err` names the attribute that breaks one.
fn plan_valid(
    block: &Block,
    specs: &[Spec],
    prior: &Value,
    config: &Value,
    planned: &Value,
) -> Result<(), String> {
    for (a, s) in block.attributes.iter().zip(specs) {
        let (p, c, pr) = (
            planned.attr(&a.name),
            config.attr(&a.name),
            prior.attr(&a.name),
        );
        let fail = |why: &str| {
            Err(format!(
                "{}: {why}: planned {p:?}, config {c:?}, prior {pr:?}",
                a.name
            ))
        };
        if a.write_only {
            if !p.is_null() {
                return fail("a write-only value is planned");
            }
        } else if !a.computed || !c.is_null() {
            if p != c {
                return fail("a configured (or non-computed) value was not kept");
            }
        } else {
            let allowed = p.is_unknown()
                || (!pr.is_null() && p == pr)
                || s.default.as_ref() == Some(p)
                || s.run_time_default.as_ref() == Some(p)
                || (p.is_null()
                    && pr.is_null()
                    && s.default.is_none()
                    && s.run_time_default.is_none());
            if !allowed {
                return fail("a computed value is neither unknown, prior nor a default");
            }
        }
    }
    Ok(())
}

fn check_plan(case: &Case, prior: &Value, config: &Value, planned: &Value) -> Result<(), String> {
    let block = case.block();
    let ty = block.value_type();
    if planned.clone().conform(&ty).as_ref() != Ok(planned) {
        return Err(format!(
            "the plan does not have the schema's shape: {planned:?}"
        ));
    }
    plan_valid(&block, &case.top, prior, config, planned)?;
    let nb = &block.blocks[0];
    let (pc, pn) = (config.attr("nested"), planned.attr("nested"));
    if pc.is_null() != pn.is_null() {
        return Err(format!("the nested block's presence changed: {pn:?}"));
    }
    if !pn.is_null() {
        plan_valid(&nb.block, &case.nested, prior.attr("nested"), pc, pn)?;
    }
    Ok(())
}

/// Fill every unknown with a known value, as an apply does.
fn applied(block: &Block, specs: &[Spec], planned: &Value, fills: &[Value]) -> Value {
    let mut out = planned.clone();
    if let Some(obj) = out.as_object_mut() {
        for ((a, _), fill) in block.attributes.iter().zip(specs).zip(fills) {
            if obj.get(&a.name) == Some(&Value::Unknown) {
                obj.insert(a.name.clone(), fill.clone());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any prior state, any configuration (unknowns included): the plan keeps what is
    /// configured, plans computed values as unknown, prior or a default, never plans a
    /// write-only value, and asks for replacement only where the value changes.
    #[test]
    fn every_plan_obeys_terraforms_rules(
        (case, prior, config) in arb_case().prop_flat_map(|case| {
            let prior = prop_oneof![
                Just(Value::Null),
                arb_object(&case, state_value),
            ];
            let config = arb_object(&case, |s| config_value(s, true));
            (Just(case), prior, config)
        })
    ) {
        let (planned, replace) = plan(&case, &prior, &config);
        if let Err(why) = check_plan(&case, &prior, &config, &planned) {
            return Err(TestCaseError::fail(why));
        }
        if prior.is_null() {
            prop_assert!(replace.is_empty(), "no replacement on create: {replace:?}");
        }
        for path in &replace {
            prop_assert_ne!(prior.attr(path), planned.attr(path), "{} did not change", path);
            let a = case.block().attribute_named(path).cloned().unwrap();
            prop_assert!(!a.write_only);
        }
    }

    /// Create from a wholly known configuration, apply (unknowns become known), then plan the
    /// same configuration again: nothing changes, nothing is replaced.
    #[test]
    fn planning_the_configuration_just_applied_changes_nothing(
        (case, config, fills) in arb_case().prop_flat_map(|case| {
            let config = arb_object(&case, |s| config_value(s, false));
            let fills = case.top.iter().map(|s| known(&s.ty)).collect::<Vec<_>>();
            (Just(case), config, fills)
        })
    ) {
        let block = case.block();
        let (created, _) = plan(&case, &Value::Null, &config);
        if let Err(why) = check_plan(&case, &Value::Null, &config, &created) {
            return Err(TestCaseError::fail(why));
        }
        // Nested computed values are filled too, by the same rule.
        let mut state = applied(&block, &case.top, &created, &fills);
        if let Some(n) = state.as_object_mut().unwrap().get_mut("nested")
            && !n.is_null()
        {
            let nb = &block.blocks[0];
            let nested_fills: Vec<Value> = case.nested.iter().map(|s| match &s.ty {
                Type::String => Value::string("filled"),
                Type::Number => Value::Number(7.into()),
                Type::Bool => Value::Bool(false),
                _ => Value::Null,
            }).collect();
            *n = applied(&nb.block, &case.nested, n, &nested_fills);
        }
        prop_assert!(state.is_wholly_known());
        prop_assert!(plan::check_apply_result(&block, "t", &created, &state).is_empty());

        let (again, replace) = plan(&case, &state, &config);
        prop_assert_eq!(&again, &state, "a second plan of the same configuration changed");
        prop_assert!(replace.is_empty(), "{:?}", replace);
    }
}
