#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod cert;
pub mod csr;
pub mod dn;
mod error;
pub mod etk;
pub mod identifier;
pub mod key;
pub mod p12;
pub mod rules;

pub use error::{PkiError, Result};
