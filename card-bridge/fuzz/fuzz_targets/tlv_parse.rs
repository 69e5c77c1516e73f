//! Identity and address files come from the card: parsing must not panic, and every field must
//! lie inside the input.
#![no_main]

#[path = "../../src/tlv.rs"]
#[allow(dead_code, unreachable_pub)]
mod tlv;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fields = tlv::parse(data);
    let total: usize = fields.iter().map(|(_, value)| value.len()).sum();
    assert!(total <= data.len());
});
