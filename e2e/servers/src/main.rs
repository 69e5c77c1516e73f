//! `ehcert-serve`: serves the built app on localhost for the demo and the end-to-end tests.
//! Prints `listening on http://ADDR` once the socket is bound, so callers can wait for that line.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use ehcert_servers::{
    proxy::{self, Upstreams},
    static_app::{self, AppConfig},
};

const USAGE: &str = "usage: ehcert-serve --dist DIR [--listen 127.0.0.1:8080] [--connect-src ORIGIN]...
       [--upstream ENVIRONMENT=ORIGIN]...   e.g. --upstream acceptance=https://services-acpt.ehealth.fgov.be
       [--kiosk] [--kiosk-idle-seconds N]   a shared computer: nothing kept, idle sessions end";

#[tokio::main]
async fn main() -> ExitCode {
    let (config, listen, upstreams) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("ehcert-serve: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let router = match static_app::router(&config) {
        Ok(router) => proxy::router(upstreams).merge(router),
        Err(err) => {
            eprintln!("ehcert-serve: {err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("ehcert-serve: cannot listen on {listen}: {err}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("listening on http://{addr}"),
        Err(err) => eprintln!("ehcert-serve: bound, but the address is unknown: {err}"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ehcert-serve: {err}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(
    mut args: impl Iterator<Item = String>,
) -> Result<(AppConfig, SocketAddr, Upstreams), String> {
    let mut dist = None;
    let mut upstreams = Upstreams::default();
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut connect_src = Vec::new();
    let mut kiosk_idle_seconds = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--dist" => dist = Some(PathBuf::from(value()?)),
            "--listen" => {
                listen = value()?.parse().map_err(|err| format!("--listen: {err}"))?;
            }
            "--connect-src" => connect_src.push(value()?),
            // A shared computer (F17): nothing kept, the session ends after 5 minutes idle.
            "--kiosk" => kiosk_idle_seconds = Some(kiosk_idle_seconds.unwrap_or(300)),
            "--kiosk-idle-seconds" => {
                let seconds =
                    value()?.parse().map_err(|err| format!("--kiosk-idle-seconds: {err}"))?;
                kiosk_idle_seconds = Some(seconds);
            }
            "--upstream" => {
                let value = value()?;
                let (environment, origin) =
                    value.split_once('=').ok_or("--upstream takes ENVIRONMENT=ORIGIN")?;
                upstreams.0.insert(environment.to_owned(), origin.trim_end_matches('/').to_owned());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let dist = dist.ok_or("--dist is required")?;
    Ok((AppConfig { dist, connect_src, kiosk_idle_seconds }, listen, upstreams))
}
