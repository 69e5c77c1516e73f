//! Running the outside tools. They are installed by `./tasks setup`; a missing tool fails the
//! test rather than skipping it, so a green run always means the oracle really ran.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

use ehcert_pki::key::RsaKeyPair;
use rand::{rngs::StdRng, SeedableRng};

pub(crate) fn run(program: &str, args: &[&str], dir: &Path) -> String {
    let output =
        Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|err| {
            panic!("{program} could not be started ({err}); run ./tasks setup")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

/// Like [`run`], for commands expected to fail; returns their output.
pub(crate) fn run_failing(program: &str, args: &[&str], dir: &Path) -> String {
    let output = Command::new(program).args(args).current_dir(dir).output().unwrap();
    assert!(!output.status.success(), "{program} {args:?} unexpectedly succeeded");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub(crate) fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A throw-away RSA key and self-signed certificate made by OpenSSL: `k.pem` and `c.pem` in `dir`.
pub(crate) fn openssl_self_signed(dir: &Path, subject: &str) {
    run(
        "openssl",
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem",
            "-days", "30", "-subj", subject,
        ],
        dir,
    );
}

/// `k.pem` and `c.pem` exported by OpenSSL as the PKCS#12 `file` under `password`, with a
/// friendly name when given and `options` such as `-legacy`; returns the file's bytes.
pub(crate) fn openssl_p12(
    dir: &Path,
    file: &str,
    friendly_name: Option<&str>,
    password: &str,
    options: &[&str],
) -> Vec<u8> {
    let passout = format!("pass:{password}");
    let mut args = vec![
        "pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-passout", &passout, "-out", file,
    ];
    if let Some(name) = friendly_name {
        args.extend(["-name", name]);
    }
    args.extend_from_slice(options);
    run("openssl", &args, dir);
    std::fs::read(dir.join(file)).unwrap()
}

pub(crate) fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Two RSA-2048 keys shared by the tests (generation is the slow part).
pub(crate) fn keys() -> &'static (RsaKeyPair, RsaKeyPair) {
    static KEYS: OnceLock<(RsaKeyPair, RsaKeyPair)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rng(7);
        (RsaKeyPair::generate(&mut rng).unwrap(), RsaKeyPair::generate(&mut rng).unwrap())
    })
}

pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    use std::fmt::Write;
    let b64 = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        writeln!(out, "{}", std::str::from_utf8(line).unwrap()).unwrap();
    }
    writeln!(out, "-----END {label}-----").unwrap();
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Acts as eHealth's CA: OpenSSL signs our CSR with a test issuing CA, the SKI being RFC 5280
/// method 1 as the real CA's is. Returns (leaf DER, CA DER).
pub(crate) fn issue_with_openssl(dir: &Path, csr_der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    write(dir, "request.csr", csr_der);
    run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/C=BE/O=ZETES SA/serialNumber=001/CN=TEST ehcert issuing CA 001",
        ],
        dir,
    );
    write(
        dir,
        "leaf.ext",
        b"keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\n\
        extendedKeyUsage=clientAuth,emailProtection\nbasicConstraints=critical,CA:FALSE\n\
        subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-inform",
            "DER",
            "-in",
            "request.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "0x1f2e3d4c5b6a7988",
            "-days",
            "1095",
            "-sha256",
            "-extfile",
            "leaf.ext",
            "-outform",
            "DER",
            "-out",
            "leaf.der",
        ],
        dir,
    );
    run("openssl", &["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"], dir);
    (std::fs::read(dir.join("leaf.der")).unwrap(), std::fs::read(dir.join("ca.der")).unwrap())
}
