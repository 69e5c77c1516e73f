//! The HTTP side of ehcert's demo and tests: serves the built app (Trunk's `dist/`) with the
//! strict Content Security Policy of spec/product.md §5, and the same-origin path to eHealth.

pub mod csp;
pub mod proxy;
pub mod static_app;
