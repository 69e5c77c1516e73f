//! The server under load, against the mock eHealth services on loopback (`./tasks bench`, or
//! `cargo bench -p ehcert-serve --bench load` with `mock-certra` built in release). Bounded in
//! count and time; prints a table and a `JSON` line:
//!
//! 1. the latency the proxy adds: the same unsigned call (GetGenericOrganizationTypes) straight
//!    to the mock, through `ehcert-serve`, and beside it through Debian's nginx to the same mock,
//!    both as a bare `proxy_pass` (keepalive upstream) and as the recipe `ehcert-serve` exports
//!    (its checks, limits and headers: app/serve/nginx/ehcert.conf), p50 and p99, for 1, 8 and
//!    32 callers at once, and the calls per second through each; then each figure of
//!    `ehcert-serve` as a ratio to nginx's, measured in the same run (app/PRODUCT.md §6);
//! 2. the server's memory (resident, and its peak) after that load;
//! 3. past the limits: more callers than `max_concurrent_calls` against a slow eHealth (503),
//!    one client past its rate (429); every call answered in time (no hang), the server still
//!    healthy (no crash);
//! 4. scaling out: two replicas behind nginx, one stopped (SIGTERM) mid-load; every call counted,
//!    and the ones lost named.
//!
//! Numbers, not verdicts: the budgets and the measured values are in docs/BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_possible_truncation)] // bench code

