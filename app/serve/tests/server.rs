//! The whole server on loopback, in process: the proxy against a recording upstream, the
//! limits, the headers, the timeouts, TLS and the graceful stop.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    io::{Read as _, Write as _},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use ehcert_serve::{config, prepare, proxy::MAX_RESPONSE_BYTES, server};
use tokio::sync::oneshot;

type Seen = Arc<Mutex<Vec<(String, HeaderMap, Bytes)>>>;

const GET_CERTIFICATE: &str = "\"urn:be:fgov:ehealth:etee:certra:protocol:v2:getcertificate\"";

/// A built app: an index with one inline script, and one file.
fn dist() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><head><script type=\"module\">init();</script></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "export default 1;").unwrap();
    // The build's precompressed copies (app/precompress.mjs); their bytes only tell them apart.
    std::fs::write(dist.path().join("app_bg.wasm"), b"\0asm the wasm itself").unwrap();
    std::fs::write(dist.path().join("app_bg.wasm.br"), b"brotli copy").unwrap();
    std::fs::write(dist.path().join("app_bg.wasm.gz"), b"gzip copy").unwrap();
    dist
}

/// An upstream that records what it gets; `/CertRa/v2` answers a SOAP fault with 500 and a
/// Content-Type of its own, `/EtkDepot/v1` more than the proxy passes on, `/EtkRa/v2` after
/// `slow`.
async fn upstream(seen: Seen, slow: Duration) -> SocketAddr {
    let record = |seen: Seen, path: &'static str| {
        move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push((path.to_owned(), headers, body));
                match path {
                    "/CertRa/v2" => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        [("content-type", "text/html")],
                        "<soap:Fault/>".to_owned(),
                    ),
                    "/EtkRa/v2" => {
                        tokio::time::sleep(slow).await;
                        (StatusCode::OK, [("content-type", "text/xml")], "<ok/>".to_owned())
                    }
                    _ => (
                        StatusCode::OK,
                        [("content-type", "text/xml")],
                        "x".repeat(MAX_RESPONSE_BYTES + 1),
                    ),
                }
            }
        }
    };
    let router = Router::new()
        .route("/CertRa/v2", post(record(seen.clone(), "/CertRa/v2")))
        .route("/EtkRa/v2", post(record(seen.clone(), "/EtkRa/v2")))
        .route("/EtkDepot/v1", post(record(seen, "/EtkDepot/v1")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
    _dist: tempfile::TempDir,
}

/// The server with `settings` (besides `dist`, and `access_log = false`).
async fn start(settings: &[(&str, &str)]) -> Running {
    let dist = dist();
    let mut raw = config::Raw::new();
    raw.insert("dist".into(), vec![dist.path().display().to_string()]);
    raw.insert("access_log".into(), vec!["false".into()]);
    for (name, value) in settings {
        raw.entry((*name).to_owned()).or_default().push((*value).to_owned());
    }
    let config = config::resolve(&[raw]).unwrap();
    let prepared = prepare(&config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        server::serve(listener, prepared.app, prepared.tls, &config.limits, async {
            let _ = stopped.await;
        })
        .await;
    });
    Running { addr, stop: Some(stop), done, _dist: dist }
}

fn soap(client: &reqwest::Client, url: String, action: &str) -> reqwest::RequestBuilder {
    client.post(url).header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", action)
}

#[tokio::test]
async fn forwards_body_and_soap_action_only_and_answers_as_xml_with_the_security_headers() {
    let seen = Seen::default();
    let upstream = upstream(seen.clone(), Duration::ZERO).await;
    let server = start(&[("upstream", &format!("acceptance=http://{upstream}"))]).await;
    let response = soap(
        &reqwest::Client::new(),
        format!("http://{}/ehealth/acceptance/CertRa/v2", server.addr),
        GET_CERTIFICATE,
    )
    .header("Cookie", "session=secret")
    .header("Authorization", "Bearer secret")
    .body("<soap:Envelope/>")
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 500, "eHealth's SOAP fault status passes back");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/xml; charset=utf-8", "never eHealth's own type");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cross-origin-opener-policy"], "same-origin");
    assert_eq!(headers["cross-origin-resource-policy"], "same-origin");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert!(headers.get("strict-transport-security").is_none(), "no HSTS on plain http");
    assert_eq!(response.text().await.unwrap(), "<soap:Fault/>");
    let seen = seen.lock().unwrap();
    let (path, headers, body) = &seen[0];
    assert_eq!(path, "/CertRa/v2");
    assert_eq!(body.as_ref(), b"<soap:Envelope/>");
    assert_eq!(headers["soapaction"], GET_CERTIFICATE);
    assert_eq!(headers["content-type"], "text/xml; charset=utf-8");
    // `product/version`, as eHealth's client identifies itself (`UserAgentHandler`).
    assert_eq!(headers["user-agent"], concat!("ehcert/", env!("CARGO_PKG_VERSION")));
    assert!(
        headers.get("cookie").is_none() && headers.get("authorization").is_none(),
        "{headers:?}"
    );
}

