//! The contract DN comes from the server: parsing and re-rendering it must not panic, and a
//! parsed name must parse again from its own rendering to the same DER.
#![no_main]

use ehcert_pki::dn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(name) = dn::parse(text) {
        let again = dn::parse(&dn::to_string(&name)).expect("a rendered name parses");
        assert_eq!(again, name);
    }
});
