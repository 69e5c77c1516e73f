//! Native timings of the PKI core, against the budgets of app/PRODUCT.md §6 (which are set for
//! the browser; `./tasks bench` also runs the same work in headless Chromium).
//!
//!     cargo run --release -p ehcert-pki --example bench
//!
//! Prints one line per measurement: name, runs, median and p90 in milliseconds; then the same as
//! JSON on a line starting with `JSON `.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: any failure should stop it

use std::time::Instant;

use ehcert_pki::{
    cert::{self, UnixTime},
    csr::CsrDraft,
    dn,
    etk::answer_challenge,
    key::RsaKeyPair,
    p12::{Keystore, Password, Profile},
};
use rand::{rngs::StdRng, SeedableRng};
use rsa::Pkcs1v15Encrypt;
use sha2::{Digest, Sha256};

const DN: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";

fn main() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut results = Vec::new();

    results.push(measure("rsa_keygen_2048_native", 5, || {
        RsaKeyPair::generate(&mut rng).unwrap();
    }));
    let mut rng = StdRng::seed_from_u64(2);
    let auth = RsaKeyPair::generate(&mut rng).unwrap();
    let etk = RsaKeyPair::generate(&mut rng).unwrap();

    results.push(measure("csr_build_and_sign", 20, || {
        CsrDraft::new(dn::parse(DN).unwrap(), auth.public_key_info().unwrap())
            .sign_with(&auth)
            .unwrap();
    }));

    let mut keystore = Keystore::pending(&auth, UnixTime(1_795_000_000)).unwrap();
    let placeholder = cert::decode(&keystore.authentication().unwrap().chain[0]).unwrap();
    let enc =
        cert::etk_encryption_certificate(&placeholder, etk.public_key_info().unwrap(), &[7; 16])
            .unwrap()
            .sign_with(&auth)
            .unwrap();
    // A keystore shaped like a final one: two key entries (the placeholder stands in for the chain).
    keystore.entries.push(ehcert_pki::p12::KeyEntry {
        alias: "etk".into(),
        key: etk.to_pkcs8_der().unwrap(),
        chain: vec![enc, keystore.entries[0].chain[0].clone()],
    });
    let password = Password::new("corner-stone7");
    for (name, profile) in [
        ("keystore_java_write_read", Profile::Java),
        ("keystore_modern_write_read", Profile::Modern),
    ] {
        results.push(measure(name, 10, || {
            let bytes = keystore.write(&password, profile, &mut rng).unwrap();
            Keystore::read(&bytes, &password).unwrap();
        }));
    }

    let serial = [0x5a; 16];
    let mut challenge = etk.public_key().encrypt(&mut rng, Pkcs1v15Encrypt, &serial).unwrap();
    challenge.extend_from_slice(&Sha256::digest(serial));
    results.push(measure("etk_challenge_answer", 20, || {
        answer_challenge(&etk, &challenge).unwrap();
    }));

    println!("{:<32} {:>5} {:>12} {:>12}", "measurement", "runs", "median ms", "p90 ms");
    for result in &results {
        println!(
            "{:<32} {:>5} {:>12.1} {:>12.1}",
            result.name, result.runs, result.median, result.p90
        );
    }
    let json: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                r#"{{"name":"{}","runs":{},"median_ms":{:.2},"p90_ms":{:.2}}}"#,
                r.name, r.runs, r.median, r.p90
            )
        })
        .collect();
    println!("JSON [{}]", json.join(","));
}

struct Measurement {
    name: &'static str,
    runs: usize,
    median: f64,
    p90: f64,
}

fn measure(name: &'static str, runs: usize, mut work: impl FnMut()) -> Measurement {
    work(); // warm-up
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let p90 = times[(runs * 9 / 10).min(runs - 1)];
    Measurement { name, runs, median: times[runs / 2], p90 }
}
