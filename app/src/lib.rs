//! The ehcert page. [`Root`] picks the screen and provides what every screen shares; screens
//! stay thin: they wire services (from context) to views in one layout (`components::Shell`); the
//! protocol lives in `ehcert_shared`, the steps in `ehcert_flows`, the texts in `lang/*.json`
//! and error texts for people in [`error`].

pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod services;

pub use pages::Root;
