use ehcert_pki::{
    cert::{self, UnixTime},
    csr::CsrDraft,
    dn,
    p12::{Keystore, Password, Profile, AUTHENTICATION_ALIAS},
    PkiError,
};

use crate::oracle::{
    issue_with_openssl, keys, openssl_p12, openssl_self_signed, rng, run, run_failing, workdir,
    write,
};

const DN: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";
const NOW: UnixTime = UnixTime(1_795_000_000);

/// A complete eHealth keystore: authentication chain issued by OpenSSL, plus an ETK entry.
fn complete_keystore(dir: &std::path::Path) -> (Keystore, String) {
    let (auth, etk) = keys();
    let csr = CsrDraft::new(dn::parse(DN).unwrap(), auth.public_key_info().unwrap())
        .sign_with(auth)
        .unwrap();
    let (leaf, ca) = issue_with_openssl(dir, &csr);
    let mut keystore = Keystore::pending(auth, NOW).unwrap();
    assert!(keystore.is_pending().unwrap());
    keystore.install_chain(vec![leaf.clone(), ca]).unwrap();
    assert!(!keystore.is_pending().unwrap());
    let serial = [0x9c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let enc = cert::etk_encryption_certificate(
        &cert::decode(&leaf).unwrap(),
        etk.public_key_info().unwrap(),
        &serial,
    )
    .unwrap()
    .sign_with(auth)
    .unwrap();
    let alias = keystore.add_etk_key(etk, enc).unwrap();
    (keystore, alias)
}

#[test]
fn java_profile_opens_with_openssl_legacy_and_shows_the_java_algorithms() {
    let dir = workdir();
    let (keystore, etk_alias) = complete_keystore(dir.path());
    let bytes =
        keystore.write(&Password::new("corner-stone7"), Profile::Java, &mut rng(1)).unwrap();
    write(dir.path(), "k.p12", &bytes);
    let info = run(
        "openssl",
        &["pkcs12", "-info", "-legacy", "-in", "k.p12", "-passin", "pass:corner-stone7", "-noenc"],
        dir.path(),
    );
    assert!(info.contains("MAC: sha1, Iteration 100000"), "{info}");
    assert!(
        info.contains("PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 50000"),
        "{info}"
    );
    assert!(
        info.contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 50000"),
        "{info}"
    );
    assert_eq!(
        info.matches("friendlyName: authentication").count(),
        2,
        "key and leaf certificate: {info}"
    );
    assert_eq!(info.matches(&format!("friendlyName: {etk_alias}")).count(), 2, "{info}");
    assert_eq!(info.matches("BEGIN PRIVATE KEY").count(), 2);
    // Three distinct certificates: leaf, ETK encryption certificate, issuing CA.
    assert_eq!(info.matches("BEGIN CERTIFICATE").count(), 3);
    // Without -legacy OpenSSL 3 refuses RC2-40: the file really uses the legacy algorithms.
    run_failing(
        "openssl",
        &["pkcs12", "-info", "-in", "k.p12", "-passin", "pass:corner-stone7", "-noenc"],
        dir.path(),
    );
}

#[test]
fn keytool_lists_both_key_entries_with_their_chains_in_both_profiles() {
    let dir = workdir();
    let (keystore, etk_alias) = complete_keystore(dir.path());
    assert_eq!(etk_alias, "207364800443053118979044856799465115151");
    for profile in [Profile::Java, Profile::Modern] {
        let bytes = keystore.write(&Password::new("corner-stone7"), profile, &mut rng(2)).unwrap();
        write(dir.path(), "k.p12", &bytes);
        let list = run(
            "keytool",
            &[
                "-list",
                "-v",
                "-keystore",
                "k.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                "corner-stone7",
            ],
            dir.path(),
        );
        assert!(list.contains("Your keystore contains 2 entries"), "{profile:?}: {list}");
        let entry = |alias: &str| {
            let start = list
                .find(&format!("Alias name: {alias}\n"))
                .unwrap_or_else(|| panic!("{alias}: {list}"));
            let rest = &list[start..];
            rest[..rest[1..].find("Alias name:").map_or(rest.len(), |end| end + 1)].to_owned()
        };
        let auth = entry(AUTHENTICATION_ALIAS);
        assert!(
            auth.contains("Entry type: PrivateKeyEntry")
                && auth.contains("Certificate chain length: 2"),
            "{auth}"
        );
        assert!(
            auth.contains(r#"Owner: CN="SSIN=85073003328", OU=eHealth-platform Belgium"#),
            "{auth}"
        );
        let etk = entry(&etk_alias);
        assert!(
            etk.contains("Entry type: PrivateKeyEntry")
                && etk.contains("Certificate chain length: 3"),
            "{etk}"
        );
    }
}

#[test]
fn modern_profile_opens_with_plain_openssl() {
    let dir = workdir();
    let (keystore, _) = complete_keystore(dir.path());
    let bytes =
        keystore.write(&Password::new("corner-stone7"), Profile::Modern, &mut rng(3)).unwrap();
    write(dir.path(), "k.p12", &bytes);
    let info = run(
        "openssl",
        &["pkcs12", "-info", "-in", "k.p12", "-passin", "pass:corner-stone7", "-noenc"],
        dir.path(),
    );
    assert!(info.contains("MAC: sha256, Iteration 10000"), "{info}");
    assert!(
        info.contains("PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256"),
        "{info}"
    );
}

#[test]
fn our_keystores_read_back_identically_and_a_wrong_password_is_named() {
    let dir = workdir();
    let (keystore, etk_alias) = complete_keystore(dir.path());
    for profile in [Profile::Java, Profile::Modern] {
        let bytes = keystore.write(&Password::new("corner-stone7"), profile, &mut rng(4)).unwrap();
        let read = Keystore::read(&bytes, &Password::new("corner-stone7")).unwrap();
        assert_eq!(read.entries.len(), 2);
        for original in &keystore.entries {
            let back = read.entry(&original.alias).unwrap();
            assert_eq!(back.chain, original.chain, "{profile:?} {}", original.alias);
            assert_eq!(*back.key, *original.key);
        }
        assert!(read.entry(&etk_alias).is_some());
        assert!(matches!(
            Keystore::read(&bytes, &Password::new("corner-stone8")),
            Err(PkiError::WrongPassword)
        ));
    }
}

#[test]
fn changing_the_password_re_encrypts_every_entry_and_keeps_the_profile() {
    let dir = workdir();
    let (keystore, _) = complete_keystore(dir.path());
    let old = keystore.write(&Password::new("old-pass-1"), Profile::Java, &mut rng(5)).unwrap();
    let new = Keystore::change_password(
        &old,
        &Password::new("old-pass-1"),
        &Password::new("new-pass-2"),
        &mut rng(6),
    )
    .unwrap();
    let reopened = Keystore::read(&new, &Password::new("new-pass-2")).unwrap();
    assert_eq!(reopened.profile, Some(Profile::Java));
    assert_eq!(reopened.entries.len(), keystore.entries.len());
    for (before, after) in keystore.entries.iter().zip(&reopened.entries) {
        assert_eq!(
            (&before.alias, &before.chain, &*before.key),
            (&after.alias, &after.chain, &*after.key)
        );
    }
    assert!(matches!(
        Keystore::change_password(
            &old,
            &Password::new("wrong-pass-1"),
            &Password::new("x-pass-12"),
            &mut rng(6)
        ),
        Err(PkiError::WrongPassword)
    ));
    let modern =
        keystore.write(&Password::new("old-pass-1"), Profile::Modern, &mut rng(5)).unwrap();
    let modern_new = Keystore::change_password(
        &modern,
        &Password::new("old-pass-1"),
        &Password::new("new-pass-2"),
        &mut rng(6),
    )
    .unwrap();
    assert_eq!(
        Keystore::read(&modern_new, &Password::new("new-pass-2")).unwrap().profile,
        Some(Profile::Modern)
    );
    // A keystore in OpenSSL 3's default algorithms (PBES2, but SHA-256 MAC with 2048 iterations
    // and AES-256 certificate encryption) is ours to recognise as modern; OpenSSL's legacy one
    // (RC2-40 for certificates *and* 3DES keys, SHA-1 MAC) as Java; one with an unencrypted
    // certificate safe matches neither.
    openssl_self_signed(dir.path(), "/CN=profile");
    for (args, expected) in [
        (&["-legacy"][..], Some(Profile::Java)),
        (&[][..], Some(Profile::Modern)),
        (&["-certpbe", "NONE"][..], None),
        (&["-legacy", "-keypbe", "PBE-SHA1-RC2-128"][..], None),
    ] {
        let bytes = openssl_p12(dir.path(), "p.p12", None, "pw-123456", args);
        let read = Keystore::read(&bytes, &Password::new("pw-123456")).unwrap();
        assert_eq!(read.profile, expected, "openssl {args:?}");
    }
    write(dir.path(), "new.p12", &new);
    // keytool checks the store password and, with -keypass, each key's: one password for all.
    for alias in reopened.entries.iter().map(|entry| entry.alias.as_str()) {
        run(
            "keytool",
            &[
                "-exportcert",
                "-rfc",
                "-alias",
                alias,
                "-keystore",
                "new.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                "new-pass-2",
            ],
            dir.path(),
        );
    }
    run(
        "openssl",
        &[
            "pkcs12",
            "-legacy",
            "-in",
            "new.p12",
            "-passin",
            "pass:new-pass-2",
            "-noenc",
            "-out",
            "all.pem",
        ],
        dir.path(),
    );
    run_failing(
        "openssl",
        &["pkcs12", "-legacy", "-in", "new.p12", "-passin", "pass:old-pass-1", "-noenc"],
        dir.path(),
    );
}

#[test]
fn reads_keystores_made_by_openssl_in_both_generations() {
    let dir = workdir();
    openssl_self_signed(dir.path(), "/C=BE/CN=openssl made");
    for (file, legacy) in [("modern.p12", false), ("legacy.p12", true)] {
        let options: &[&str] = if legacy { &["-legacy"] } else { &[] };
        let bytes = openssl_p12(dir.path(), file, Some("authentication"), "s3cret-pass", options);
        let keystore = Keystore::read(&bytes, &Password::new("s3cret-pass")).unwrap();
        let entry = keystore.authentication().unwrap();
        let key = entry.key_pair().unwrap();
        let leaf = entry.leaf().unwrap();
        assert_eq!(
            leaf.tbs_certificate.subject_public_key_info,
            key.public_key_info().unwrap(),
            "{file}"
        );
        assert!(matches!(
            Keystore::read(&std::fs::read(dir.path().join(file)).unwrap(), &Password::new("wrong")),
            Err(PkiError::WrongPassword)
        ));
    }
}

#[test]
fn reads_keystores_made_by_keytool_with_the_jdk_defaults_and_the_legacy_profile() {
    let dir = workdir();
    for (file, legacy) in [("jdk.p12", false), ("jdk-legacy.p12", true)] {
        let mut args = vec![];
        if legacy {
            args.push("-J-Dkeystore.pkcs12.legacy");
        }
        args.extend([
            "-genkeypair",
            "-alias",
            "authentication",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=keytool made, C=BE",
            "-validity",
            "30",
            "-storetype",
            "PKCS12",
            "-keystore",
            file,
            "-storepass",
            "s3cret-pass",
        ]);
        run("keytool", &args, dir.path());
        let keystore = Keystore::read(
            &std::fs::read(dir.path().join(file)).unwrap(),
            &Password::new("s3cret-pass"),
        )
        .unwrap();
        let entry = keystore.authentication().unwrap();
        assert_eq!(
            entry.leaf().unwrap().tbs_certificate.subject_public_key_info,
            entry.key_pair().unwrap().public_key_info().unwrap()
        );
    }
}

#[test]
fn refuses_what_is_not_a_usable_keystore() {
    let dir = workdir();
    let (keystore, _) = complete_keystore(dir.path());
    let good = keystore.write(&Password::new("corner-stone7"), Profile::Java, &mut rng(8)).unwrap();
    assert!(matches!(
        Keystore::read(b"not a keystore at all", &Password::new("x")),
        Err(PkiError::NotAKeystore(_))
    ));
    assert!(matches!(
        Keystore::read(&good[..good.len() / 2], &Password::new("corner-stone7")),
        Err(PkiError::NotAKeystore(_))
    ));
    // One byte changed inside the MAC-protected content: the integrity check fails.
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    assert!(Keystore::read(&damaged, &Password::new("corner-stone7")).is_err());
    // A PKCS#12 without an eHealth entry.
    openssl_self_signed(dir.path(), "/CN=other");
    let other_p12 = openssl_p12(dir.path(), "other.p12", Some("server"), "pw-123456", &[]);
    let other = Keystore::read(&other_p12, &Password::new("pw-123456")).unwrap();
    assert!(matches!(other.authentication(), Err(PkiError::WrongKeystore(_))));
}

#[test]
fn a_delivered_certificate_for_another_key_is_not_installed() {
    let dir = workdir();
    let (auth, etk) = keys();
    let csr = CsrDraft::new(dn::parse(DN).unwrap(), etk.public_key_info().unwrap())
        .sign_with(etk)
        .unwrap();
    let (wrong_leaf, ca) = issue_with_openssl(dir.path(), &csr);
    let mut keystore = Keystore::pending(auth, NOW).unwrap();
    let before = keystore.authentication().unwrap().chain.clone();
    assert!(matches!(
        keystore.install_chain(vec![wrong_leaf, ca]),
        Err(PkiError::WrongKeystore(_))
    ));
    assert_eq!(
        keystore.authentication().unwrap().chain,
        before,
        "the pending keystore is left as it was"
    );
}
