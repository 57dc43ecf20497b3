//! Request body decoding, tolerant the way Vonage's clients need.
//!
//! Owns: reading a JSON object whatever the Content-Type says (an empty body
//! is `{}`; unknown fields are kept and ignored by routes), and collecting
//! rest-host parameters from the query string plus a form body (or a JSON
//! object, when the Content-Type says JSON).
//! Must not: validate fields (routes and `rules` do).

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

/// Why a body is not a JSON object.
pub enum BodyError {
    Malformed,
    NotAnObject,
}

impl BodyError {
    pub fn detail(&self) -> &'static str {
        match self {
            BodyError::Malformed => "The request body is not valid JSON",
            BodyError::NotAnObject => "The request body must be a JSON object",
        }
    }
}

/// The body as a JSON object (`{}` when empty).
pub fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(_) => Err(BodyError::Malformed),
    }
}

/// Rest-host parameters: the query string, then the body (form-encoded, or
/// a JSON object when declared as JSON). Later entries win on lookup.
pub fn rest_params(
    headers: &HeaderMap,
    query: Option<&str>,
    bytes: &[u8],
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if is_json {
        if let Ok(map) = json_object(bytes) {
            for (k, v) in map {
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                params.push((k, text));
            }
        }
    } else {
        params.extend(
            url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }
    params
}

/// The last value of `name` among `params`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
