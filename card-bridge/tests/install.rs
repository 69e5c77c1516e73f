//! `card-bridge install` / `uninstall` write and remove the host manifests browsers read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::process::Command;

fn bridge(home: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_card-bridge"))
        .args(args)
        .env("HOME", home)
        .output()
        .unwrap();
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
fn registers_with_the_browsers_found_and_removes_itself_again() {
    let home = tempfile::tempdir().unwrap();
    // No browser settings at all: nothing to guess, a clear error.
    let (ok, output) = bridge(home.path(), &["install"]);
    assert!(!ok && output.contains("no supported browser was found"), "{output}");

    std::fs::create_dir_all(home.path().join(".config/chromium")).unwrap();
    std::fs::create_dir_all(home.path().join(".mozilla")).unwrap();
    let (ok, output) = bridge(home.path(), &["install"]);
    assert!(ok, "{output}");
    assert!(
        output.contains("chromium: registered") && output.contains("firefox: registered"),
        "{output}"
    );
    assert!(
        !output.contains("chrome:") && !output.contains("edge:"),
        "only the browsers found: {output}"
    );

    let chromium =
        home.path().join(".config/chromium/NativeMessagingHosts/be.ehcert.card_bridge.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&chromium).unwrap()).unwrap();
    assert_eq!(manifest["path"], env!("CARGO_BIN_EXE_card-bridge"));
    assert_eq!(
        manifest["allowed_origins"][0],
        "chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/"
    );
    let firefox = home.path().join(".mozilla/native-messaging-hosts/be.ehcert.card_bridge.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&firefox).unwrap()).unwrap();
    assert_eq!(manifest["allowed_extensions"][0], "development@ehcert.be");

    let (ok, output) =
        bridge(home.path(), &["uninstall", "--browser", "chromium", "--browser", "chrome"]);
    assert!(
        ok && output.contains("chromium: removed") && output.contains("chrome: was not registered"),
        "{output}"
    );
    assert!(!chromium.exists() && firefox.exists());
}