#[tokio::test]
async fn a_cross_site_form_or_a_foreign_call_cannot_use_the_path_to_ehealth() {
    let seen = Seen::default();
    let upstream = upstream(seen.clone(), Duration::ZERO).await;
    let server = start(&[("upstream", &format!("acceptance=http://{upstream}"))]).await;
    let client = reqwest::Client::new();
    let url = |path: &str| format!("http://{}{path}", server.addr);
    let status = |request: reqwest::RequestBuilder| async move {
        request.send().await.unwrap().status().as_u16()
    };
    // What an HTML form can send: text/plain, urlencoded, multipart; no SOAPAction.
    for content_type in
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
    {
        let form = client
            .post(url("/ehealth/acceptance/CertRa/v2"))
            .header("Content-Type", content_type)
            .body("<x/>");
        assert_eq!(status(form).await, 415, "{content_type}");
    }
    let no_action = client
        .post(url("/ehealth/acceptance/CertRa/v2"))
        .header("Content-Type", "text/xml")
        .body("<x/>");
    assert_eq!(status(no_action).await, 400);
    // An EtkRA action on the CertRA path.
    let wrong = soap(
        &client,
        url("/ehealth/acceptance/CertRa/v2"),
        "\"urn:be:fgov:ehealth:etee:etkra:protocol:v2:activateETK\"",
    );
    assert_eq!(status(wrong).await, 400);
    assert_eq!(status(client.get(url("/ehealth/acceptance/CertRa/v2"))).await, 405);
    assert_eq!(
        status(soap(&client, url("/ehealth/production/CertRa/v2"), GET_CERTIFICATE)).await,
        404,
        "not offered"
    );
    assert_eq!(
        status(soap(&client, url("/ehealth/acceptance/Admin/v1"), GET_CERTIFICATE)).await,
        404
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing reached eHealth");
    // The ETK Depot's operation has the empty action, as the connector sends it.
    let etk = soap(&client, url("/ehealth/acceptance/EtkDepot/v1"), "\"\"");
    assert_eq!(status(etk).await, 502, "reached the upstream, whose answer is too large");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn bodies_are_capped_and_must_arrive_in_time() {
    let seen = Seen::default();
    let upstream = upstream(seen.clone(), Duration::ZERO).await;
    let server = start(&[
        ("upstream", &format!("acceptance=http://{upstream}")),
        ("max_request_bytes", "1000"),
        ("body_timeout_seconds", "1"),
    ])
    .await;
    let client = reqwest::Client::new();
    let big = soap(
        &client,
        format!("http://{}/ehealth/acceptance/CertRa/v2", server.addr),
        GET_CERTIFICATE,
    )
    .body(vec![b'x'; 1001]);
    assert_eq!(big.send().await.unwrap().status(), 413);
    // Chunked, so the length is only found out while reading.
    let chunks = futures_stream(vec![vec![b'x'; 600], vec![b'x'; 600]]);
    let chunked = soap(
        &client,
        format!("http://{}/ehealth/acceptance/CertRa/v2", server.addr),
        GET_CERTIFICATE,
    )
    .body(reqwest::Body::wrap_stream(chunks));
    assert_eq!(chunked.send().await.unwrap().status(), 413);
    // A body that stops half-way.
    let addr = server.addr;
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            stream,
            "POST /ehealth/acceptance/CertRa/v2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n\
             SOAPAction: {GET_CERTIFICATE}\r\nContent-Length: 100\r\n\r\n<half"
        )
        .unwrap();
        let started = Instant::now();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        (answer, started.elapsed())
    })
    .await
    .unwrap();
    assert!(answer.0.starts_with("HTTP/1.1 408"), "{}", answer.0);
    assert!(answer.1 < Duration::from_secs(5), "{:?}", answer.1);
    assert!(seen.lock().unwrap().is_empty());
}

