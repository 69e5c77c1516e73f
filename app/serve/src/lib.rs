//! ehcert's web server: serves the built app (Trunk's `dist/`) with the strict Content Security
//! Policy of app/PRODUCT.md §5, and the same-origin path to eHealth.

pub mod csp;
pub mod proxy;
pub mod static_app;
