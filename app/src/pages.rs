//! One module per screen.

pub mod bench;
pub mod diagnostics;
pub mod home;
