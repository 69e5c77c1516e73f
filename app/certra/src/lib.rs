#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod dialect;
pub mod eid_request;
pub mod endpoint;
mod error;
pub mod ns;
pub mod poll;
pub mod request;
pub mod response;
pub mod signature;
pub mod xml;

pub use error::{CertraError, Result, SignableProblem};
