//! One module per screen.

pub mod bench;
pub mod home;
