//! Error answers as the client reads them (`ApiFailure::parse`, `into_error`, `Retry-After`,
//! and the redacted body a trace log shows): any status, header and body give an `Error`, never
//! a panic; no secret the call knows appears in the error's message, its `Debug` or the logged
//! body, neither as it is nor JSON-escaped; the error keeps the answer's status class.
//!
//! Input: status (2 bytes), a `Retry-After` value, two secrets, then the body. In the body,
//! `$S` and `$T` stand for the two secrets, so the fuzzer can put them anywhere.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use tfvonage::vonage::Error;
use tfvonage::vonage::response_parsers::{error_response, logged_error_body};

/// A secret Vonage would accept (8 to 25 characters with a lowercase letter, an uppercase letter
/// and a digit), made of any printable ASCII.
fn secret(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let n = u.int_in_range(5..=22)?;
    let mut s = String::from("aA1");
    for _ in 0..n {
        s.push(char::from(u.int_in_range(0x21u8..=0x7e)?));
    }
    Ok(s)
}

fn forms(secret: &str) -> [String; 2] {
    let escaped = serde_json::to_string(secret).expect("a string serialises");
    [secret.to_owned(), escaped[1..escaped.len() - 1].to_owned()]
}

fn run(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let status = u.int_in_range(300u16..=599)?;
    let retry_after = <&str>::arbitrary(&mut u)?;
    let secrets = [secret(&mut u)?, secret(&mut u)?];
    let body = String::from_utf8_lossy(u.take_rest())
        .replace("$S", &secrets[0])
        .replace("$T", &secrets[1]);
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(retry_after) {
        headers.insert(RETRY_AFTER, v);
    }
    let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let err = error_response(status, &headers, body.as_bytes(), "abcd1234", &known);
    let logged = logged_error_body(body.as_bytes(), &known);
    let shown = [err.to_string(), format!("{err:?}"), logged];
    for s in &secrets {
        for form in forms(s) {
            for text in &shown {
                assert!(!text.contains(&form), "secret {form:?} leaks into {text:?}");
            }
        }
    }
    match &err {
        Error::RateLimited { retry_after: wait } => {
            assert_eq!(status, 429);
            // A header that is visible ASCII and delta-seconds is honoured exactly.
            let ascii = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok());
            if let Some(seconds) = ascii.and_then(|v| v.trim().parse::<u64>().ok()) {
                assert_eq!(*wait, Some(std::time::Duration::from_secs(seconds)));
            }
        }
        Error::Unauthorized { .. } | Error::AutoReloadDisabled { .. } => assert_eq!(status, 401),
        Error::NotFound { .. } => assert_eq!(status, 404),
        Error::Api { status: s, .. } => assert_eq!(*s, status),
        Error::Validation { .. } => assert!(status == 400 || status == 422),
        _ => assert!(status == 400 || status == 403, "{status}: {err:?}"),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
