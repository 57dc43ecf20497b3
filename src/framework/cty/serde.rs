//! Moving values between cty and typed Rust structs (the resource models).
//!
//! The bridge goes through `serde_json::Value`, whose numbers are arbitrary-precision in this
//! crate, so nothing is lost on the way: [`from_value`] turns a cty object into a model and
//! [`to_value`] turns a model back into a value shaped by the schema's type (missing fields
//! become null).
//!
//! Unknown values read as `None`: a model field can't hold "not yet known". The plan engine
//! restores those unknowns after resource code has run (`framework::plan`), so resource code
//! only ever sees what is known.
//!
//! Must not: be used for `dynamic` attributes; models have none.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value as J;

use super::{CtyError, Number, Type, Value};

/// Read a typed model out of a value. Unknown parts read as null.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, CtyError> {
    serde_json::from_value(to_json_lenient(v)).map_err(|e| CtyError::new(without_values(&e)))
}

/// Turn a typed model into a value of type `ty`.
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, CtyError> {
    let j = serde_json::to_value(model).map_err(|e| CtyError::new(without_values(&e)))?;
    let bytes = serde_json::to_vec(&j).map_err(|e| CtyError::new(without_values(&e)))?;
    super::json::decode(&bytes, ty)
}

/// serde's message without the value it quotes (`invalid type: string "…", expected i64`
/// becomes `invalid type, expected i64`): values can be secrets, and these messages end up in
/// diagnostics.
pub fn without_values(e: &impl std::fmt::Display) -> String {
    let msg = e.to_string();
    match (msg.find(": "), msg.rfind(", expected")) {
        (Some(i), Some(j)) if i < j => format!("{}{}", &msg[..i], &msg[j..]),
        (Some(i), None) if msg.starts_with("invalid") => msg[..i].to_owned(),
        _ if msg.starts_with("unknown variant") => "unknown variant".to_owned(),
        _ => msg,
    }
}

fn to_json_lenient(v: &Value) -> J {
    match v {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => J::Number(n.into()),
        Value::String(s) => J::String(s.clone()),
        Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
            J::Array(xs.iter().map(to_json_lenient).collect())
        }
        Value::Map(m) | Value::Object(m) => J::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), to_json_lenient(x)))
                .collect(),
        ),
        Value::Dynamic(_, inner) => to_json_lenient(inner),
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::Number::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        Ok(Number::from(&n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Model {
        id: Option<String>,
        count: Option<Number>,
        tags: Vec<String>,
    }

    #[test]
    fn conversion_errors_never_quote_the_value() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Counted {
            count: Option<i64>,
        }
        let v = Value::Object([("count".into(), Value::string("Hunter2secret"))].into());
        let e = from_value::<Counted>(&v).unwrap_err();
        assert!(!e.to_string().contains("Hunter2secret"), "{e}");
        assert!(e.to_string().contains("expected i64"), "{e}");
        let v = Value::Object([("count".into(), Value::Number("8.5".parse().unwrap()))].into());
        let e = from_value::<Counted>(&v).unwrap_err();
        assert!(!e.to_string().contains("8.5"), "{e}");
        assert_eq!(
            without_values(&"missing field `count`"),
            "missing field `count`"
        );
    }

    #[test]
    fn models_round_trip_losslessly_and_unknowns_read_as_none() {
        let ty = Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("tags", Type::set(Type::String)),
            ("extra", Type::Bool),
        ]);
        let m = Model {
            id: None,
            count: Some("1.1".parse().unwrap()),
            tags: vec!["a".into()],
        };
        let v = to_value(&m, &ty).unwrap();
        assert_eq!(v.attr("tags"), &Value::Set(vec![Value::string("a")]));
        assert_eq!(v.attr("extra"), &Value::Null);
        assert_eq!(from_value::<Model>(&v).unwrap(), m);

        let mut with_unknown = v.clone();
        with_unknown
            .as_object_mut()
            .unwrap()
            .insert("id".into(), Value::Unknown);
        assert_eq!(from_value::<Model>(&with_unknown).unwrap().id, None);
        // The decimal went through serde untouched.
        assert_eq!(
            crate::framework::cty::msgpack::encode(v.attr("count"), &Type::Number).unwrap(),
            [0xa3, b'1', b'.', b'1']
        );
    }
}
