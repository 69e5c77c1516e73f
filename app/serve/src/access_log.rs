//! One JSON line per request on standard output, for the operator's log pipeline: when, which
//! client, what was asked, the answer's status and size, how long it took, and for a call to
//! eHealth the environment and operation. Never a body, a query string, a header value or a
//! cookie: the SOAP bodies carry national numbers, certificates and signatures. A path that
//! could hold a national number (a run of six digits or more, or anything but plain
//! characters) is written as `(redacted)`.

use std::{
    io::Write as _,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::Response,
    middleware::Next,
};

use crate::{config::IpNet, limits};

/// The TCP peer of the connection a request came on (set by the server loop).
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

/// The client a request is counted against (the peer, or whom a trusted proxy names).
#[derive(Clone, Copy, Debug)]
pub struct Client(pub IpAddr);

/// What a call to eHealth adds to its log line.
#[derive(Clone, Debug)]
pub struct Called {
    /// `production`, `acceptance`, `local`.
    pub environment: &'static str,
    /// The operation's request element, `GenerateCertificateRequest`; `GetEtkRequest`.
    pub operation: &'static str,
    /// eHealth's status, absent when eHealth was not reached.
    pub upstream_status: Option<u16>,
}

/// What the log middleware needs.
#[derive(Clone)]
pub struct LogSettings {
    /// Write the lines.
    pub enabled: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<IpNet>>,
}

/// Names the client for the handlers and writes the line once the answer is ready.
pub async fn middleware(
    State(settings): State<LogSettings>,
    mut request: Request,
    next: Next,
) -> Response<Body> {
    let started = Instant::now();
    let peer = request.extensions().get::<Peer>().map(|peer| peer.0.ip());
    let client =
        peer.map(|peer| limits::client_address(peer, request.headers(), &settings.trusted_proxies));
    if let Some(client) = client {
        request.extensions_mut().insert(Client(client));
    }
    let method = request.method().to_string();
    let path = loggable_path(request.uri().path()).to_owned();
    let response = next.run(request).await;
    if settings.enabled {
        let called = response.extensions().get::<Called>();
        let size = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let line = serde_json::json!({
            "time": now(),
            "client": client.map(|client| client.to_string()),
            "method": method,
            "path": path,
            "status": response.status().as_u16(),
            "bytes": size,
            "ms": (started.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            "environment": called.map(|c| c.environment),
            "operation": called.map(|c| c.operation),
            "upstream_status": called.and_then(|c| c.upstream_status),
        });
        // Not `println!`: a closed standard output (a log pipe gone) must not fail the answer.
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }
    response
}

fn now() -> String {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    ehcert_certra::request::date_time(since_epoch.as_secs())
}

/// The path as logged: itself when it cannot hold a national number.
fn loggable_path(path: &str) -> &str {
    let plain = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
    let mut digits = 0;
    let long_number = path.bytes().any(|b| {
        // Separators as the eID prints the number (85.07.30-033.28) do not break the run.
        digits = match b {
            b'0'..=b'9' => digits + 1,
            b'.' | b'-' => digits,
            _ => 0,
        };
        digits >= 6
    });
    if plain && !long_number && path.len() <= 200 {
        path
    } else {
        "(redacted)"
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn paths_that_could_hold_a_national_number_are_not_logged() {
        assert_eq!(loggable_path("/ehealth/local/CertRa/v2"), "/ehealth/local/CertRa/v2");
        assert_eq!(loggable_path("/ehcert-app_bg.wasm"), "/ehcert-app_bg.wasm");
        assert_eq!(loggable_path("/renew/85073003328"), "(redacted)");
        assert_eq!(loggable_path("/x/850730"), "(redacted)");
        assert_eq!(loggable_path("/x/85.07.30-033.28"), "(redacted)", "as printed on the eID");
        assert_eq!(loggable_path("/a%20b"), "(redacted)");
    }
}
