//! Serves the built app: the files of `dist/`, `index.html` for every other path (the app routes
//! on the client), and the security headers on every answer.

use std::{io, path::PathBuf, sync::Arc};

use axum::{
    http::{header, HeaderName, HeaderValue},
    response::Html,
    routing::get,
    Router,
};
use ehcert_certra::{
    dialect::{DnEcho, EcSignatureMethod},
    endpoint::Environment,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use crate::csp;

/// What the app server needs to know.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Trunk's output folder.
    pub dist: PathBuf,
    /// Origins besides our own that the page may call.
    pub connect_src: Vec<String>,
    /// Kiosk mode (app/PRODUCT.md F17): the page keeps nothing and ends the session after this
    /// many seconds without input; `None` for a personal computer.
    pub kiosk_idle_seconds: Option<u32>,
    /// Per environment, the operator's answers to what no public source settles (the client's
    /// `ehcert_certra::dialect`), once the acceptance probe has shown them.
    pub dialects: Vec<Dialect>,
}

/// One environment's dialect: `--dialect acceptance=ecdsa-sha384,verbatim`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Dialect {
    /// `production`, `acceptance`, `local`.
    pub environment: String,
    /// `ecdsa-sha256` or `ecdsa-sha384`.
    pub ec_signature_method: String,
    /// `connector` or `verbatim`.
    pub dn_echo: String,
}

impl Dialect {
    /// Parses `ENVIRONMENT=EC_METHOD,DN_ECHO`, refusing names the app does not know.
    pub fn parse(text: &str) -> Result<Self, String> {
        let usage = || format!("--dialect takes ENVIRONMENT=EC_METHOD,DN_ECHO, not {text:?}");
        let (environment, rest) = text.split_once('=').ok_or_else(usage)?;
        let (method, echo) = rest.split_once(',').ok_or_else(usage)?;
        let known = [Environment::Production, Environment::Acceptance, Environment::Local]
            .iter()
            .any(|known| known.name() == environment)
            && EcSignatureMethod::parse(method).is_some()
            && DnEcho::parse(echo).is_some();
        if !known {
            return Err(usage());
        }
        Ok(Self {
            environment: environment.to_owned(),
            ec_signature_method: method.to_owned(),
            dn_echo: echo.to_owned(),
        })
    }
}

/// Tells the page each configured dialect: `<meta name="ehcert-dialect-ENV" content="METHOD
/// ECHO">`, read at start (no script: the Content Security Policy is unchanged).
fn with_dialect_meta(index: &str, dialects: &[Dialect]) -> String {
    let metas: String = dialects
        .iter()
        .map(|d| {
            format!(
                "<meta name=\"ehcert-dialect-{}\" content=\"{} {}\">",
                d.environment, d.ec_signature_method, d.dn_echo
            )
        })
        .collect();
    index.replacen("</head>", &format!("{metas}</head>"), 1)
}

/// Tells the page it runs on a shared kiosk: a `<meta>` the app reads at start (no script, so
/// the Content Security Policy is unchanged).
fn with_kiosk_meta(index: &str, idle_seconds: Option<u32>) -> String {
    match idle_seconds {
        Some(seconds) => index.replacen(
            "</head>",
            &format!("<meta name=\"ehcert-kiosk-idle-seconds\" content=\"{seconds}\"></head>"),
            1,
        ),
        None => index.to_owned(),
    }
}

/// Why the app cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `dist/index.html` is missing: the app was not built.
    #[error("{path} cannot be read ({source}); build the app first (trunk build --release)")]
    NotBuilt {
        /// The index file we looked for.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
}

/// A router serving the app in `config.dist`.
pub fn router(config: &AppConfig) -> Result<Router, ServeError> {
    let index_path = config.dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)
        .map_err(|source| ServeError::NotBuilt { path: index_path, source })?;
    let policy = HeaderValue::try_from(csp::policy_for(&index, &config.connect_src))
        .expect("the policy is built from ASCII tokens and base64");
    let index = Arc::new(with_dialect_meta(
        &with_kiosk_meta(&index, config.kiosk_idle_seconds),
        &config.dialects,
    ));
    let page = get(move || {
        let index = Arc::clone(&index);
        async move { Html(index.as_str().to_owned()) }
    });
    Ok(Router::new()
        // The page itself always comes from here (with the kiosk mark when configured), never
        // as the raw file.
        .route("/", page.clone())
        .route("/index.html", page.clone())
        .fallback_service(ServeDir::new(&config.dist).fallback(page))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policy))
        // File names carry no content hash (Trunk.toml), so every load revalidates.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        )))
}

#[cfg(test)]
mod tests {
    use super::{with_dialect_meta, with_kiosk_meta, Dialect};

    #[test]
    fn an_operators_dialect_goes_into_the_head_as_a_meta() {
        let dialect = Dialect::parse("acceptance=ecdsa-sha384,verbatim").unwrap();
        assert_eq!(
            with_dialect_meta("<head></head>", &[dialect]),
            "<head><meta name=\"ehcert-dialect-acceptance\" content=\"ecdsa-sha384 verbatim\"></head>"
        );
        for bad in [
            "acceptance",
            "acceptance=ecdsa-sha512,connector",
            "test=ecdsa-sha256,connector",
            "local=ecdsa-sha256,escaped",
        ] {
            assert!(Dialect::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_kiosk_mark_goes_into_the_head_only_when_configured() {
        let index = "<html><head><title>ehcert</title></head><body></body></html>";
        assert_eq!(with_kiosk_meta(index, None), index);
        assert_eq!(
            with_kiosk_meta(index, Some(120)),
            "<html><head><title>ehcert</title><meta name=\"ehcert-kiosk-idle-seconds\" content=\"120\"></head><body></body></html>"
        );
    }
}
