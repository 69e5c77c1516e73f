//! One module per screen.

pub mod bench;
pub mod card_check;
pub mod diagnostics;
pub mod home;
