//! Test-only generators of cty types and values, for the codecs' and the plan engine's
//! property tests.
//!
//! Must not: be used outside tests.

use proptest::prelude::*;

use super::{Number, Type, Value};

/// A cty type, up to three levels deep.
pub fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            prop::collection::btree_map("[a-z_]{1,6}", inner.clone(), 0..4)
                .prop_map(|m| Type::Object(m, Default::default())),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

pub fn arb_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Number::from_f64),
        "-?[0-9]{1,30}\\.[0-9]{1,20}".prop_map(|s| s.parse().unwrap()),
    ]
}

/// A value of type `ty`: null, unknown (when `unknowns`) or known, at any depth.
pub fn arb_value(ty: Type, depth: u32, unknowns: bool) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty.clone() {
        Type::String => ".{0,12}".prop_map(Value::String).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Dynamic if depth > 0 => arb_type()
            .prop_flat_map(move |t| {
                arb_value(t.clone(), depth - 1, unknowns).prop_map(move |v| match v {
                    Value::Null | Value::Unknown => v,
                    v => Value::Dynamic(t.clone(), Box::new(v)),
                })
            })
            .boxed(),
        Type::Dynamic => Just(Value::Dynamic(Type::Bool, Box::new(Value::Bool(true)))).boxed(),
        Type::List(et) => prop::collection::vec(arb_value(*et, depth, unknowns), 0..3)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(et) => prop::collection::vec(arb_value(*et, depth, unknowns), 0..3)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(et) => {
            prop::collection::btree_map("[a-z]{0,4}", arb_value(*et, depth, unknowns), 0..3)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Tuple(ets) => ets
            .into_iter()
            .map(|t| arb_value(t, depth, unknowns))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object(attrs, _) => attrs
            .into_iter()
            .map(|(k, t)| arb_value(t, depth, unknowns).prop_map(move |v| (k.clone(), v)))
            .collect::<Vec<_>>()
            .prop_map(|kvs| Value::Object(kvs.into_iter().collect()))
            .boxed(),
    };
    if unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}
