//! `Retry-After` as the client reads it: any header bytes give a wait or none, never a panic,
//! and the wait never grows as time passes (an HTTP-date comes nearer, delta-seconds stay).
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use reqwest::header::HeaderValue;
use tfvonage::vonage::response_parsers::retry_after;

fuzz_target!(|data: &[u8]| {
    // As the client does: a header value that is not visible ASCII is ignored.
    let Ok(header) = HeaderValue::from_bytes(data) else {
        return;
    };
    let Ok(text) = header.to_str() else {
        return;
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let sooner = retry_after(text, now);
    let later = retry_after(text, now + Duration::from_secs(3600));
    assert_eq!(sooner.is_some(), later.is_some(), "{text:?}");
    assert!(later <= sooner, "{text:?}: {later:?} after {sooner:?}");
    let _ = retry_after(text, SystemTime::now());
});
