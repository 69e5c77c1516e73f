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

/// `router` with the security headers, overriding any a handler set.
pub fn secure(router: Router, policy: HeaderValue, https: bool) -> Router {
    let fixed: [(HeaderName, &'static str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        // For browsers older than CSP's frame-ancestors.
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut router =
        router.layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policy));
    for (name, value) in fixed {
        router =
            router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    if https {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}
