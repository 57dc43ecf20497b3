//! What the fuzz targets share: the cty types they decode against, and the properties every
//! successful decode must keep.
//!
//! Must not: hide a failure. A property that does not hold panics, which libFuzzer reports as a
//! crash with the input that caused it.

use arbitrary::{Result, Unstructured};
use tfvonage::framework::cty::{Type, Value, json, msgpack};
use tfvonage::framework::provider::Provider;
use tfvonage::provider::VonageProvider;

/// The types an input can ask for by its first byte: every schema type of the provider, then
/// types that exercise one codec rule each. A first byte past the end asks for a type built
/// from the bytes that follow ([`arbitrary_type`]).
pub fn catalogue() -> Vec<Type> {
    let p = VonageProvider;
    let mut types = vec![p.schema().value_type()];
    types.extend(p.resources().iter().map(|r| r.schema().value_type()));
    types.extend(p.data_sources().iter().map(|d| d.schema().value_type()));
    types.extend(
        p.ephemeral_resources()
            .iter()
            .map(|e| e.schema().value_type()),
    );
    types.extend([
        Type::Dynamic,
        Type::Number,
        Type::String,
        Type::list(Type::Dynamic),
        Type::map(Type::Number),
        Type::set(Type::object([("a", Type::String), ("n", Type::Number)])),
        Type::Tuple(vec![Type::Bool, Type::Dynamic, Type::list(Type::Number)]),
        Type::object([
            ("d", Type::Dynamic),
            ("m", Type::map(Type::list(Type::String))),
        ]),
    ]);
    types
}

/// The type an input asks for, and the rest of the input.
pub fn split_input(data: &[u8]) -> Option<(Type, &[u8])> {
    let (&selector, rest) = data.split_first()?;
    let types = catalogue();
    if let Some(t) = types.get(selector as usize) {
        return Some((t.clone(), rest));
    }
    let mut u = Unstructured::new(rest);
    let ty = arbitrary_type(&mut u, 3).ok()?;
    let len = u.len();
    Some((ty, &rest[rest.len() - len..]))
}

/// A cty type built from bytes, at most `depth` levels deep.
pub fn arbitrary_type(u: &mut Unstructured<'_>, depth: u32) -> Result<Type> {
    let leaf = depth == 0;
    Ok(match u.int_in_range(0..=if leaf { 3 } else { 8 })? {
        0 => Type::String,
        1 => Type::Number,
        2 => Type::Bool,
        3 => Type::Dynamic,
        4 => Type::list(arbitrary_type(u, depth - 1)?),
        5 => Type::set(arbitrary_type(u, depth - 1)?),
        6 => Type::map(arbitrary_type(u, depth - 1)?),
        7 => {
            let n = u.int_in_range(0..=4)?;
            let mut attrs = Vec::new();
            for i in 0..n {
                attrs.push((format!("a{i}"), arbitrary_type(u, depth - 1)?));
            }
            Type::object(attrs)
        }
        _ => {
            let n = u.int_in_range(0..=3)?;
            Type::Tuple(
                (0..n)
                    .map(|_| arbitrary_type(u, depth - 1))
                    .collect::<Result<_>>()?,
            )
        }
    })
}

/// A decoded value's msgpack form must exist, decode to the same value, and be stable.
pub fn assert_msgpack_round_trip(v: &Value, ty: &Type) {
    let bytes = msgpack::encode(v, ty).expect("a decoded value encodes as msgpack");
    let back = msgpack::decode(&bytes, ty).expect("an encoded value decodes");
    assert_eq!(&back, v, "msgpack round trip changed the value");
    let again = msgpack::encode(&back, ty).expect("re-encoding works");
    assert_eq!(again, bytes, "msgpack encoding is not stable");
}

/// A wholly known decoded value's JSON form must exist and decode to the same value.
pub fn assert_json_round_trip(v: &Value, ty: &Type) {
    if !v.is_wholly_known() {
        assert!(json::encode(v, ty).is_err(), "unknowns have no JSON form");
        return;
    }
    let j = json::encode(v, ty).expect("a known decoded value encodes as JSON");
    let bytes = serde_json::to_vec(&j).expect("JSON serialises");
    let back = json::decode(&bytes, ty).expect("encoded JSON decodes");
    assert_eq!(&back, v, "JSON round trip changed the value");
}
