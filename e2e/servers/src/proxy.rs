//! The same-origin path to eHealth (spec/certra.md §1 "Endpoints"): the hosted app posts its SOAP
//! requests to `/ehealth/{environment}/{CertRa/v2|EtkRa/v2|EtkDepot/v1}` on its own origin, and
//! this forwards them to the configured upstream. eHealth's services send no CORS headers, so a
//! page cannot call them directly; going through its own origin also keeps the CSP's
//! `connect-src` at `'self'`.
//!
//! Only the body, `Content-Type` and `SOAPAction` travel: no cookies, no credentials, no other
//! header, either way. Bodies are capped; the upstream gets a timeout.

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

/// The proxy routes. Without upstreams, every path answers 404.
pub fn router(upstreams: Upstreams) -> Router {
    let client = reqwest::Client::builder()
        .timeout(UPSTREAM_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client with rustls and no custom roots always builds");
    let state = ProxyState { upstreams: Arc::new(upstreams), client };
    Router::new()
        .route("/ehealth/{environment}/{service}/{version}", post(forward))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(state)
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
