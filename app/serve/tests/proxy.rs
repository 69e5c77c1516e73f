//! The same-origin proxy against a recording upstream on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use ehcert_serve::proxy::{self, Upstreams, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES};

type Seen = Arc<Mutex<Vec<(String, HeaderMap, Bytes)>>>;

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// An upstream that records what it gets; `/CertRa/v2` answers a SOAP fault with 500 (as eHealth
/// does), `/EtkDepot/v1` answers more than the proxy passes on.
async fn upstream(seen: Seen) -> SocketAddr {
    let record = |seen: Seen, path: &'static str| {
        move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push((path.to_owned(), headers, body));
                match path {
                    "/CertRa/v2" => (StatusCode::INTERNAL_SERVER_ERROR, "<soap:Fault/>".to_owned()),
                    _ => (StatusCode::OK, "x".repeat(MAX_RESPONSE_BYTES + 1)),
                }
            }
        }
    };
    serve(
        Router::new()
            .route("/CertRa/v2", post(record(seen.clone(), "/CertRa/v2")))
            .route("/EtkDepot/v1", post(record(seen, "/EtkDepot/v1"))),
    )
    .await
}

async fn proxy_to(upstream: SocketAddr) -> SocketAddr {
    let upstreams = Upstreams(HashMap::from([
        ("acceptance".to_owned(), format!("http://{upstream}")),
        ("production".to_owned(), "http://127.0.0.1:9".to_owned()),
    ]));
    serve(proxy::router(upstreams)).await
}

#[tokio::test]
async fn forwards_body_and_soap_headers_only_and_passes_faults_back() {
    let seen = Seen::default();
    let proxy = proxy_to(upstream(seen.clone()).await).await;
    let response = reqwest::Client::new()
        .post(format!("http://{proxy}/ehealth/acceptance/CertRa/v2"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"urn:be:fgov:ehealth:etee:certra:protocol:v2:getcertificate\"")
        .header("Cookie", "session=secret")
        .header("Authorization", "Bearer secret")
        .body("<soap:Envelope/>")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(response.text().await.unwrap(), "<soap:Fault/>");
    let seen = seen.lock().unwrap();
    let (path, headers, body) = &seen[0];
    assert_eq!(path, "/CertRa/v2");
    assert_eq!(body.as_ref(), b"<soap:Envelope/>");
    assert_eq!(
        headers["soapaction"],
        "\"urn:be:fgov:ehealth:etee:certra:protocol:v2:getcertificate\""
    );
    assert_eq!(headers["content-type"], "text/xml; charset=utf-8");
    // `product/version`, as eHealth's client identifies itself (`UserAgentHandler`).
    assert_eq!(headers["user-agent"], concat!("ehcert/", env!("CARGO_PKG_VERSION")));
    assert!(
        headers.get("cookie").is_none() && headers.get("authorization").is_none(),
        "{headers:?}"
    );
}

#[tokio::test]
async fn refuses_unknown_paths_oversized_requests_and_oversized_answers() {
    let seen = Seen::default();
    let proxy = proxy_to(upstream(seen.clone()).await).await;
    let client = reqwest::Client::new();
    let post =
        |path: &str, body: Vec<u8>| client.post(format!("http://{proxy}{path}")).body(body).send();
    assert_eq!(post("/ehealth/staging/CertRa/v2", b"x".to_vec()).await.unwrap().status(), 404);
    assert_eq!(post("/ehealth/acceptance/Admin/v1", b"x".to_vec()).await.unwrap().status(), 404);
    assert_eq!(
        post("/ehealth/acceptance/CertRa/v2", vec![b'x'; MAX_REQUEST_BYTES + 1])
            .await
            .unwrap()
            .status(),
        413
    );
    assert_eq!(post("/ehealth/acceptance/EtkDepot/v1", b"x".to_vec()).await.unwrap().status(), 502);
    // Nothing listens on the production upstream here.
    assert_eq!(post("/ehealth/production/CertRa/v2", b"x".to_vec()).await.unwrap().status(), 502);
    assert_eq!(seen.lock().unwrap().len(), 1, "only the EtkDepot call reached the upstream");
}

#[test]
fn an_upstream_ca_that_is_not_a_pem_certificate_stops_the_start() {
    let options = proxy::ProxyOptions {
        extra_roots: vec![b"not a certificate".to_vec()],
        ..Default::default()
    };
    assert!(proxy::router_with(Upstreams::default(), &options).is_err());
    assert!(proxy::router_with(Upstreams::default(), &proxy::ProxyOptions::default()).is_ok());
    let root = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testca/root.pem")).unwrap();
    let options = proxy::ProxyOptions { extra_roots: vec![root], ..Default::default() };
    assert!(proxy::router_with(Upstreams::default(), &options).is_ok());
}
