//! The HTTP side of ehcert's demo and tests: serves the built app (Trunk's `dist/`) with the
//! strict Content Security Policy of app/PRODUCT.md §5, the same-origin path to eHealth, and
//! the mock eHealth CertRA/EtkRA/ETK Depot, and the Belgian eID card simulator that plugs into
//! the real `pcscd` through vpcd.

pub mod csp;
pub mod eid;
pub mod mock_certra;
pub mod proxy;
pub mod static_app;
