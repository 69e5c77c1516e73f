//! A keystore file opened by the user is untrusted: reading it must not panic or hang.
#![no_main]

use ehcert_pki::p12::{Keystore, Password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Keystore::read(data, &Password::new("pw-123456"));
});
