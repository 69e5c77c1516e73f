//! Integration tests of the PKI core against outside oracles: OpenSSL acts as the CA and checks
//! what we write; JDK keytool reads our keystores as Java medical software does; keystores made by
//! both are read back by our code. One test binary, topic modules (ripgrep's layout).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop loudly

mod csr;
mod etk;
mod hostile;
mod oracle;
mod p12;
