//! What the card bridge reads before the eID signs comes from a page it does not trust: the
//! strict reader must refuse or accept, never panic or hang. The input is the `SignedInfo` and
//! the payload separated by a zero byte.
#![no_main]

use ehcert_certra::eid_request::{self, CardKeyType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (signed_info, payload) = text.split_once('\0').unwrap_or(("", &text));
    if let Ok(read) = eid_request::read(payload) {
        // Whatever is accepted is the one canonical form of what it was read as.
        assert_eq!(eid_request::read(payload), Ok(read));
    }
    for key_type in [CardKeyType::Rsa, CardKeyType::Ec] {
        let _ = eid_request::check(signed_info, payload, key_type);
    }
});
