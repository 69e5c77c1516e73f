//! The ehcert page. Components stay thin: they wire services (from context) to views; the
//! protocol lives in `ehcert_shared`, and error texts for people in [`error`].

pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod services;

pub use pages::home::App;
