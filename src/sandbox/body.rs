//! Request body decoding.
//!
//! Owns: reading a JSON object (an empty body is `{}`; unknown fields are
//! kept and ignored by routes), collecting rest-host parameters from the
//! query string plus a form body (or a JSON object, when the Content-Type
//! says JSON), and the two answers about a body as such:
//! * a rest-host body labelled JSON that is a form (`trx=…`) is read as the
//!   form it is, in every mode: the official Python SDK (4.x) sends its form
//!   posts with the `Content-Type: application/json` a JSON call left on its
//!   shared headers, and production evidently serves that SDK (inferred; see
//!   `docs/sandbox.md`);
//! * not JSON, or not a JSON object: one 400 `#invalid-json` "Malformed
//!   JSON" on every route (Vonage's API guideline);
//! * with `require_content_type` (`--strict`): a non-empty body whose
//!   `Content-Type` the route does not take is a 415 (sandbox choice).
//!   Without it the Content-Type is not checked, as Vonage's clients need.
//!
//! Must not: validate fields (routes and `rules` do).

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::problem::{self, ApiError};

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

fn is_empty(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// The body as a JSON object (`{}` when empty).
pub fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if is_empty(bytes) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(_) => Err(BodyError::Malformed),
    }
}

/// The media type of `Content-Type`, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

/// `application/json` or any `…+json` type.
fn declares_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|t| t == "application/json" || t.ends_with("+json"))
}

fn declares_form(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|t| t == "application/x-www-form-urlencoded")
}

/// The body of a JSON route as an object, or the route's error.
pub fn json_body(
    require_content_type: bool,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    if require_content_type && !is_empty(bytes) && !declares_json(headers) {
        return Err(problem::unsupported_media_type("application/json"));
    }
    json_object(bytes).map_err(|e| problem::invalid_json(e.detail()))
}

/// Rest-host parameters: the query string, then the body (form-encoded, or
/// a JSON object when declared as JSON). Later entries win on lookup.
pub fn rest_params(
    require_content_type: bool,
    headers: &HeaderMap,
    query: Option<&str>,
    bytes: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    let mut params: Vec<(String, String)> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    if declares_json(headers) && !is_form(bytes) {
        let map = json_object(bytes).map_err(|e| problem::invalid_json(e.detail()))?;
        for (k, v) in map {
            let text = match v {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            params.push((k, text));
        }
        return Ok(params);
    }
    if require_content_type
        && !is_empty(bytes)
        && !declares_form(headers)
        && !declares_json(headers)
    {
        return Err(problem::unsupported_media_type(
            "application/x-www-form-urlencoded or application/json",
        ));
    }
    params
        .extend(url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())));
    Ok(params)
}

/// A body that can only be an urlencoded form: `key=value` pairs joined by
/// `&`, in the characters a form encoder leaves unescaped. No JSON text
/// matches (it would need `{`, `[`, `"` or a bare literal without `=`).
fn is_form(bytes: &[u8]) -> bool {
    let unescaped = |b: &u8| b.is_ascii_alphanumeric() || b"%+-._~*=".contains(b);
    !is_empty(bytes)
        && bytes.split(|b| *b == b'&').all(|pair| {
            pair.iter()
                .position(|b| *b == b'=')
                .is_some_and(|eq| eq > 0)
                && pair.iter().all(unescaped)
        })
}

/// The last value of `name` among `params`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_told_from_json() {
        for form in [
            "trx=abc",
            "moCallbackUrl=https%3A%2F%2Fexample.com%2Fx&drCallbackUrl=",
            "a=b+c&d=%7B",
        ] {
            assert!(is_form(form.as_bytes()), "{form}");
        }
        for not_form in [
            "",
            "{\"trx\": \"abc\"}",
            "[1, 2]",
            "\"text\"",
            "true",
            "{\"a=b\": 1}",
            "=b",
            "a=b&c",
        ] {
            assert!(!is_form(not_form.as_bytes()), "{not_form}");
        }
    }
}