/// A request body sent in these chunks (so without a Content-Length).
fn futures_stream(
    chunks: Vec<Vec<u8>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    struct Chunks(std::vec::IntoIter<Vec<u8>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next().map(Ok))
        }
    }
    Chunks(chunks.into_iter())
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    let server = start(&[("header_timeout_seconds", "1")]).await;
    let addr = server.addr;
    let (answer, elapsed) = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
    })
    .await
    .unwrap();
    assert!(elapsed < Duration::from_secs(5), "still open after {elapsed:?}");
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn too_many_calls_from_one_client_get_429_and_too_many_at_once_get_503_with_retry_after() {
    let seen = Seen::default();
    let upstream = upstream(seen.clone(), Duration::from_millis(1500)).await;
    let server = start(&[
        ("upstream", &format!("acceptance=http://{upstream}")),
        ("rate_per_minute", "6"),
        ("rate_burst", "3"),
        ("max_concurrent_calls", "2"),
    ])
    .await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/ehealth/acceptance/EtkRa/v2", server.addr);
    let action = "\"urn:be:fgov:ehealth:etee:etkra:protocol:v2:activateETK\"";
    // Two slow calls fill the server; the third, from the same client, is refused as busy.
    let first = tokio::spawn(soap(&client, url.clone(), action).body("<a/>").send());
    let second = tokio::spawn(soap(&client, url.clone(), action).body("<b/>").send());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let busy = soap(&client, url.clone(), action).body("<c/>").send().await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "2");
    assert!(busy.headers().contains_key("content-security-policy"), "headers on refusals too");
    assert_eq!(first.await.unwrap().unwrap().status(), 200);
    assert_eq!(second.await.unwrap().unwrap().status(), 200);
    // The burst of three is spent: the fourth call is too many.
    let limited = soap(&client, url, action).body("<d/>").send().await.unwrap();
    assert_eq!(limited.status(), 429);
    // One call every ten seconds comes back: under ten seconds to wait, never zero.
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert_eq!(seen.lock().unwrap().len(), 2, "refused calls never reach eHealth");
}

#[tokio::test]
async fn a_stop_lets_the_call_in_flight_finish_and_takes_no_new_connection() {
    let seen = Seen::default();
    let upstream = upstream(seen.clone(), Duration::from_millis(1500)).await;
    let mut server = start(&[("upstream", &format!("acceptance=http://{upstream}"))]).await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/ehealth/acceptance/EtkRa/v2", server.addr);
    let action = "\"urn:be:fgov:ehealth:etee:etkra:protocol:v2:activateETK\"";
    let in_flight = tokio::spawn(soap(&client, url, action).body("<a/>").send());
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.stop.take().unwrap().send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(std::net::TcpStream::connect(server.addr).is_err(), "the listener is closed");
    let answer = in_flight.await.unwrap().unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "<ok/>");
    tokio::time::timeout(Duration::from_secs(5), &mut server.done).await.unwrap().unwrap();
}

#[tokio::test]
async fn the_precompressed_copy_the_browser_accepts_is_sent_and_caches_are_told_why() {
    let server = start(&[]).await;
    let client = reqwest::Client::new();
    let get = |path: &'static str, accept: Option<&'static str>| {
        let mut request = client.get(format!("http://{}/{path}", server.addr));
        if let Some(accept) = accept {
            request = request.header("Accept-Encoding", accept);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path} {accept:?}");
            let headers = response.headers().clone();
            (headers, response.bytes().await.unwrap())
        }
    };
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), &b"brotli copy"[..]),
        (Some("gzip"), Some("gzip"), &b"gzip copy"[..]),
        (None, None, &b"\0asm the wasm itself"[..]),
    ] {
        let (headers, bytes) = get("app_bg.wasm", accept).await;
        assert_eq!(&bytes[..], body, "{accept:?}");
        assert_eq!(
            headers.get("content-encoding").map(|value| value.to_str().unwrap()),
            encoding,
            "{accept:?}"
        );
        assert_eq!(headers["content-type"], "application/wasm", "{accept:?}");
        assert_eq!(headers["vary"], "accept-encoding", "{accept:?}");
        assert!(headers.contains_key("content-security-policy"), "{accept:?}");
    }
    // A file the build left without copies is sent as it is.
    let (headers, bytes) = get("app.js", Some("br")).await;
    assert_eq!(&bytes[..], b"export default 1;");
    assert!(!headers.contains_key("content-encoding"));
}

#[tokio::test]
async fn healthz_and_the_page_with_the_operators_environments() {
    let server = start(&[
        ("upstream", "acceptance=https://services-acpt.ehealth.fgov.be"),
        ("upstream", "production=https://services.ehealth.fgov.be"),
    ])
    .await;
    let client = reqwest::Client::new();
    let health = client.get(format!("http://{}/healthz", server.addr)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("content-security-policy"));
    let page = client.get(format!("http://{}/renew", server.addr)).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    // printf 'init();' | openssl dgst -sha256 -binary | base64
    assert!(policy.contains("'sha256-"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<meta name=\"ehcert-environments\" content=\"production acceptance\">"),
        "{html}"
    );
}

