//! The JSON encoding of cty values, which Terraform uses for stored state (`RawState.json`).
//!
//! Decoding is lenient in the way state upgrades need: attributes the type no longer has are
//! dropped and missing ones become null, because state is written with the schema of the
//! version that stored it. Numbers are parsed losslessly (serde_json's arbitrary precision).
//!
//! Must not: be used for plan values; those always travel as msgpack.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::{CtyError, Number, Type, Value};

/// Decode state JSON bytes as a value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CtyError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let j: J = serde_json::from_slice(bytes)
        .map_err(|e| CtyError::new(format!("malformed state JSON: {e}")))?;
    from_json(&j, ty, &mut Vec::new())
}

/// Encode a wholly known value as JSON (unknowns have no JSON form).
pub fn encode(v: &Value, ty: &Type) -> Result<J, CtyError> {
    Ok(match (v, ty) {
        (Value::Null, _) => J::Null,
        (Value::Unknown, _) => {
            return Err(CtyError::new("unknown values cannot be written as JSON"));
        }
        (Value::Dynamic(t, inner), Type::Dynamic) => {
            serde_json::json!({"type": t.to_json(), "value": encode(inner, t)?})
        }
        (Value::Dynamic(_, inner), _) => encode(inner, ty)?,
        (Value::String(s), _) => J::String(s.clone()),
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Number(n), _) => J::Number(n.into()),
        (Value::List(xs) | Value::Set(xs), Type::List(et) | Type::Set(et)) => {
            J::Array(xs.iter().map(|x| encode(x, et)).collect::<Result<_, _>>()?)
        }
        (Value::Tuple(xs), Type::Tuple(ets)) => J::Array(
            xs.iter()
                .zip(ets)
                .map(|(x, t)| encode(x, t))
                .collect::<Result<_, _>>()?,
        ),
        (Value::Map(m), Type::Map(et)) => J::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), encode(x, et)?)))
                .collect::<Result<_, CtyError>>()?,
        ),
        (Value::Object(m), Type::Object(attrs, _)) => J::Object(
            attrs
                .iter()
                .map(|(k, t)| Ok((k.clone(), encode(m.get(k).unwrap_or(&Value::Null), t)?)))
                .collect::<Result<_, CtyError>>()?,
        ),
        _ => return Err(CtyError::new(format!("value does not fit type {ty}"))),
    })
}

fn from_json(j: &J, ty: &Type, path: &mut Vec<String>) -> Result<Value, CtyError> {
    let want = |path: &Vec<String>, what: String| CtyError {
        path: path.concat(),
        message: format!("{what} is required"),
    };
    Ok(match (j, ty) {
        (J::Null, _) => Value::Null,
        (J::Object(o), Type::Dynamic) => {
            let t = Type::from_json(
                o.get("type")
                    .ok_or_else(|| want(path, "a \"type\" in a dynamic value".into()))?,
            )?;
            let v = from_json(o.get("value").unwrap_or(&J::Null), &t, path)?;
            if v.is_null() {
                v
            } else {
                Value::Dynamic(t, Box::new(v))
            }
        }
        (J::String(s), Type::String) => Value::String(s.clone()),
        (J::Bool(b), Type::String) => Value::String(b.to_string()),
        (J::Number(n), Type::String) => Value::String(n.to_string()),
        (J::Number(n), Type::Number) => Value::Number(Number::from(n)),
        (J::String(s), Type::Number) => Value::Number(
            s.parse()
                .map_err(|_| want(path, "a number (not a string of other text)".into()))?,
        ),
        (J::Bool(b), Type::Bool) => Value::Bool(*b),
        (J::String(s), Type::Bool) if s == "true" || s == "false" => Value::Bool(s == "true"),
        (J::Array(xs), Type::List(et)) => Value::List(elems(xs, et, path)?),
        (J::Array(xs), Type::Set(et)) => Value::Set(elems(xs, et, path)?),
        (J::Array(xs), Type::Tuple(ets)) if xs.len() == ets.len() => Value::Tuple(
            xs.iter()
                .zip(ets)
                .map(|(x, t)| from_json(x, t, path))
                .collect::<Result<_, _>>()?,
        ),
        (J::Object(o), Type::Map(et)) => {
            let mut out = BTreeMap::new();
            for (k, x) in o {
                path.push(format!("[{k:?}]"));
                out.insert(k.clone(), from_json(x, et, path)?);
                path.pop();
            }
            Value::Map(out)
        }
        (J::Object(o), Type::Object(attrs, _)) => {
            let mut out = BTreeMap::new();
            for (name, at) in attrs {
                path.push(format!(".{name}"));
                out.insert(
                    name.clone(),
                    from_json(o.get(name).unwrap_or(&J::Null), at, path)?,
                );
                path.pop();
            }
            Value::Object(out)
        }
        (_, ty) => return Err(want(path, format!("a value of type {ty}"))),
    })
}

fn elems(xs: &[J], et: &Type, path: &mut Vec<String>) -> Result<Vec<Value>, CtyError> {
    xs.iter()
        .enumerate()
        .map(|(i, x)| {
            path.push(format!("[{i}]"));
            let r = from_json(x, et, path);
            path.pop();
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_json_is_decoded_leniently_and_losslessly() {
        let t = Type::object([
            ("id", Type::String),
            ("n", Type::Number),
            ("tags", Type::map(Type::String)),
        ]);
        let v = decode(
            br#"{"id":"x","n":1.10000000000000000000001,"gone":true}"#,
            &t,
        )
        .unwrap();
        assert_eq!(v.attr("id"), &Value::string("x"));
        assert_eq!(v.attr("tags"), &Value::Null);
        assert_eq!(
            v.attr("n"),
            &Value::Number("1.10000000000000000000001".parse().unwrap())
        );
        assert_eq!(
            encode(&v, &t).unwrap()["n"].to_string(),
            "1.10000000000000000000001"
        );
    }

    #[test]
    fn dynamic_json_carries_type_and_value() {
        let v = decode(
            br#"{"type":["list","string"],"value":["a"]}"#,
            &Type::Dynamic,
        )
        .unwrap();
        assert_eq!(
            v,
            Value::Dynamic(
                Type::list(Type::String),
                Box::new(Value::List(vec![Value::string("a")]))
            )
        );
        assert!(decode(b"[1]", &Type::String).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Every wholly known value survives JSON (state's encoding) unchanged, numbers
        /// included, and encodes to the same JSON again.
        #[test]
        fn decode_of_encode_is_identity(
            (ty, v) in proptest::strategy::Strategy::prop_flat_map(
                crate::framework::cty::arbitrary::arb_type(),
                |t| (proptest::strategy::Just(t.clone()),
                     crate::framework::cty::arbitrary::arb_value(t, 2, false)),
            )
        ) {
            let json = encode(&v, &ty).unwrap();
            let bytes = serde_json::to_vec(&json).unwrap();
            let back = decode(&bytes, &ty).unwrap();
            proptest::prop_assert_eq!(&back, &v);
            proptest::prop_assert_eq!(encode(&back, &ty).unwrap(), json);
        }
    }
}
