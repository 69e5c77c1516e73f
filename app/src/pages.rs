//! One module per screen.

pub mod activate_etk;
#[cfg(feature = "bench")]
pub mod bench;
pub mod card_check;
pub mod certificates;
pub mod complete;
pub mod diagnostics;
pub mod foreigner;
pub mod home;
pub mod keystore;
pub mod new_certificate;
