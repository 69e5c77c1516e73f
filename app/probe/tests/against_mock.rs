//! The probe against the mock eHealth services and a simulated applet 1.8 eID behind the real
//! pcscd, through the real card bridge: its report says what the service answered, and follows
//! the service when the service changes its mind (the mock's knobs), so it reports, not assumes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{path::PathBuf, process::Command, sync::Arc};

use ehcert_eid_sim::{
    card::Applet,
    pcscd::Pcscd,
    profile::{personalise, Holder},
    vpcd::{InsertedCard, DEFAULT_ADDRESS},
};
use ehcert_mock_ehealth::{
    self as mock_certra, EcSignatureMethod, Knobs, MockCertra, UnknownKeyAnswer,
};
use ehcert_probe::{run, Options};

/// The card bridge, built by cargo (a binary of another package).
fn bridge() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "card-bridge"])
        .status()
        .unwrap();
    assert!(status.success());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("debug/card-bridge")
}

async fn mock(knobs: Knobs) -> String {
    let mock = Arc::new(MockCertra::open(None, knobs).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = mock_certra::router(mock, &[]);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_says_what_the_service_answered() {
    let bridge = bridge();
    let _pcscd = Pcscd::start().unwrap();
    let holder = Holder { applet: Applet::V18, ..Holder::default() };
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&holder, 3).unwrap().content).unwrap();

    for (accepted, unknown_key) in [
        (EcSignatureMethod::EcdsaSha256, UnknownKeyAnswer::CertNotYetDelivered),
        (EcSignatureMethod::EcdsaSha384, UnknownKeyAnswer::UnknownPublicKeyIdentifier),
    ] {
        let knobs = Knobs { ec_signature_method: accepted, unknown_key, ..Knobs::default() };
        let options = Options {
            base: mock(knobs).await,
            bridge: bridge.clone(),
            pin: "1234".into(),
            organisation: Some(("NIHII-HOSPITAL".into(), "71000436".into())),
            organisation_name: "AZ Voorbeeld".into(),
            application_id: "LABO".into(),
            ..Options::default()
        };
        let report = run(&options).await.unwrap();
        let text = report.to_text();
        assert!(report.card.contains("1.8"), "{text}");
        let (yes, no) = match accepted {
            EcSignatureMethod::EcdsaSha256 => ("ecdsa-sha256", "ecdsa-sha384"),
            EcSignatureMethod::EcdsaSha384 => ("ecdsa-sha384", "ecdsa-sha256"),
        };
        assert!(
            report.answer(&format!("signature-method:{yes}")).unwrap().starts_with("accepted"),
            "{text}"
        );
        assert!(
            report
                .answer(&format!("signature-method:{no}"))
                .unwrap()
                .starts_with("refused SIGNATURE_METHOD_NOT_SUPPORTED"),
            "{text}"
        );
        assert!(
            report.answer("contract-dn:person").unwrap().starts_with(
                "CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,"
            ),
            "{text}"
        );
        assert!(report.answer("contract-dn:person").unwrap().ends_with("is not escaped"), "{text}");
        assert!(
            report
                .answer("contract-dn:organisation")
                .unwrap()
                .starts_with(r"CN=NIHII-HOSPITAL=71000436\, LABO,"),
            "{text}"
        );
        let expected = match unknown_key {
            UnknownKeyAnswer::CertNotYetDelivered => "refused CERT_NOT_YET_DELIVERED",
            UnknownKeyAnswer::UnknownPublicKeyIdentifier => "refused UNKNOWN_PUBLIC_KEY_IDENTIFIER",
        };
        assert!(
            report.answer("get-certificate:unknown-key").unwrap().starts_with(expected),
            "{text}"
        );
        assert!(report.answer("transport:direct").unwrap().contains("User-Agent ehcert-probe/"));
        // Non-destructive: the service holds no request afterwards.
        let state: serde_json::Value = reqwest::get(format!("{}/admin/state", options.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(state["certificates"], serde_json::json!([]), "{state}");
    }
}

/// The app server in process, forwarding `local` to `upstream` as production's forwards to eHealth.
async fn app_server(upstream: &str) -> (String, tempfile::TempDir) {
    use ehcert_serve::{config, prepare, server};
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html><head></head><body></body></html>")
        .unwrap();
    let mut raw = config::Raw::new();
    raw.insert("dist".into(), vec![dist.path().display().to_string()]);
    raw.insert("access_log".into(), vec!["false".into()]);
    raw.insert("upstream".into(), vec![format!("local={upstream}")]);
    let config = config::resolve(&[raw]).unwrap();
    let prepared = prepare(&config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        server::serve(listener, prepared.app, prepared.tls, &config.limits, std::future::pending())
            .await;
    });
    (format!("http://{address}/ehealth/local"), dist)
}

/// Through the app server the answers are those of the service directly; a transport that
/// changes them (here: one that answers every call with a gateway's error page) is named.
#[tokio::test(flavor = "multi_thread")]
async fn the_probe_asks_again_through_the_app_server_and_says_whether_answers_differ() {
    let bridge = bridge();
    let _pcscd = Pcscd::start().unwrap();
    let holder = Holder { applet: Applet::V17, ..Holder::default() };
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&holder, 3).unwrap().content).unwrap();
    let base = mock(Knobs::default()).await;
    let (through, _dist) = app_server(&base).await;
    // A server whose upstream is not eHealth at all: nothing listens there.
    let (broken, _broken_dist) = app_server("http://127.0.0.1:9").await;
    let options = Options {
        base,
        bridge,
        pin: "1234".into(),
        via: vec![through.clone(), broken.clone()],
        ..Options::default()
    };
    let report = run(&options).await.unwrap();
    let text = report.to_text();
    assert_eq!(
        report.answer(&format!("transport:{through}")),
        Some("the same answers as directly"),
        "{text}"
    );
    let differs = report.answer(&format!("transport:{broken}")).unwrap();
    assert!(differs.starts_with("differs from directly: signature-method:rsa-sha256:"), "{text}");
    assert!(differs.contains("get-certificate:unknown-key"), "{text}");
}
