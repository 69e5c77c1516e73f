//! The simulated applet 1.7 card behind the real pcscd, checked by an independent client:
//! OpenSC reads its PKCS#15 structure, logs in with the PIN and signs with the authentication key;
//! OpenSSL verifies that signature with the certificate OpenSC read from the card.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::process::Command;

use ehcert_eid_sim::{
    pcscd::Pcscd,
    profile::{personalise, Holder},
    vpcd::{InsertedCard, DEFAULT_ADDRESS},
};

const PKCS11: &str = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

fn run(program: &str, args: &[&str], dir: &std::path::Path) -> (bool, String) {
    let output =
        Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|err| {
            panic!("{program} could not be started ({err}); run ./tasks setup")
        });
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn opensc_reads_the_card_signs_with_the_authentication_key_and_counts_pin_tries() {
    let pcscd = Pcscd::start().unwrap();
    let card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&Holder::default(), 1).unwrap().content)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    let (ok, name) = run("opensc-tool", &["--name"], dir);
    assert!(ok && name.contains("Belpic cards"), "{name}");
    let (ok, objects) = run("pkcs15-tool", &["--dump"], dir);
    assert!(ok, "{objects}");
    for expected in [
        "PIN [Basic PIN]",
        "Private RSA Key [Authentication]",
        "Key ref        : 130 (0x82)",
        "Private RSA Key [Signature]",
        "Key ref        : 131 (0x83)",
        "ModLength      : 2048",
        "X.509 Certificate [Authentication]",
        "X.509 Certificate [Signature]",
        "X.509 Certificate [CA]",
        "X.509 Certificate [Root]",
        "Path           : 3f00df005038",
    ] {
        assert!(objects.contains(expected), "{expected} missing from:\n{objects}");
    }

    std::fs::write(dir.join("data.txt"), b"GenerateCertificate SignedInfo").unwrap();
    let (ok, report) = run(
        "pkcs11-tool",
        &[
            "--module",
            PKCS11,
            "--login",
            "--pin",
            "1234",
            "--sign",
            "-m",
            "SHA256-RSA-PKCS",
            "--id",
            "02",
            "-i",
            "data.txt",
            "-o",
            "sig.bin",
        ],
        dir,
    );
    assert!(ok, "{report}");
    let (ok, report) = run(
        "pkcs11-tool",
        &[
            "--module",
            PKCS11,
            "--login",
            "--pin",
            "1234",
            "--read-object",
            "--type",
            "cert",
            "--id",
            "02",
            "-o",
            "auth.der",
        ],
        dir,
    );
    assert!(ok, "{report}");
    let (ok, subject) = run(
        "openssl",
        &["x509", "-inform", "DER", "-in", "auth.der", "-noout", "-subject", "-nameopt", "RFC2253"],
        dir,
    );
    assert!(
        ok && subject.contains("CN=Jan Pieter Peeters (Authentication)")
            && subject.contains("serialNumber=85073003328"),
        "{subject}"
    );
    let (ok, report) = run(
        "openssl",
        &["x509", "-inform", "DER", "-in", "auth.der", "-pubkey", "-noout", "-out", "auth.pub.pem"],
        dir,
    );
    assert!(ok, "{report}");
    let (ok, verified) = run(
        "openssl",
        &["dgst", "-sha256", "-verify", "auth.pub.pem", "-signature", "sig.bin", "data.txt"],
        dir,
    );
    assert!(ok && verified.contains("Verified OK"), "{verified}");

    // A wrong PIN is refused and counted; the status-only VERIFY reports the tries left.
    let (ok, _) = run(
        "pkcs11-tool",
        &[
            "--module",
            PKCS11,
            "--login",
            "--pin",
            "9999",
            "--sign",
            "-m",
            "SHA256-RSA-PKCS",
            "--id",
            "02",
            "-i",
            "data.txt",
            "-o",
            "sig2.bin",
        ],
        dir,
    );
    assert!(!ok);
    let (_, status) = run("opensc-tool", &["--send-apdu", "00:20:00:01"], dir);
    assert!(status.contains("SW1=0x63, SW2=0xC2"), "{status}");

    let card = card.remove().unwrap();
    assert_eq!(card.tries_left(), 2);
    drop(pcscd);
}
