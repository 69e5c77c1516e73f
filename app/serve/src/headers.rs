//! The security headers on every answer, the proxied ones and the refusals included
//! (app/PRODUCT.md §5): the Content Security Policy (with `frame-ancestors 'none'`), no MIME
//! sniffing, no referrer, the page in its own browsing-context group and its resources for
//! itself alone (COOP/CORP, so no other site can embed or read them), and on an HTTPS origin
//! Strict-Transport-Security (RFC 6797) for a year. HSTS is sent only where the public origin
//! is HTTPS (own TLS, or `https = true` behind a load balancer): on plain HTTP it would be
//! ignored at best. `includeSubDomains` is the domain owner's decision, not ours.

use axum::{
    http::{header, HeaderName, HeaderValue},
    Router,
};
use tower_http::set_header::SetResponseHeaderLayer;

/// The security headers besides the Content Security Policy, as name and value; the same list
/// goes into the nginx recipe (`nginx`).
pub fn fixed(https: bool) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        // For browsers older than CSP's frame-ancestors.
        ("X-Frame-Options", "DENY"),
    ];
    if https {
        headers.push(("Strict-Transport-Security", "max-age=31536000"));
    }
    headers
}

/// `router` with the security headers, overriding any a handler set.
pub fn secure(router: Router, policy: HeaderValue, https: bool) -> Router {
    let mut router =
        router.layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policy));
    for (name, value) in fixed(https) {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_bytes(name.as_bytes()).expect("the names above are header names"),
            HeaderValue::from_static(value),
        ));
    }
    router
}
