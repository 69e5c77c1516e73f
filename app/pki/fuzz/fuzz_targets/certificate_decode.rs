//! Certificates arrive from CertRA (GetCertificate) and from keystores.
#![no_main]

use ehcert_pki::{cert, csr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cert::decode(data);
    let _ = csr::decode(data);
});
