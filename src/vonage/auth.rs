//! HTTP Basic authentication, the only scheme the client uses (docs/vonage-api-notes.md §2.1): the
//! key and secret travel in the `Authorization` header and nowhere else —
//! never in a URL, a form field, a log line or an error.
//!
//! Owns: building the header value once, marked sensitive so that hyper and
//! reqwest never print it.
//! Must not: keep the secret anywhere else.

use base64::Engine;
use reqwest::header::HeaderValue;

use super::secret::Secret;

/// `Authorization: Basic base64(key:secret)`, marked sensitive. `None` when
/// the key or secret cannot be carried in a header (control characters).
pub fn basic_header(api_key: &str, api_secret: &Secret) -> Option<HeaderValue> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{api_key}:{}", api_secret.expose()));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_basic_and_sensitive() {
        let value = basic_header("abcd1234", &Secret::from("Secret123")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Basic YWJjZDEyMzQ6U2VjcmV0MTIz");
        assert!(!format!("{value:?}").contains("YWJj"));
    }
}
