//! The `ehcert-serve` program as an operator runs it: `--check-config`, the configuration file
//! and the environment, the access log, SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use axum::{routing::post, Router};

const SERVE: &str = env!("CARGO_BIN_EXE_ehcert-serve");

fn dist() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html><head></head><body></body></html>")
        .unwrap();
    dist
}

#[test]
fn check_config_reads_file_environment_and_flags_and_says_what_is_wrong() {
    let dist = dist();
    let file = dist.path().join("ehcert.toml");
    std::fs::write(
        &file,
        format!(
            "dist = {:?}\nrate_per_minute = 10\n[upstream]\nproduction = \"https://services.ehealth.fgov.be\"\nacceptance = \"https://services-acpt.ehealth.fgov.be\"\n",
            dist.path().display().to_string()
        ),
    )
    .unwrap();
    let output = Command::new(SERVE)
        .args(["--config", file.to_str().unwrap(), "--check-config", "--rate-burst", "7"])
        .env("EHCERT_SERVE_RATE_PER_MINUTE", "20")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("rate_per_minute = 20"), "{stdout}");
    assert!(stdout.contains("rate_burst = 7"), "{stdout}");
    assert!(
        stdout.contains("offered to the page, the default first: [\"production\", \"acceptance\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("the configuration is usable"), "{stdout}");

    let output = Command::new(SERVE)
        .args(["--config", file.to_str().unwrap(), "--check-config"])
        .env("EHCERT_SERVE_UPSTREAM", "production=http://services.ehealth.fgov.be")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("upstream: plain http only to this machine"), "{stderr}");
}

#[test]
fn the_example_configuration_is_usable_and_offers_production_alone() {
    let dist = dist();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/ehcert.example.toml");
    let output = Command::new(SERVE)
        .args(["--config", example, "--check-config", "--dist", dist.path().to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout.contains("offered to the page, the default first: [\"production\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("https = true"), "{stdout}");
}

#[test]
fn the_nginx_recipe_is_written_from_the_same_configuration() {
    let dist = dist();
    let out = tempfile::tempdir().unwrap();
    let updates = tempfile::tempdir().unwrap();
    let output = Command::new(SERVE)
        .args([
            "--dist",
            dist.path().to_str().unwrap(),
            "--upstream",
            "production=https://services.ehealth.fgov.be",
            "--extension-updates",
            updates.path().to_str().unwrap(),
        ])
        .args(["--rate-per-minute", "120", "--export-nginx", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let http = std::fs::read_to_string(out.path().join("ehcert-http.conf")).unwrap();
    let server = std::fs::read_to_string(out.path().join("ehcert-server.conf")).unwrap();
    assert!(http.contains("rate=120r/m"), "{http}");
    assert!(http.contains("server services.ehealth.fgov.be:443;"), "{http}");
    assert!(server.contains("proxy_ssl_verify on;"), "{server}");
    assert!(server.contains("proxy_next_upstream off;"), "{server}");
    assert!(server.contains("add_header Retry-After 1 always;"), "{server}");
    assert!(
        server.contains(&format!(
            "location /extension-updates/ {{\n    alias {}/;",
            updates.path().display()
        )),
        "{server}"
    );
    let index = std::fs::read_to_string(out.path().join("site/index.html")).unwrap();
    assert!(
        index.contains("<meta name=\"ehcert-environments\" content=\"production\">"),
        "{index}"
    );
}

/// The operator's CA files are added to the system's roots for nginx too, as `ehcert-serve`
/// adds them: nginx trusts one file, written with all of them.
#[test]
fn the_nginx_recipe_adds_the_operators_cas_to_the_systems_roots() {
    let dist = dist();
    let out = tempfile::tempdir().unwrap();
    // Two real CA certificates (the server reads them as it would to run).
    let testca = concat!(env!("CARGO_MANIFEST_DIR"), "/../../e2e/mock-ehealth/testca");
    let (first, second) = (format!("{testca}/root.pem"), format!("{testca}/etk-ra.pem"));
    let output = Command::new(SERVE)
        .args(["--dist", dist.path().to_str().unwrap()])
        .args(["--upstream", "production=https://services.ehealth.fgov.be"])
        .args(["--upstream-ca", &first, "--upstream-ca", &second])
        .args(["--export-nginx", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let server = std::fs::read_to_string(out.path().join("ehcert-server.conf")).unwrap();
    let trusted = server
        .lines()
        .find_map(|line| line.trim().strip_prefix("proxy_ssl_trusted_certificate "))
        .expect(&server)
        .trim_end_matches(';');
    let bundle = std::fs::read_to_string(trusted).unwrap();
    for ca in [&first, &second] {
        let pem = std::fs::read_to_string(ca).unwrap();
        assert!(bundle.contains(pem.trim()), "{ca} is not in {trusted}");
    }
    let system = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    assert!(bundle.starts_with(&system), "the system's roots come first, kept");
}

#[tokio::test]
async fn logs_one_json_line_per_request_without_bodies_or_national_numbers_and_stops_on_sigterm() {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    let echo = Router::new().route("/CertRa/v2", post(|body: String| async move { body }));
    tokio::spawn(async move { axum::serve(upstream, echo).await.unwrap() });
    let dist = dist();
    let mut child = Command::new(SERVE)
        .args(["--dist", dist.path().to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .args(["--upstream", &format!("local=http://{upstream_addr}")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first.strip_prefix("listening on http://").expect(&first).to_owned();
    let ssin = "85073003328";
    let answer = reqwest::Client::new()
        .post(format!("http://{address}/ehealth/local/CertRa/v2?ssin={ssin}"))
        .header("Content-Type", "text/xml")
        .header("SOAPAction", "\"urn:be:fgov:ehealth:certra:protocol:v2:getActorQualities\"")
        .header("Cookie", "secret-cookie")
        .body(format!("<core:Id Type=\"SSIN\">{ssin}</core:Id>"))
        .send()
        .await
        .unwrap();
    assert!(answer.text().await.unwrap().contains(ssin), "the echo came back");
    let page = reqwest::get(format!("http://{address}/renew/{ssin}")).await.unwrap();
    assert_eq!(page.status(), 200);
    let proxied = lines.next().unwrap().unwrap();
    let paged = lines.next().unwrap().unwrap();
    for line in [&proxied, &paged] {
        assert!(
            !line.contains(ssin) && !line.contains("secret") && !line.contains("core:Id"),
            "{line}"
        );
    }
    let proxied: serde_json::Value = serde_json::from_str(&proxied).unwrap();
    assert_eq!(proxied["method"], "POST");
    assert_eq!(proxied["path"], "/ehealth/local/CertRa/v2");
    assert_eq!(proxied["status"], 200);
    assert_eq!(proxied["client"], "127.0.0.1");
    assert_eq!(proxied["environment"], "local");
    assert_eq!(proxied["operation"], "GetActorQualitiesRequest");
    assert_eq!(proxied["upstream_status"], 200);
    assert!(proxied["time"].as_str().unwrap().ends_with('Z'));
    let paged: serde_json::Value = serde_json::from_str(&paged).unwrap();
    assert_eq!(paged["path"], "(redacted)");

    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
