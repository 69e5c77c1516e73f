//! The same-origin path to eHealth (app/certra/PROTOCOL.md §1 "Endpoints"): the hosted app posts its SOAP
//! requests to `/ehealth/{environment}/{CertRa/v2|EtkRa/v2|EtkDepot/v1}` on its own origin, and
//! this forwards them to the configured upstream. eHealth's services send no CORS headers, so a
//! page cannot call them directly; going through its own origin also keeps the CSP's
//! `connect-src` at `'self'`.
//!
//! What passes, and why:
//! - only `POST` with a SOAP 1.1 content type (`text/xml`) and a `SOAPAction` that is one of the
//!   service's operations (app/certra/PROTOCOL.md §2.1). A cross-site HTML form can send
//!   neither (it may only post `text/plain`, urlencoded or multipart, and sets no custom
//!   header), and a cross-site `fetch` that sets them needs a CORS preflight this server never
//!   grants: no other site can use this path as a relay to eHealth;
//! - only the body and the SOAPAction travel up; `Content-Type` is sent as eHealth's client
//!   sends it. No cookies, no credentials, no other header of the page's, either way;
//! - the answer comes back with eHealth's status (SOAP faults come with 500) under a fixed
//!   `text/xml; charset=utf-8`, never eHealth's own Content-Type, and `no-store`;
//! - calls are limited per client and in total (`limits`), bodies are capped and must arrive
//!   in time, eHealth gets a timeout. A SOAP call is never retried: GenerateCertificate or
//!   Revoke sent twice is two requests at eHealth. (The pooled client only resends a request
//!   that never left, when a kept-alive connection was found closed before writing.)
//!
//! Towards eHealth the proxy identifies itself as eHealth's own client does: a `User-Agent` of
//! `product/version` parts (the connector's `handler/UserAgentHandler.java` sends
//! `eHealthTechnical/<version>`); ehcert names itself, `ehcert/<version>`, rather than claim to
//! be the connector. The connector trusts the certificates of its own trust store; here the
//! system's roots are trusted, plus any CA file the operator adds (`upstream_ca`), so a
//! deployment can pin eHealth's chain the same way.

use std::{collections::BTreeMap, sync::Arc, time::Instant};

use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Extension, Router,
};
use ehcert_certra::endpoint::{Environment, Operation, Service};
use http_body_util::{BodyExt as _, Limited};

use crate::{
    access_log::{Called, Client},
    config::Config,
    error::ServeError,
    limits::{CallLimits, Refusal},
};

/// The largest answer passed back; the page refuses more than 1 MiB anyway.
pub const MAX_RESPONSE_BYTES: usize = 2 * 1024 * 1024;

/// What every call shares.
#[derive(Clone)]
struct Proxy {
    upstreams: Arc<BTreeMap<Environment, String>>,
    client: reqwest::Client,
    limits: CallLimits,
    max_request_bytes: usize,
    body_timeout: std::time::Duration,
}

/// The client towards eHealth: the system's roots and the operator's, no redirects, a timeout,
/// connections pooled and kept alive.
pub fn upstream_client(config: &Config) -> Result<reqwest::Client, ServeError> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.limits.upstream_timeout)
        .connect_timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(config.user_agent.clone());
    for path in &config.upstream_ca {
        let problem = |problem: String| ServeError::Pem {
            setting: "upstream_ca",
            path: path.clone(),
            problem,
        };
        let pem = std::fs::read(path).map_err(|err| problem(err.to_string()))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|err| problem(format!("not PEM: {err}")))?;
        if roots.is_empty() {
            return Err(problem("holds no PEM certificate".into()));
        }
        for root in roots {
            builder = builder.add_root_certificate(root);
        }
    }
    builder.build().map_err(|err| ServeError::UpstreamClient(err.to_string()))
}

/// The proxy routes for `config`'s upstreams.
pub fn routes(config: &Config, client: reqwest::Client) -> Router {
    let limits = &config.limits;
    let proxy = Proxy {
        upstreams: Arc::new(config.upstreams.clone()),
        client,
        limits: CallLimits::new(
            limits.max_concurrent_calls,
            limits.rate_per_minute,
            limits.rate_burst,
        ),
        max_request_bytes: limits.max_request_bytes,
        body_timeout: limits.body_timeout,
    };
    Router::new()
        .route("/ehealth/{environment}/{service}/{version}", post(forward))
        // Bodies are read and capped in `forward`, not by axum's default limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(proxy)
}

