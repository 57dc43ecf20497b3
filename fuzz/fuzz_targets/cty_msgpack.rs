//! `DynamicValue.msgpack` decoding: any bytes, against any type, give a value or an error and
//! never a panic; a value that decodes re-encodes to bytes that decode to the same value, and
//! to JSON (when wholly known) that decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfvonage::framework::cty::msgpack;

fuzz_target!(|data: &[u8]| {
    let Some((ty, bytes)) = fuzz_support::split_input(data) else {
        return;
    };
    if let Ok(v) = msgpack::decode(bytes, &ty) {
        fuzz_support::assert_msgpack_round_trip(&v, &ty);
        fuzz_support::assert_json_round_trip(&v, &ty);
    }
});
