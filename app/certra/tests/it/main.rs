//! Conformance of the CertRA client against outside oracles: `xmllint` validates every request
//! (and every response fixture) against eHealth's own XSDs; `xmlsec1` verifies every signed request
//! for RSA and ECDSA P-384 signers, and refuses it once one signed byte changes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should stop loudly

mod fixtures;
mod requests;
mod responses;
mod signatures;
