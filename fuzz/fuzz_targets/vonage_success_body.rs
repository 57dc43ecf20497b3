//! Every success body the client decodes: any bytes give the public value or
//! `Error::InvalidResponse`, never a panic, and the error says where the body went wrong but
//! quotes none of it (a subaccount's create answer holds its secret).
//!
//! Input: byte 0 picks the body, the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfvonage::vonage::Error;
use tfvonage::vonage::response_parsers::{SuccessBody, success_response};

/// The secret of a subaccount's create answer, when it is one Vonage could issue and nothing
/// else in the body holds it.
fn secret_of(kind: SuccessBody, body: &[u8]) -> Option<String> {
    if kind != SuccessBody::CreatedSubaccount {
        return None;
    }
    let mut j: serde_json::Value = serde_json::from_slice(body).ok()?;
    let secret = j.as_object_mut()?.remove("secret")?.as_str()?.to_owned();
    let vonage_like = secret.len() >= 8
        && secret.chars().any(|c| c.is_ascii_lowercase())
        && secret.chars().any(|c| c.is_ascii_uppercase())
        && secret.chars().any(|c| c.is_ascii_digit());
    (vonage_like && !j.to_string().contains(&secret)).then_some(secret)
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let kind = SuccessBody::ALL[which as usize % SuccessBody::ALL.len()];
    match success_response(kind, 200, body) {
        Ok(value) => {
            let shown = format!("{value:?}");
            if let Some(secret) = secret_of(kind, body) {
                assert!(!shown.contains(&secret), "the new secret shows in {shown}");
            }
        }
        Err(Error::InvalidResponse { operation, detail }) => {
            assert_eq!(operation, "the operation");
            // Only the error's class and position: nothing of the body.
            let rest = detail
                .strip_prefix("the body does not match the documented shape (")
                .and_then(|d| d.strip_suffix(", HTTP 200)"))
                .unwrap_or_else(|| panic!("unexpected detail: {detail}"));
            let words: Vec<&str> = rest.split(' ').collect();
            assert!(
                matches!(
                    words.as_slice(),
                    [_, "error", "at", "line", l, "column", c]
                        if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok()
                ),
                "unexpected detail: {detail}"
            );
        }
        Err(other) => panic!("a success body gave {other:?}"),
    }
});