/// A refusal in plain words, `no-store`.
fn refuse(status: StatusCode, words: &'static str) -> Response {
    let mut response = (status, words).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn forward(
    State(proxy): State<Proxy>,
    Path((environment, service, version)): Path<(String, String, String)>,
    client: Option<Extension<Client>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = format!("/{service}/{version}");
    let Some(service) =
        [Service::CertRa, Service::EtkRa, Service::EtkDepot].into_iter().find(|s| s.path() == path)
    else {
        return refuse(StatusCode::NOT_FOUND, "unknown eHealth service");
    };
    let Some((environment, origin)) = Environment::named(&environment)
        .and_then(|environment| Some((environment, proxy.upstreams.get(&environment)?)))
    else {
        return refuse(StatusCode::NOT_FOUND, "this eHealth environment is not offered here");
    };
    let is_soap_11 = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/xml"));
    if !is_soap_11 {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "SOAP 1.1 requests are text/xml");
    }
    let Some(operation) = headers
        .get("soapaction")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().trim_matches('"'))
        .and_then(|action| {
            Operation::ALL
                .into_iter()
                .find(|op| op.service() == service && op.soap_action() == action)
        })
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the SOAPAction is not an operation of this service",
        );
    };
    let called = |upstream_status: Option<u16>| Called {
        environment: environment.name(),
        operation: operation.request_element(),
        upstream_status,
    };
    let with_log = |mut response: Response, upstream_status: Option<u16>| {
        response.extensions_mut().insert(called(upstream_status));
        response
    };
    // No client address only when the router runs outside the server loop (unit tests).
    let client_address = client.map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |c| c.0 .0);
    let _permit = match proxy.limits.admit(client_address, Instant::now()) {
        Ok(permit) => permit,
        Err(refusal) => {
            let (status, words, wait) = match refusal {
                Refusal::TooManyFromClient(wait) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many calls to eHealth from this address; try again shortly",
                    wait,
                ),
                Refusal::Busy(wait) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "this server is busy with other calls to eHealth; try again shortly",
                    wait,
                ),
            };
            let mut response = refuse(status, words);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs()));
            return with_log(response, None);
        }
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > proxy.max_request_bytes as u64) {
        return with_log(refuse(StatusCode::PAYLOAD_TOO_LARGE, "the request is too large"), None);
    }
    let read = Limited::new(body, proxy.max_request_bytes).collect();
    let body: Bytes = match tokio::time::timeout(proxy.body_timeout, read).await {
        Err(_) => {
            return with_log(
                refuse(StatusCode::REQUEST_TIMEOUT, "the request did not arrive in time"),
                None,
            )
        }
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => {
            return with_log(
                refuse(StatusCode::PAYLOAD_TOO_LARGE, "the request is too large"),
                None,
            )
        }
        Ok(Err(_)) => {
            return with_log(refuse(StatusCode::BAD_REQUEST, "the request broke off"), None)
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let request = proxy
        .client
        .post(format!("{origin}{path}"))
        .header(header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header("SOAPAction", format!("\"{}\"", operation.soap_action()))
        .body(body);
    let upstream = match request.send().await {
        Ok(upstream) => upstream,
        Err(err) if err.is_timeout() => {
            return with_log(
                refuse(StatusCode::GATEWAY_TIMEOUT, "eHealth did not answer in time"),
                None,
            );
        }
        Err(_) => {
            return with_log(refuse(StatusCode::BAD_GATEWAY, "eHealth could not be reached"), None)
        }
    };
    let upstream_status = upstream.status().as_u16();
    let status = StatusCode::from_u16(upstream_status).unwrap_or(StatusCode::BAD_GATEWAY);
    if upstream.content_length().is_some_and(|length| length > MAX_RESPONSE_BYTES as u64) {
        return with_log(
            refuse(StatusCode::BAD_GATEWAY, "eHealth's answer is too large"),
            Some(upstream_status),
        );
    }
    let Some(answer) = read_capped(upstream).await else {
        return with_log(
            refuse(StatusCode::BAD_GATEWAY, "eHealth's answer is too large or broke off"),
            Some(upstream_status),
        );
    };
    let mut response = (status, answer).into_response();
    let response_headers = response.headers_mut();
    response_headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_log(response, Some(upstream_status))
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
