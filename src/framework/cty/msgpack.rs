//! The msgpack encoding of cty values, as `DynamicValue.msgpack` carries them.
//!
//! Owns the type-directed encode and decode. The rules follow Terraform's object wire format:
//! null is `nil`; unknown is written as ext type 0 (`d4 00 00`) and any ext code is read as
//! unknown (ext 12 carries refinements, which we drop); numbers keep their wire form (see
//! [`Number`](super::Number)); objects are maps holding every attribute; a `dynamic` slot holds
//! `[type JSON as bin, value]`.
//!
//! Must not: apply schema rules (computed, write-only). Decoding needs the type, nothing more.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::number::WireForm;
use super::{CtyError, Number, Type, Value};

/// Encode `v` as a value of type `ty`.
pub fn encode(v: &Value, ty: &Type) -> Result<Vec<u8>, CtyError> {
    let mut out = Vec::with_capacity(64);
    encode_into(&mut out, v, ty, &mut Vec::new())?;
    Ok(out)
}

/// Decode msgpack bytes as a value of type `ty`. Empty input decodes as null, as Terraform does.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CtyError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rd = bytes;
    let mp = rmpv::decode::read_value(&mut rd)
        .map_err(|e| CtyError::new(format!("malformed msgpack: {e}")))?;
    if !rd.is_empty() {
        return Err(CtyError::new(format!(
            "{} unexpected bytes after the value",
            rd.len()
        )));
    }
    from_mp(mp, ty, &mut Vec::new())
}

fn encode_into(
    out: &mut Vec<u8>,
    v: &Value,
    ty: &Type,
    path: &mut Vec<String>,
) -> Result<(), CtyError> {
    use rmp::encode as w;
    let io = |e: std::io::Error| CtyError::new(e.to_string());
    let vio = |e: rmp::encode::ValueWriteError| CtyError::new(e.to_string());
    let mismatch = |path: &Vec<String>| CtyError::at(path, format!("value does not fit type {ty}"));
    match (v, ty) {
        (Value::Null, _) => {
            w::write_nil(out).map_err(io)?;
        }
        (Value::Unknown, _) => {
            w::write_ext_meta(out, 1, 0).map_err(vio)?;
            out.push(0);
        }
        (Value::Dynamic(t, inner), Type::Dynamic) => {
            w::write_array_len(out, 2).map_err(vio)?;
            w::write_bin(out, &t.to_json_bytes()).map_err(vio)?;
            encode_into(out, inner, t, path)?;
        }
        (Value::Dynamic(_, inner), _) => encode_into(out, inner, ty, path)?,
        (Value::String(s), Type::String) => w::write_str(out, s).map_err(vio)?,
        (Value::Bool(b), Type::Bool) => w::write_bool(out, *b).map_err(io)?,
        (Value::Number(n), Type::Number) => match n.wire_form() {
            WireForm::Int(i) => {
                w::write_sint(out, i).map_err(vio)?;
            }
            WireForm::UInt(u) => {
                w::write_uint(out, u).map_err(vio)?;
            }
            WireForm::Float(f) => w::write_f64(out, f).map_err(vio)?,
            WireForm::Str(s) => w::write_str(out, s).map_err(vio)?,
        },
        (Value::List(xs), Type::List(et)) | (Value::Set(xs), Type::Set(et)) => {
            w::write_array_len(out, xs.len() as u32).map_err(vio)?;
            for (i, x) in xs.iter().enumerate() {
                path.push(format!("[{i}]"));
                encode_into(out, x, et, path)?;
                path.pop();
            }
        }
        (Value::Tuple(xs), Type::Tuple(ets)) if xs.len() == ets.len() => {
            w::write_array_len(out, xs.len() as u32).map_err(vio)?;
            for (i, (x, et)) in xs.iter().zip(ets).enumerate() {
                path.push(format!("[{i}]"));
                encode_into(out, x, et, path)?;
                path.pop();
            }
        }
        (Value::Map(m), Type::Map(et)) => {
            w::write_map_len(out, m.len() as u32).map_err(vio)?;
            for (k, x) in m {
                w::write_str(out, k).map_err(vio)?;
                path.push(format!("[{k:?}]"));
                encode_into(out, x, et, path)?;
                path.pop();
            }
        }
        (Value::Object(m), Type::Object(attrs, _)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CtyError::at(
                    path,
                    format!("unsupported attribute {extra:?}"),
                ));
            }
            w::write_map_len(out, attrs.len() as u32).map_err(vio)?;
            for (name, at) in attrs {
                w::write_str(out, name).map_err(vio)?;
                path.push(format!(".{name}"));
                encode_into(out, m.get(name).unwrap_or(&Value::Null), at, path)?;
                path.pop();
            }
        }
        _ => return Err(mismatch(path)),
    }
    Ok(())
}