#[tokio::test]
async fn serves_https_with_its_own_certificate_and_then_sends_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
        ])
        .args(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes the test certificate");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let server =
        start(&[("tls_certificate", cert.to_str().unwrap()), ("tls_key", key.to_str().unwrap())])
            .await;
    let root = reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap();
    let client = reqwest::Client::builder().add_root_certificate(root).build().unwrap();
    let page = client.get(format!("https://{}/", server.addr)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["strict-transport-security"], "max-age=31536000");
    // Plain HTTP on the TLS port gets no page.
    let plain = reqwest::Client::new().get(format!("http://{}/", server.addr)).send().await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);

    // The same server as an "eHealth" over TLS: refused unless its root is trusted.
    let upstream = format!("acceptance=https://{}", server.addr);
    let untrusting = start(&[("upstream", &upstream)]).await;
    let trusting = start(&[("upstream", &upstream), ("upstream_ca", cert.to_str().unwrap())]).await;
    let call = |proxy: SocketAddr| {
        soap(
            &reqwest::Client::new(),
            format!("http://{proxy}/ehealth/acceptance/CertRa/v2"),
            GET_CERTIFICATE,
        )
        .body("<x/>")
        .send()
    };
    assert_eq!(
        call(untrusting.addr).await.unwrap().status(),
        502,
        "an unknown root is not trusted"
    );
    // Reached: the page server answers a POST to a page path with 405.
    assert_eq!(call(trusting.addr).await.unwrap().status(), 405);
}

#[tokio::test]
async fn what_cannot_be_used_stops_the_start_with_its_reason() {
    let dist = dist();
    let with = |name: &str, value: &str| {
        let mut raw = config::Raw::new();
        raw.insert("dist".into(), vec![dist.path().display().to_string()]);
        raw.insert(name.into(), vec![value.into()]);
        prepare(&config::resolve(&[raw]).unwrap()).err().map(|err| err.to_string())
    };
    let not_pem = dist.path().join("app.js");
    let error = with("upstream_ca", not_pem.to_str().unwrap()).expect("a CA file that is not PEM");
    assert!(error.contains("upstream_ca"), "{error}");
    let error = with("dist", "/nonexistent").expect("no app");
    assert!(error.contains("build the app first"), "{error}");
    let mut raw = config::Raw::new();
    raw.insert("dist".into(), vec![dist.path().display().to_string()]);
    raw.insert("tls_certificate".into(), vec![not_pem.display().to_string()]);
    raw.insert("tls_key".into(), vec![not_pem.display().to_string()]);
    let error =
        prepare(&config::resolve(&[raw]).unwrap()).err().expect("no certificate").to_string();
    assert!(error.contains("tls_certificate"), "{error}");
}

#[tokio::test]
async fn self_hosted_extension_updates_are_served_as_files_only_when_configured() {
    let updates = tempfile::tempdir().unwrap();
    std::fs::write(updates.path().join("updates.xml"), "<gupdate/>").unwrap();
    std::fs::write(updates.path().join("ehcert-kiosk-0.1.0.crx"), b"Cr24 package").unwrap();
    let folder = updates.path().display().to_string();
    let server = start(&[("extension_updates", &folder)]).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("http://{}{path}", server.addr)).send();
    let crx = get("/extension-updates/ehcert-kiosk-0.1.0.crx").await.unwrap();
    assert_eq!(crx.status(), StatusCode::OK);
    assert_eq!(crx.headers()["content-type"], "application/x-chrome-extension");
    assert_eq!(crx.bytes().await.unwrap().as_ref(), b"Cr24 package");
    let manifest = get("/extension-updates/updates.xml").await.unwrap();
    assert_eq!(manifest.status(), StatusCode::OK);
    assert!(manifest.headers()["content-type"].to_str().unwrap().contains("xml"));
    assert_eq!(manifest.headers()["x-content-type-options"], "nosniff");
    // A missing package is a 404, never the page in its place.
    assert_eq!(get("/extension-updates/other.crx").await.unwrap().status(), StatusCode::NOT_FOUND);
    // Without the setting the path is the app's like any other.
    let plain = start(&[]).await;
    let page = client
        .get(format!("http://{}/extension-updates/updates.xml", plain.addr))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("<script"), "the page, not the file");
}

/// `ehcert-serve --health`: a running server of the configuration answers, and one that is not
/// running (its port closed) is reported with what was asked.
#[tokio::test]
async fn the_health_check_asks_the_server_of_its_configuration() {
    let server = start(&[]).await;
    let dist = dist();
    let config_for = |listen: String| {
        let mut raw = config::Raw::new();
        raw.insert("dist".into(), vec![dist.path().display().to_string()]);
        raw.insert("listen".into(), vec![listen]);
        config::resolve(&[raw]).unwrap()
    };
    // As a container's server listens: on every address, asked on the loopback one.
    let every = config_for(format!("0.0.0.0:{}", server.addr.port()));
    ehcert_serve::health::check(&every).await.expect("the running server is healthy");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let err = ehcert_serve::health::check(&config_for(closed.to_string())).await.unwrap_err();
    assert!(err.to_string().starts_with(&format!("http://{closed}/healthz: ")), "{err}");
}
