//! `mock-certra`: the mock eHealth CertRA v2 / EtkRA v2 / ETK Depot for the demo and the tests.
//! Prints `listening on http://ADDR` once the socket is bound.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use ehcert_mock_ehealth::{self as mock_certra, Knobs, MockCertra};

const USAGE: &str = "usage: mock-certra [--listen 127.0.0.1:8090] [--state FILE.sqlite]
       [--not-yet-delivered N] [--manual-validation] [--refuse] [--clock-offset-days N]
       [--ec-signature-method ecdsa-sha256|ecdsa-sha384]
       [--unknown-key cert-not-yet-delivered|unknown-public-key-identifier]
       [--dn-echo parsed|text]
       [--stored-actor without-first-name|as-requested|other-name]
       [--person-dn signer|actor] [--hide-in-progress] [--allow-origin ORIGIN]...
Without --state the state lives in memory only.";

#[tokio::main]
async fn main() -> ExitCode {
    let (listen, state, knobs, origins) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("mock-certra: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mock = match MockCertra::open(state.as_deref(), knobs) {
        Ok(mock) => Arc::new(mock),
        Err(err) => {
            eprintln!("mock-certra: {err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("mock-certra: cannot listen on {listen}: {err}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("listening on http://{addr}"),
        Err(err) => eprintln!("mock-certra: bound, but the address is unknown: {err}"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, mock_certra::router(mock, &origins))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mock-certra: {err}");
            ExitCode::FAILURE
        }
    }
}

type Parsed = (SocketAddr, Option<PathBuf>, Knobs, Vec<String>);

fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8090).into();
    let mut state = None;
    let mut knobs = Knobs::default();
    let mut origins = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                listen = value("--listen")?.parse().map_err(|err| format!("--listen: {err}"))?;
            }
            "--state" => state = Some(PathBuf::from(value("--state")?)),
            "--not-yet-delivered" => {
                knobs.not_yet_delivered = value("--not-yet-delivered")?
                    .parse()
                    .map_err(|err| format!("--not-yet-delivered: {err}"))?;
            }
            "--ec-signature-method"
            | "--unknown-key"
            | "--dn-echo"
            | "--stored-actor"
            | "--person-dn" => {
                // The knobs' names as `PUT /admin/knobs` takes them.
                let field = arg.trim_start_matches("--").replace('-', "_");
                let mut json = serde_json::to_value(&knobs).map_err(|err| err.to_string())?;
                json[field.as_str()] = serde_json::Value::String(value(&arg)?);
                knobs = serde_json::from_value(json).map_err(|err| format!("{arg}: {err}"))?;
            }
            "--manual-validation" => knobs.manual_validation = true,
            "--refuse" => knobs.refuse = true,
            "--hide-in-progress" => knobs.hide_in_progress = true,
            "--clock-offset-days" => {
                knobs.clock_offset_days = value("--clock-offset-days")?
                    .parse()
                    .map_err(|err| format!("--clock-offset-days: {err}"))?;
            }
            "--allow-origin" => origins.push(value("--allow-origin")?),
            "--help" | "-h" => return Err("help".into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((listen, state, knobs, origins))
}
