#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bridge;
pub mod compat;
mod error_code;
pub mod install;
pub mod page;
#[cfg(test)]
mod typescript;

pub use error_code::ErrorCode;

/// The newest version of the message formats in this crate. Parts of different releases speak
/// the highest version both know ([`compat`]); when they share none, the older part is named
/// for update.
pub const PROTOCOL_VERSION: u32 = 2;