fn from_mp(mp: Mp, ty: &Type, path: &mut Vec<String>) -> Result<Value, CtyError> {
    let want = |path: &Vec<String>, what: &str| CtyError::at(path, format!("{what} is required"));
    Ok(match (mp, ty) {
        (Mp::Nil, _) => Value::Null,
        (Mp::Ext(..), _) => Value::Unknown,
        (Mp::Array(mut parts), Type::Dynamic) => {
            if parts.len() != 2 {
                return Err(want(path, "a [type, value] pair for a dynamic value"));
            }
            let inner = parts.pop().expect("two parts");
            let t = match parts.pop().expect("two parts") {
                Mp::Binary(b) => Type::from_json_bytes(&b)?,
                Mp::String(s) => Type::from_json_bytes(s.as_bytes())?,
                _ => return Err(want(path, "a type JSON in a dynamic value")),
            };
            let v = from_mp(inner, &t, path)?;
            if v.is_null() || v.is_unknown() {
                v
            } else {
                Value::Dynamic(t, Box::new(v))
            }
        }
        (_, Type::Dynamic) => return Err(want(path, "a [type, value] pair for a dynamic value")),
        (Mp::String(s), Type::String) => {
            Value::String(s.into_str().ok_or_else(|| want(path, "valid UTF-8"))?)
        }
        (Mp::Boolean(b), Type::Bool) => Value::Bool(b),
        (Mp::Integer(i), Type::Number) => Value::Number(match i.as_i64() {
            Some(i) => Number::from(i),
            None => Number::from(
                i.as_u64()
                    .ok_or_else(|| want(path, "an integer in range"))?,
            ),
        }),
        (Mp::F64(f), Type::Number) => Value::Number(Number::from_f64(f)),
        (Mp::F32(f), Type::Number) => Value::Number(Number::from_f64(f.into())),
        (Mp::String(s), Type::Number) => {
            let s = s.into_str().ok_or_else(|| want(path, "a number"))?;
            Value::Number(
                s.parse()
                    .map_err(|_| CtyError::at(path, "a string that is not a number".into()))?,
            )
        }
        (Mp::Array(xs), Type::List(et)) => Value::List(elems(xs, et, path)?),
        (Mp::Array(xs), Type::Set(et)) => Value::Set(elems(xs, et, path)?),
        (Mp::Array(xs), Type::Tuple(ets)) => {
            if xs.len() != ets.len() {
                return Err(want(path, &format!("a tuple of {} elements", ets.len())));
            }
            let mut out = Vec::with_capacity(xs.len());
            for (i, (x, et)) in xs.into_iter().zip(ets).enumerate() {
                path.push(format!("[{i}]"));
                out.push(from_mp(x, et, path)?);
                path.pop();
            }
            Value::Tuple(out)
        }
        (Mp::Map(kvs), Type::Map(et)) => {
            let mut out = BTreeMap::new();
            for (k, x) in kvs {
                let k = key(k, path)?;
                path.push(format!("[{k:?}]"));
                let x = from_mp(x, et, path)?;
                path.pop();
                out.insert(k, x);
            }
            Value::Map(out)
        }
        (Mp::Map(kvs), Type::Object(attrs, _)) => {
            let mut out = BTreeMap::new();
            for (k, x) in kvs {
                let k = key(k, path)?;
                let at = attrs
                    .get(&k)
                    .ok_or_else(|| CtyError::at(path, format!("unsupported attribute {k:?}")))?;
                path.push(format!(".{k}"));
                let x = from_mp(x, at, path)?;
                path.pop();
                out.insert(k, x);
            }
            for name in attrs.keys() {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Value::Object(out)
        }
        (_, ty) => return Err(want(path, &format!("a value of type {ty}"))),
    })
}

fn elems(xs: Vec<Mp>, et: &Type, path: &mut Vec<String>) -> Result<Vec<Value>, CtyError> {
    let mut out = Vec::with_capacity(xs.len());
    for (i, x) in xs.into_iter().enumerate() {
        path.push(format!("[{i}]"));
        out.push(from_mp(x, et, path)?);
        path.pop();
    }
    Ok(out)
}

fn key(k: Mp, path: &[String]) -> Result<String, CtyError> {
    match k {
        Mp::String(s) => s
            .into_str()
            .ok_or_else(|| CtyError::at(path, "map keys must be UTF-8".into())),
        _ => Err(CtyError::at(path, "map keys must be strings".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::cty::arbitrary::{arb_type, arb_value};
    use proptest::prelude::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    // Golden vectors: the bytes Terraform (go-cty) produces and expects for the tricky cases.
    #[test]
    fn unknown_is_fixext1_type_zero() {
        assert_eq!(
            encode(&Value::Unknown, &Type::String).unwrap(),
            [0xd4, 0x00, 0x00]
        );
    }

    #[test]
    fn any_ext_decodes_as_unknown_including_refined_ext_12() {
        // ext 12 with a refinement map {1: false} ("definitely not null"): c7 03 0c 81 01 c2
        let refined = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
        assert_eq!(decode(&refined, &Type::String).unwrap(), Value::Unknown);
        assert_eq!(
            decode(&[0xd4, 0x05, 0x00], &Type::Number).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn decimal_string_numbers_leave_exactly_as_they_came() {
        // "1.1" as a msgpack fixstr: a3 31 2e 31
        let wire = [0xa3, b'1', b'.', b'1'];
        let v = decode(&wire, &Type::Number).unwrap();
        assert_eq!(encode(&v, &Type::Number).unwrap(), wire);
        // float64 0.5 stays a float64: cb 3f e0 00..
        let half = [0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            encode(&decode(&half, &Type::Number).unwrap(), &Type::Number).unwrap(),
            half
        );
        // integers are ints: 42 → 2a, -1 → ff
        assert_eq!(
            encode(&Value::Number(42.into()), &Type::Number).unwrap(),
            [0x2a]
        );
        assert_eq!(
            encode(&Value::Number((-1).into()), &Type::Number).unwrap(),
            [0xff]
        );
    }

    #[test]
    fn objects_carry_every_attribute_with_nil_for_null() {
        let t = Type::object([("a", Type::String), ("b", Type::Bool)]);
        let bytes = encode(&obj(&[("a", Value::string("x"))]), &t).unwrap();
        assert_eq!(bytes, [0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0xc0]);
        assert!(encode(&obj(&[("zz", Value::Null)]), &t).is_err());
        assert!(decode(&[0x81, 0xa2, b'z', b'z', 0xc0], &t).is_err());
    }

    #[test]
    fn dynamic_values_carry_their_type_as_bin() {
        let v = Value::Dynamic(Type::String, Box::new(Value::string("hi")));
        let bytes = encode(&v, &Type::Dynamic).unwrap();
        let mut want = vec![0x92, 0xc4, 8];
        want.extend_from_slice(br#""string""#);
        want.extend_from_slice(&[0xa2, b'h', b'i']);
        assert_eq!(bytes, want);
        assert_eq!(decode(&bytes, &Type::Dynamic).unwrap(), v);
        // A wholly unknown dynamic is the bare ext.
        assert_eq!(
            encode(&Value::Unknown, &Type::Dynamic).unwrap(),
            [0xd4, 0, 0]
        );
    }

    #[test]
    fn empty_bytes_are_null_and_trailing_bytes_are_refused() {
        assert_eq!(decode(&[], &Type::String).unwrap(), Value::Null);
        assert!(decode(&[0xc0, 0xc0], &Type::String).is_err());
        assert!(decode(&[0xa1], &Type::String).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn decode_of_encode_is_identity(
            (ty, v) in arb_type().prop_flat_map(|t| (Just(t.clone()), arb_value(t, 2, true)))
        ) {
            let bytes = encode(&v, &ty).unwrap();
            let back = decode(&bytes, &ty).unwrap();
            prop_assert_eq!(&back, &v);
            // And the bytes are stable: encoding the decoded value gives the same bytes.
            prop_assert_eq!(encode(&back, &ty).unwrap(), bytes);
        }
    }
}
