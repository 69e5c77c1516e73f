//! One module per screen.

pub(crate) mod home;
