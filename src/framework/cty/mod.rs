//! The cty type and value model: what Terraform's values look like on our side of the wire.
//!
//! Owns: [`Type`] (cty types and their JSON form), [`Value`] (known, null and unknown values),
//! and [`Number`] (lossless numbers). The codecs live beside it: [`msgpack`] for
//! `DynamicValue`, [`json`] for `RawState`, and [`serde`](self::serde) to move values in and out of
//! typed Rust structs.
//!
//! Must not: know about protobuf, schemas or resources. A value here is plain data; which
//! attributes are computed or write-only is the schema's business (`framework::schema`).

#[cfg(test)]
pub(crate) mod arbitrary;
pub mod json;
pub mod msgpack;
pub mod number;
pub mod serde;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use number::Number;

/// A cty type, as Terraform writes it in schemas and inside dynamic values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    /// "Any type": values of this type travel with their concrete type attached.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Attribute types, plus the names of attributes that are optional in a type constraint.
    Object(BTreeMap<String, Type>, BTreeSet<String>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object<I, S>(attrs: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<String>,
    {
        Type::Object(
            attrs.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            BTreeSet::new(),
        )
    }

    /// The JSON form used in `Schema.Attribute.type` and in dynamic values: `"string"`,
    /// `["list","string"]`, `["object",{"a":"bool"}]`, `["object",{..},["opt"]]`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Type::String => J::from("string"),
            Type::Number => J::from("number"),
            Type::Bool => J::from("bool"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(t) => J::Array(vec![J::from("list"), t.to_json()]),
            Type::Set(t) => J::Array(vec![J::from("set"), t.to_json()]),
            Type::Map(t) => J::Array(vec![J::from("map"), t.to_json()]),
            Type::Object(attrs, optional) => {
                let obj: serde_json::Map<String, J> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                let mut parts = vec![J::from("object"), J::Object(obj)];
                if !optional.is_empty() {
                    parts.push(J::Array(
                        optional.iter().map(|s| J::from(s.as_str())).collect(),
                    ));
                }
                J::Array(parts)
            }
            Type::Tuple(elems) => J::Array(vec![
                J::from("tuple"),
                J::Array(elems.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).expect("a type always serialises")
    }

    pub fn from_json(j: &serde_json::Value) -> Result<Type, CtyError> {
        use serde_json::Value as J;
        let bad = || CtyError::new(format!("invalid type specification {j}"));
        match j {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            J::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().ok_or_else(bad)?;
                match (kind, parts.len()) {
                    ("list", 2) => Ok(Type::list(Type::from_json(&parts[1])?)),
                    ("set", 2) => Ok(Type::set(Type::from_json(&parts[1])?)),
                    ("map", 2) => Ok(Type::map(Type::from_json(&parts[1])?)),
                    ("object", 2 | 3) => {
                        let attrs = parts[1]
                            .as_object()
                            .ok_or_else(bad)?
                            .iter()
                            .map(|(k, v)| Ok((k.clone(), Type::from_json(v)?)))
                            .collect::<Result<BTreeMap<_, _>, CtyError>>()?;
                        let optional = match parts.get(2) {
                            Some(J::Array(names)) => names
                                .iter()
                                .map(|n| n.as_str().map(str::to_owned).ok_or_else(bad))
                                .collect::<Result<BTreeSet<_>, _>>()?,
                            Some(_) => return Err(bad()),
                            None => BTreeSet::new(),
                        };
                        Ok(Type::Object(attrs, optional))
                    }
                    ("tuple", 2) => Ok(Type::Tuple(
                        parts[1]
                            .as_array()
                            .ok_or_else(bad)?
                            .iter()
                            .map(Type::from_json)
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    pub fn from_json_bytes(b: &[u8]) -> Result<Type, CtyError> {
        let j: serde_json::Value = serde_json::from_slice(b)
            .map_err(|e| CtyError::new(format!("invalid type JSON: {e}")))?;
        Type::from_json(&j)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// A cty value. Collections are kept in the variant their type calls for (decoders and
/// [`Value::conform`] guarantee it), so two values of the same type compare structurally.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Not yet known (during planning). Refinements from Terraform are dropped on decode.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Elements in the order they arrived; equality is order-sensitive, like the wire.
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    /// A known value of a `dynamic`-typed slot, carrying its concrete type.
    Dynamic(Type, Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// An object attribute, or `Null` when this is not an object or has no such attribute.
    pub fn attr(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.as_object().and_then(|m| m.get(name)).unwrap_or(&NULL)
    }

    /// Reshape a value built from a Rust struct (or loosely from JSON) into the exact form its
    /// type calls for: sequences become lists, sets or tuples, maps become objects or maps,
    /// missing object attributes become null and unexpected ones are refused.
    pub fn conform(self, ty: &Type) -> Result<Value, CtyError> {
        conform_at(self, ty, &mut Vec::new())
    }
}

fn conform_at(v: Value, ty: &Type, path: &mut Vec<String>) -> Result<Value, CtyError> {
    let err = |path: &Vec<String>, what: String| CtyError::at(path, what);
    Ok(match (v, ty) {
        (Value::Null, _) => Value::Null,
        (Value::Unknown, _) => Value::Unknown,
        (Value::Dynamic(t, inner), Type::Dynamic) => {
            let inner = conform_at(*inner, &t, path)?;
            Value::Dynamic(t, Box::new(inner))
        }
        (v, Type::Dynamic) => {
            let t = infer_type(&v)
                .ok_or_else(|| err(path, "cannot infer a type for a dynamic value".into()))?;
            let inner = conform_at(v, &t, path)?;
            Value::Dynamic(t, Box::new(inner))
        }
        (Value::Dynamic(_, inner), ty) => conform_at(*inner, ty, path)?,
        (Value::String(s), Type::String) => Value::String(s),
        (Value::Bool(b), Type::String) => Value::String(b.to_string()),
        (Value::Number(n), Type::String) => Value::String(n.to_string()),
        (Value::Number(n), Type::Number) => Value::Number(n),
        (Value::String(s), Type::Number) => Value::Number(
            s.parse()
                .map_err(|_| err(path, "a number is required, got other text".into()))?,
        ),
        (Value::Bool(b), Type::Bool) => Value::Bool(b),
        (Value::String(s), Type::Bool) => match s.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(err(path, "a bool is required".into())),
        },
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::List(et)) => {
            Value::List(conform_elems(xs, et, path)?)
        }
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::Set(et)) => {
            Value::Set(conform_elems(xs, et, path)?)
        }
        (Value::List(xs) | Value::Set(xs) | Value::Tuple(xs), Type::Tuple(ets)) => {
            if xs.len() != ets.len() {
                return Err(err(
                    path,
                    format!("a tuple of {} elements is required", ets.len()),
                ));
            }
            let mut out = Vec::with_capacity(xs.len());
            for (i, (x, et)) in xs.into_iter().zip(ets).enumerate() {
                path.push(format!("[{i}]"));
                out.push(conform_at(x, et, path)?);
                path.pop();
            }
            Value::Tuple(out)
        }
        (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                path.push(format!("[{k:?}]"));
                let x = conform_at(x, et, path)?;
                path.pop();
                out.insert(k, x);
            }
            Value::Map(out)
        }
        (Value::Map(mut m) | Value::Object(mut m), Type::Object(attrs, _)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(err(path, format!("unsupported attribute {extra:?}")));
            }
            let mut out = BTreeMap::new();
            for (name, at) in attrs {
                let x = m.remove(name).unwrap_or(Value::Null);
                path.push(format!(".{name}"));
                let x = conform_at(x, at, path)?;
                path.pop();
                out.insert(name.clone(), x);
            }
            Value::Object(out)
        }
        (v, ty) => {
            return Err(err(
                path,
                format!("a value of type {ty} is required, got {}", kind_name(&v)),
            ));
        }
    })
}

fn conform_elems(
    xs: Vec<Value>,
    et: &Type,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, CtyError> {
    let mut out = Vec::with_capacity(xs.len());
    for (i, x) in xs.into_iter().enumerate() {
        path.push(format!("[{i}]"));
        out.push(conform_at(x, et, path)?);
        path.pop();
    }
    Ok(out)
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Tuple(_) => "tuple",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Dynamic(..) => "dynamic",
    }
}

/// The type a known value would have on its own (used for dynamic slots filled from Rust).
fn infer_type(v: &Value) -> Option<Type> {
    Some(match v {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::Dynamic(t, _) => t.clone(),
        Value::List(xs) | Value::Tuple(xs) | Value::Set(xs) => {
            Type::Tuple(xs.iter().map(infer_type).collect::<Option<_>>()?)
        }
        Value::Map(m) | Value::Object(m) => Type::object(
            m.iter()
                .map(|(k, x)| Some((k.clone(), infer_type(x)?)))
                .collect::<Option<Vec<_>>>()?,
        ),
        Value::Null | Value::Unknown => return None,
    })
}

/// A value that does not fit its type, with the path inside the value where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtyError {
    pub path: String,
    pub message: String,
}

impl CtyError {
    pub fn new(message: impl Into<String>) -> Self {
        CtyError {
            path: String::new(),
            message: message.into(),
        }
    }
    fn at(path: &[String], message: String) -> Self {
        CtyError {
            path: path.concat(),
            message,
        }
    }
}

impl fmt::Display for CtyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CtyError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_round_trips() {
        let t = Type::Object(
            [
                ("a".to_string(), Type::list(Type::String)),
                ("b".to_string(), Type::Bool),
            ]
            .into(),
            ["b".to_string()].into(),
        );
        let j = t.to_json();
        assert_eq!(
            j.to_string(),
            r#"["object",{"a":["list","string"],"b":"bool"},["b"]]"#
        );
        assert_eq!(Type::from_json(&j).unwrap(), t);
        assert!(Type::from_json_bytes(br#"["frob","string"]"#).is_err());
    }

    #[test]
    fn conform_fills_missing_attributes_and_refuses_extra_ones() {
        let t = Type::object([("a", Type::String), ("b", Type::set(Type::Number))]);
        let v = Value::Object([("a".into(), Value::string("x"))].into())
            .conform(&t)
            .unwrap();
        assert_eq!(v.attr("b"), &Value::Null);
        let bad = Value::Object([("zz".into(), Value::Null)].into())
            .conform(&t)
            .unwrap_err();
        assert!(bad.message.contains("zz"), "{bad}");
        let seq = Value::Object([("b".into(), Value::List(vec![Value::Number(1.into())]))].into());
        assert_eq!(
            seq.conform(&t).unwrap().attr("b"),
            &Value::Set(vec![Value::Number(1.into())])
        );
    }
}
