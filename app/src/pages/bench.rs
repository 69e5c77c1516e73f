//! `#bench`: the PKI core's timings in this browser, for `./tasks bench` (app/PRODUCT.md §6).
//! Shows a JSON array of `{name, runs, median_ms, p90_ms}` once done; nothing is stored or sent.

use ehcert_flows::pending::at_once;
use ehcert_pki::{
    cert::{self, UnixTime},
    csr::CsrDraft,
    dn,
    etk::answer_challenge,
    p12::{KeyEntry, Keystore, Password, Profile},
};
use leptos::prelude::*;
use rand_core::OsRng;
use rsa::Pkcs1v15Encrypt;
use sha2::{Digest, Sha256};

use crate::{
    error::AppError,
    services::webcrypto::{generate_in_worker, generate_with_webcrypto},
};

const DN: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";

/// The benchmark screen.
#[component]
pub fn Bench() -> impl IntoView {
    let results = LocalResource::new(|| async { run().await.map_err(|err| err.user_message()) });
    view! {
        <main>
            <h1>"ehcert benchmark"</h1>
            {move || match results.get() {
                None => view! { <p role="status">"Measuring…"</p> }.into_any(),
                Some(Ok(json)) => view! { <pre data-testid="bench-result">{json}</pre> }.into_any(),
                Some(Err(message)) => view! { <p role="alert" data-testid="bench-error">{message}</p> }.into_any(),
            }}
        </main>
    }
}

async fn run() -> Result<String, AppError> {
    let mut results = Vec::new();
    let (mut one, mut both) = (Vec::new(), Vec::new());
    // RSA key generation time is heavy-tailed (the prime search): enough runs for a stable median.
    // One key pair alone, then both at once, in turn: the budget is their ratio (both run in
    // parallel, app/PRODUCT.md §6), measured under the same conditions.
    for _ in 0..21 {
        let start = now();
        generate_with_webcrypto().await?;
        one.push(now() - start);
        // At once, as the flow makes them (ehcert_flows::pending::make_pending).
        let start = now();
        let (authentication, etk) =
            at_once(generate_with_webcrypto(), generate_with_webcrypto()).await;
        both.push(now() - start);
        authentication?;
        etk?;
    }
    results.push(summary("webcrypto_one_key_pair", one));
    results.push(summary("webcrypto_both_key_pairs", both));
    let mut times = Vec::new();
    for _ in 0..4 {
        let start = now();
        generate_in_worker().await?;
        times.push(now() - start);
    }
    results.push(summary("rsa_crate_keygen_2048_worker", times));

    let auth = generate_with_webcrypto().await?;
    let etk = generate_with_webcrypto().await?;
    results.push(measure("csr_build_and_sign", 10, || {
        CsrDraft::new(dn::parse(DN)?, auth.public_key_info()?).sign_with(&auth).map(drop)
    })?);

    let mut keystore = Keystore::pending(&auth, UnixTime(1_795_000_000))?;
    let placeholder = cert::decode(&keystore.authentication()?.chain[0])?;
    let enc = cert::etk_encryption_certificate(&placeholder, etk.public_key_info()?, &[7; 16])?
        .sign_with(&auth)?;
    let placeholder_der = keystore.authentication()?.chain[0].clone();
    keystore.entries.push(KeyEntry {
        alias: "etk".into(),
        key: etk.to_pkcs8_der()?,
        chain: vec![enc, placeholder_der],
    });
    let password = Password::new("corner-stone7");
    for (name, profile) in [
        ("keystore_java_write_read", Profile::Java),
        ("keystore_modern_write_read", Profile::Modern),
    ] {
        results.push(measure(name, 8, || {
            let bytes = keystore.write(&password, profile, &mut OsRng)?;
            Keystore::read(&bytes, &password).map(drop)
        })?);
    }

    let serial = [0x5a; 16];
    let mut challenge = etk
        .public_key()
        .encrypt(&mut OsRng, Pkcs1v15Encrypt, &serial)
        .map_err(|err| AppError::from(ehcert_pki::PkiError::from(err)))?;
    challenge.extend_from_slice(&Sha256::digest(serial));
    results.push(measure("etk_challenge_answer", 10, || {
        answer_challenge(&etk, &challenge).map(drop)
    })?);
    Ok(format!("[{}]", results.join(",")))
}

fn measure(
    name: &str,
    runs: usize,
    mut work: impl FnMut() -> ehcert_pki::Result<()>,
) -> Result<String, AppError> {
    work()?; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = now();
        work()?;
        times.push(now() - start);
    }
    Ok(summary(name, times))
}

fn summary(name: &str, mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    let runs = times.len();
    let median = times[runs / 2];
    let p90 = times[(runs * 9 / 10).min(runs - 1)];
    format!(r#"{{"name":"{name}","runs":{runs},"median_ms":{median:.2},"p90_ms":{p90:.2}}}"#)
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}
