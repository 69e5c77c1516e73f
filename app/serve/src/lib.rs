//! ehcert's web server: the built app (Trunk's `dist/`) with the strict Content Security Policy
//! of app/PRODUCT.md §5 and the other security headers on every answer, the same-origin path to
//! eHealth with its limits, `/healthz`, and structured access logs. Stateless: run as many as
//! the load needs behind a load balancer (docs/deploying.md).
//!
//! Modules, leaves first: `error`, `config` (the settings from file, environment and flags),
//! `csp`, `limits` (calls in flight, per-client rate), `access_log`, `headers`, `static_app`,
//! `proxy`, `server` (the accept loop, TLS, graceful stop), `nginx` (the same configuration as an
//! nginx recipe).

pub mod access_log;
pub mod config;
pub mod csp;
pub mod error;
pub mod headers;
pub mod health;
pub mod limits;
pub mod nginx;
pub mod proxy;
pub mod server;
pub mod static_app;

use std::sync::Arc;

use axum::{http::HeaderValue, routing::get, Json, Router};

use crate::{config::Config, error::ServeError};

/// Everything the server needs to start, read and checked (`--check-config` stops here).
pub struct Prepared {
    /// The routes with their headers and log.
    pub app: Router,
    /// The TLS acceptor when the server does its own TLS.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
}

/// Reads the app, the CA and TLS files the configuration names and builds the routes.
pub fn prepare(config: &Config) -> Result<Prepared, ServeError> {
    let (pages, policy) = static_app::router(config)?;
    let client = proxy::upstream_client(config)?;
    let tls = config.tls.as_ref().map(server::tls_acceptor).transpose()?;
    let policy =
        HeaderValue::try_from(policy).expect("the policy is built from ASCII tokens and base64");
    let routes = Router::new()
        .route("/healthz", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .merge(proxy::routes(config, client))
        .merge(pages);
    let app =
        headers::secure(routes, policy, config.https).layer(axum::middleware::from_fn_with_state(
            access_log::LogSettings {
                enabled: config.access_log,
                trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            },
            access_log::middleware,
        ));
    Ok(Prepared { app, tls })
}