use std::{
    collections::BTreeMap,
    io::{BufRead as _, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const SERVE: &str = env!("CARGO_BIN_EXE_ehcert-serve");
const ACTION: &str = "\"urn:be:fgov:ehealth:certra:protocol:v2:getGenericOrganizationTypes\"";
const BODY: &str = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>\
<cp:GetGenericOrganizationTypesRequest xmlns:cp=\"urn:be:fgov:ehealth:certra:protocol:v2\" Id=\"_b\" \
IssueInstant=\"2026-11-30T06:00:00Z\"/></soap:Body></soap:Envelope>";

struct Process {
    child: Child,
    url: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a program that prints `listening on URL` first.
fn start(program: &str, args: &[&str]) -> Process {
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{program}: {err}"));
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on ").expect(&first).to_owned();
    // Keep draining the access log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Process { child, url }
}

fn mock_binary() -> String {
    std::env::var("EHCERT_MOCK_CERTRA").unwrap_or_else(|_| {
        let root =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/mock-certra");
        root.display().to_string()
    })
}

#[derive(Default)]
struct Outcome {
    statuses: BTreeMap<u16, usize>,
    /// No answer at all (connection refused or reset, or the client's timeout).
    failed: usize,
    latencies: Vec<Duration>,
    wall: Duration,
}

impl Outcome {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
    fn count(&self) -> usize {
        self.statuses.values().sum::<usize>() + self.failed
    }
    fn with_status(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

/// `callers` at once, each making `calls` calls one after the other (or until `until`).
async fn load(url: &str, callers: usize, calls: usize, until: Option<Instant>) -> Outcome {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..callers {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            for _ in 0..calls {
                if until.is_some_and(|until| Instant::now() >= until) {
                    break;
                }
                let sent = Instant::now();
                let answer = client
                    .post(&url)
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .header("SOAPAction", ACTION)
                    .body(BODY)
                    .send()
                    .await;
                match answer {
                    Ok(answer) => {
                        let status = answer.status().as_u16();
                        let complete = answer.bytes().await.is_ok();
                        if complete {
                            *outcome.statuses.entry(status).or_default() += 1;
                            outcome.latencies.push(sent.elapsed());
                        } else {
                            outcome.failed += 1;
                        }
                    }
                    Err(_) => outcome.failed += 1,
                }
            }
            outcome
        }));
    }
    let mut total = Outcome::default();
    for task in tasks {
        let outcome = task.await.unwrap();
        for (status, count) in outcome.statuses {
            *total.statuses.entry(status).or_default() += count;
        }
        total.failed += outcome.failed;
        total.latencies.extend(outcome.latencies);
    }
    total.wall = started.elapsed();
    total
}

/// Resident and peak memory of a process, in KiB (`/proc/PID/status`).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Milliseconds to the microsecond: nginx adds a few of them on loopback.
fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

async fn admin(mock: &str, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) {
    let mut request = reqwest::Client::new().request(method, format!("{mock}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
}

#[tokio::main]
async fn main() {
    let mock = start(&mock_binary(), &["--listen", "127.0.0.1:0"]);
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html><head></head></html>").unwrap();
    let dist_arg = dist.path().to_str().unwrap().to_owned();
    let upstream = format!("local={}", mock.url);
    let serve = |extra: &[&str]| {
        let mut args =
            vec!["--dist", &dist_arg, "--listen", "127.0.0.1:0", "--upstream", &upstream];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--access-log", "false"]);
        start(SERVE, &args)
    };
    let mut json = serde_json::Map::new();
    println!("ehcert-serve under load, against the mock on loopback ({} cores)", cores());

    // 1. Added latency and throughput, within the default limits per client lifted (one
    //    address here stands for many people), beside nginx to the same mock.
    let lifted = ["--rate-per-minute", "10000000", "--rate-burst", "1000000"];
    let server = serve(&lifted);
    let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
    let (bare, recipe) = if std::path::Path::new(&nginx).exists() {
        (
            Some(bare_nginx(&nginx, &mock.url)),
            Some(recipe_nginx(
                &nginx,
                &[&["--dist", &dist_arg, "--upstream", &upstream], &lifted[..]].concat(),
            )),
        )
    } else {
        println!("(no nginx at {nginx}: ehcert-serve alone)");
        (None, None)
    };
    let direct = format!("{}/CertRa/v2", mock.url);
    let path = "/ehealth/local/CertRa/v2";
    let mut routes = vec![("ehcert-serve", format!("{}{path}", server.url))];
    if let (Some(bare), Some(recipe)) = (&bare, &recipe) {
        routes.push(("nginx proxy_pass", format!("{}{path}", bare.url)));
        routes.push(("nginx recipe", format!("{}{path}", recipe.url)));
    }
    for (_, url) in &routes {
        let _ = load(url, 4, 25, None).await; // warm the pools
    }
    println!("\n| callers | route | p50 / p99 (ms) | added p50 / p99 (ms) | calls/s | errors |");
    println!("|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for callers in [1, 8, 32] {
        let calls = 800 / callers;
        let straight = load(&direct, callers, calls, None).await;
        println!(
            "| {callers} | direct | {} / {} | | {:.0} | {} |",
            ms(straight.percentile(0.5)),
            ms(straight.percentile(0.99)),
            straight.count() as f64 / straight.wall.as_secs_f64(),
            straight.count() - straight.with_status(200),
        );
        let mut row = serde_json::json!({
            "callers": callers,
            "direct_p50_ms": ms(straight.percentile(0.5)), "direct_p99_ms": ms(straight.percentile(0.99)),
        });
        for (route, url) in &routes {
            let through = load(url, callers, calls, None).await;
            let errors = through.count() - through.with_status(200);
            let rate = through.count() as f64 / through.wall.as_secs_f64();
            let added = |p: f64| through.percentile(p).saturating_sub(straight.percentile(p));
            println!(
                "| {callers} | {route} | {} / {} | {} / {} | {rate:.0} | {errors} |",
                ms(through.percentile(0.5)),
                ms(through.percentile(0.99)),
                ms(added(0.5)),
                ms(added(0.99)),
            );
            let key = route.replace(' ', "_");
            row[format!("{key}_p50_ms")] = ms(through.percentile(0.5)).into();
            row[format!("{key}_p99_ms")] = ms(through.percentile(0.99)).into();
            row[format!("{key}_added_p50_ms")] = ms(added(0.5)).into();
            row[format!("{key}_added_p99_ms")] = ms(added(0.99)).into();
            row[format!("{key}_calls_per_second")] = rate.round().into();
            row[format!("{key}_errors")] = errors.into();
        }
        rows.push(row);
    }
    drop((bare, recipe));
    json.insert("latency".into(), rows.into());
    let (rss, peak) = memory(server.child.id());
    println!(
        "\nmemory of ehcert-serve after {} calls: resident {} KiB, peak {} KiB",
        3 * 800 + 100,
        rss,
        peak
    );
    json.insert("memory_kib".into(), serde_json::json!({ "resident": rss, "peak": peak }));
    drop(server);

    // 3. Past the limits.
    admin(&mock.url, reqwest::Method::POST, "/admin/faults", Some(serde_json::json!({
        "kind": "slow", "operation": "GetGenericOrganizationTypes", "times": 100000, "delay_ms": 300
    })))
    .await;
    let limited = serve(&[
        "--max-concurrent-calls",
        "8",
        "--rate-per-minute",
        "10000000",
        "--rate-burst",
        "1000000",
    ]);
    let url = format!("{}/ehealth/local/CertRa/v2", limited.url);
    let busy = load(&url, 64, 4, None).await;
    let healthy =
        reqwest::get(format!("{}/healthz", limited.url)).await.map(|r| r.status().as_u16());
    let alive = memory(limited.child.id()).0 > 0;
    println!(
        "\npast max_concurrent_calls (8) with a 300 ms eHealth: 64 callers x 4 calls = {}: {} answered 200, {} refused 503, {} other, {} unanswered; slowest answer {} ms; /healthz after: {:?}; process alive: {alive}",
        busy.count(), busy.with_status(200), busy.with_status(503),
        busy.count() - busy.with_status(200) - busy.with_status(503) - busy.failed, busy.failed,
        ms(busy.percentile(1.0)), healthy.as_ref().ok()
    );
    drop(limited);
    admin(&mock.url, reqwest::Method::DELETE, "/admin/faults", None).await;
    let rated = serve(&[]);
    let url = format!("{}/ehealth/local/CertRa/v2", rated.url);
    let flood = load(&url, 1, 200, None).await;
    println!(
        "past the rate (default: 300 per minute, burst 60) from one address: 200 calls in {} ms: {} answered 200, {} refused 429, {} unanswered",
        ms(flood.wall), flood.with_status(200), flood.with_status(429), flood.failed
    );
    json.insert("past_limits".into(), serde_json::json!({
        "busy": { "calls": busy.count(), "ok": busy.with_status(200), "refused_503": busy.with_status(503),
                  "unanswered": busy.failed, "slowest_ms": ms(busy.percentile(1.0)),
                  "healthy_after": healthy.ok() == Some(200), "alive_after": alive },
        "rate": { "calls": flood.count(), "ok": flood.with_status(200), "refused_429": flood.with_status(429),
                  "unanswered": flood.failed },
    }));
    drop(rated);

    // 4. Two replicas behind nginx, one stopped mid-load.
    match replicas(&mock.url, &serve).await {
        Some(value) => {
            json.insert("replicas".into(), value);
        }
        None => println!("\ntwo replicas behind nginx: skipped (no nginx at /usr/sbin/nginx)"),
    }
    println!("JSON {}", serde_json::Value::Object(json));
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Two replicas behind nginx (as in app/serve/nginx/ehcert-replicas.conf), replica A stopped
/// with SIGTERM after a second of load: what it was serving finishes, nginx sends the rest to B.
async fn replicas(mock: &str, serve: &dyn Fn(&[&str]) -> Process) -> Option<serde_json::Value> {
    let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
    if !std::path::Path::new(&nginx).exists() {
        return None;
    }
    let nginx = nginx.as_str();
    admin(mock, reqwest::Method::POST, "/admin/faults", Some(serde_json::json!({
        "kind": "slow", "operation": "GetGenericOrganizationTypes", "times": 100000, "delay_ms": 50
    })))
    .await;
    let lifted = [
        "--rate-per-minute",
        "10000000",
        "--rate-burst",
        "1000000",
        "--trusted-proxies",
        "127.0.0.1",
    ];
    let mut a = serve(&lifted);
    let b = serve(&lifted);
    let upstreams = REPLICAS_UPSTREAM
        .replace("REPLICA_A", a.url.trim_start_matches("http://"))
        .replace("REPLICA_B", b.url.trim_start_matches("http://"));
    let proxy = start_nginx(nginx, tempfile::tempdir().unwrap(), "", &upstreams, REPLICAS_LOCATION);
    let front = proxy.url.clone();
    let url = format!("{front}/ehealth/local/CertRa/v2");
    let until = Instant::now() + Duration::from_secs(4);
    let running = tokio::spawn(async move { load(&url, 16, 100_000, Some(until)).await });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = Command::new("kill").args(["-TERM", &a.child.id().to_string()]).status();
    let stopped_at = Instant::now();
    let a_exit = tokio::task::spawn_blocking(move || {
        let status = a.child.wait();
        (status.map(|s| s.success()).unwrap_or(false), stopped_at.elapsed())
    });
    let outcome = running.await.unwrap();
    let (a_clean, a_took) = a_exit.await.unwrap();
    drop(proxy);
    drop(b);
    let lost = outcome.count() - outcome.with_status(200);
    println!(
        "\ntwo replicas behind nginx, 16 callers for 4 s against a 50 ms eHealth, replica A stopped after 1 s:\n  {} calls, {} answered 200, {} lost ({:?} by status, {} unanswered); A stopped cleanly: {a_clean}, in {} ms",
        outcome.count(), outcome.with_status(200), lost,
        outcome.statuses.iter().filter(|(s, _)| **s != 200).collect::<Vec<_>>(), outcome.failed, ms(a_took)
    );
    admin(mock, reqwest::Method::DELETE, "/admin/faults", None).await;
    Some(serde_json::json!({
        "calls": outcome.count(), "ok": outcome.with_status(200), "lost": lost, "unanswered": outcome.failed,
        "stopped_cleanly": a_clean, "stop_ms": ms(a_took),
    }))
}

/// nginx started for one measurement; stopped with SIGQUIT (its master stops its workers too: a
/// SIGKILL would orphan them) when dropped.
struct Nginx {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-QUIT", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// nginx on a free loopback port with `top` (main context), `http` (in `http {}`) and `server`
/// (in its `server {}`), its files in `dir`, once it takes connections. No access log, as
/// `ehcert-serve` runs here without one.
fn start_nginx(nginx: &str, dir: tempfile::TempDir, top: &str, http: &str, server: &str) -> Nginx {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let temp = dir.path().join("tmp");
    std::fs::create_dir(&temp).unwrap();
    let conf = format!(
        "{top}worker_processes 1;\nerror_log stderr error;\npid {pid};\nevents {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n  fastcgi_temp_path {t}/f;\n  uwsgi_temp_path {t}/u;\n  scgi_temp_path {t}/s;\n\
         {http}\n  server {{\n    listen 127.0.0.1:{port};\n{server}  }}\n}}\n",
        pid = dir.path().join("nginx.pid").display(),
        t = temp.display(),
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    // Its workers run as an unprivileged user when started as root.
    let _ = Command::new("chmod").args(["-R", "a+rwX"]).arg(dir.path()).status();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .args(["-g", "daemon off;"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx { child, url: format!("http://127.0.0.1:{port}"), _dir: dir }
}

/// nginx doing nothing but `proxy_pass` to the mock, with a keepalive upstream as `ehcert-serve`
/// keeps its connections to eHealth: the least a reverse proxy can add.
fn bare_nginx(nginx: &str, mock: &str) -> Nginx {
    let upstream = format!(
        "  upstream ehealth {{\n    server {};\n    keepalive 64;\n  }}\n",
        mock.trim_start_matches("http://")
    );
    let location = "    location /ehealth/local/ {\n      proxy_pass http://ehealth/;\n      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n    }\n";
    start_nginx(nginx, tempfile::tempdir().unwrap(), "", &upstream, location)
}

/// nginx with the recipe `ehcert-serve --export-nginx` writes for `settings`: what an operator who
/// runs nginx instead of `ehcert-serve` gets (the same checks, limits and headers).
fn recipe_nginx(nginx: &str, settings: &[&str]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("recipe");
    let exported =
        Command::new(SERVE).args(settings).arg("--export-nginx").arg(&out).status().unwrap();
    assert!(exported.success(), "ehcert-serve --export-nginx");
    // The recipe serves the app's precompressed copies with Debian's brotli_static module.
    let top = "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;\n";
    let http = format!(
        "  include /etc/nginx/mime.types;\n  include {};\n",
        out.join("ehcert-http.conf").display()
    );
    let server = format!("    include {};\n", out.join("ehcert-server.conf").display());
    start_nginx(nginx, dir, top, &http, &server)
}

/// The upstream block of app/serve/nginx/ehcert-replicas.conf, with this run's addresses.
const REPLICAS_UPSTREAM: &str = "  upstream ehcert_replicas {\n    server REPLICA_A max_fails=1 fail_timeout=10s;\n    server REPLICA_B max_fails=1 fail_timeout=10s;\n  }\n";
/// Its location: everything to the replicas; a call that reached one is never sent to another.
const REPLICAS_LOCATION: &str = "    location / {\n      proxy_pass http://ehcert_replicas;\n      proxy_http_version 1.1;\n      proxy_set_header Host $host;\n      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n      proxy_next_upstream error timeout;\n      proxy_connect_timeout 2s;\n      proxy_read_timeout 60s;\n    }\n";
