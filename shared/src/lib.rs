#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bridge;
mod error_code;
pub mod install;
pub mod page;
#[cfg(test)]
mod typescript;

pub use error_code::ErrorCode;

/// Version of the message formats in this crate. The bridge announces it in its `hello`, the
/// extension compares it with its own and names the component to update when they differ.
pub const PROTOCOL_VERSION: u32 = 2;
