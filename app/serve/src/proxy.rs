//! The same-origin path to eHealth (app/certra/PROTOCOL.md §1 "Endpoints"): the hosted app posts its SOAP
//! requests to `/ehealth/{environment}/{CertRa/v2|EtkRa/v2|EtkDepot/v1}` on its own origin, and
//! this forwards them to the configured upstream. eHealth's services send no CORS headers, so a
//! page cannot call them directly; going through its own origin also keeps the CSP's
//! `connect-src` at `'self'`.
//!
//! Only the body, `Content-Type` and `SOAPAction` travel: no cookies, no credentials, no other
//! header of the page's, either way. Bodies are capped; the upstream gets a timeout.
//!
//! Towards eHealth the proxy identifies itself as eHealth's own client does: a `User-Agent` of
//! `product/version` parts (the connector's `handler/UserAgentHandler.java` sends
//! `eHealthTechnical/<version>`, after an optional prefix of parts matching
//! `[a-zA-Z0-9]*/[0-9a-zA-Z-_.]*`); ehcert names itself, `ehcert/<version>`, rather than claim to
//! be the connector. The connector trusts the certificates of its own trust store; here the
//! system's roots (and the bundled web roots) are trusted, plus any CA file the operator adds
//! (`--upstream-ca`), so a deployment can pin eHealth's chain the same way.

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};

/// The largest request the page sends (a GenerateCertificate with contract texts and chain).
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// The largest answer passed back; the page refuses more than 1 MiB anyway.
pub const MAX_RESPONSE_BYTES: usize = 2 * 1024 * 1024;
/// How long eHealth may take.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30);

const SERVICES: [&str; 3] = ["CertRa/v2", "EtkRa/v2", "EtkDepot/v1"];

/// Upstream origins by environment name (`production`, `acceptance`, `local`).
#[derive(Clone, Debug, Default)]
pub struct Upstreams(pub HashMap<String, String>);

#[derive(Clone)]
struct ProxyState {
    upstreams: Arc<Upstreams>,
    client: reqwest::Client,
}

/// How the proxy presents itself to eHealth and whom it trusts there.
#[derive(Clone, Debug)]
pub struct ProxyOptions {
    /// The `User-Agent` sent upstream.
    pub user_agent: String,
    /// Extra trusted roots for the upstream's TLS (PEM files' contents).
    pub extra_roots: Vec<Vec<u8>>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        Self {
            user_agent: concat!("ehcert/", env!("CARGO_PKG_VERSION")).to_owned(),
            extra_roots: Vec::new(),
        }
    }
}

/// The proxy routes with the default options. Without upstreams, every path answers 404.
pub fn router(upstreams: Upstreams) -> Router {
    router_with(upstreams, &ProxyOptions::default())
        .expect("the default options have no roots that could fail to load")
}

/// The proxy routes; an error when an extra root is not a PEM certificate.
pub fn router_with(upstreams: Upstreams, options: &ProxyOptions) -> Result<Router, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(UPSTREAM_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(options.user_agent.clone());
    for pem in &options.extra_roots {
        let roots = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|err| format!("an upstream CA file is not PEM: {err}"))?;
        if roots.is_empty() {
            return Err("an upstream CA file holds no PEM certificate".into());
        }
        for root in roots {
            builder = builder.add_root_certificate(root);
        }
    }
    let client = builder.build().map_err(|err| format!("the upstream client: {err}"))?;
    let state = ProxyState { upstreams: Arc::new(upstreams), client };
    Ok(Router::new()
        .route("/ehealth/{environment}/{service}/{version}", post(forward))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(state))
}

async fn forward(
    State(state): State<ProxyState>,
    Path((environment, service, version)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("{service}/{version}");
    if !SERVICES.contains(&path.as_str()) {
        return (StatusCode::NOT_FOUND, "unknown eHealth service").into_response();
    }
    let Some(origin) = state.upstreams.0.get(&environment) else {
        return (StatusCode::NOT_FOUND, "this environment is not configured on this server")
            .into_response();
    };
    let mut request = state.client.post(format!("{origin}/{path}")).body(body);
    for name in [header::CONTENT_TYPE.as_str(), "soapaction"] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value);
        }
    }
    let upstream = match request.send().await {
        Ok(upstream) => upstream,
        Err(err) if err.is_timeout() => {
            return (StatusCode::GATEWAY_TIMEOUT, "eHealth did not answer in time").into_response();
        }
        Err(_) => return (StatusCode::BAD_GATEWAY, "eHealth could not be reached").into_response(),
    };
    let status =
        StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = upstream.headers().get(header::CONTENT_TYPE).cloned();
    if upstream.content_length().is_some_and(|length| length > MAX_RESPONSE_BYTES as u64) {
        return (StatusCode::BAD_GATEWAY, "eHealth's answer is too large").into_response();
    }
    let answer = match read_capped(upstream).await {
        Some(answer) => answer,
        None => {
            return (StatusCode::BAD_GATEWAY, "eHealth's answer is too large or broke off")
                .into_response()
        }
    };
    let mut response = (status, answer).into_response();
    if let Some(content_type) = content_type {
        response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    } else {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    }
    response
}

async fn read_capped(mut upstream: reqwest::Response) -> Option<Vec<u8>> {
    let mut answer = Vec::new();
    while let Some(chunk) = upstream.chunk().await.ok()? {
        if answer.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return None;
        }
        answer.extend_from_slice(&chunk);
    }
    Some(answer)
}
