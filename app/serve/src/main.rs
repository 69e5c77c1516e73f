//! `ehcert-serve`: serves the built app on localhost for the demo and the end-to-end tests.
//! Prints `listening on http://ADDR` once the socket is bound, so callers can wait for that line.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use ehcert_serve::{
    proxy::{self, ProxyOptions, Upstreams},
    static_app::{self, AppConfig},
};

const USAGE: &str = "usage: ehcert-serve --dist DIR [--listen 127.0.0.1:8080] [--connect-src ORIGIN]...
       [--upstream ENVIRONMENT=ORIGIN]...   e.g. --upstream acceptance=https://services-acpt.ehealth.fgov.be
       [--kiosk] [--kiosk-idle-seconds N]   a shared computer: nothing kept, idle sessions end
       [--user-agent PRODUCT/VERSION] [--upstream-ca CA.pem]...   towards eHealth
       [--dialect ENVIRONMENT=EC_METHOD,DN_ECHO]...   what an environment accepts where no public
           source says (EC_METHOD ecdsa-sha256|ecdsa-sha384, DN_ECHO connector|verbatim;
           default ecdsa-sha256,connector): e.g. --dialect acceptance=ecdsa-sha384,connector";

#[tokio::main]
async fn main() -> ExitCode {
    let (config, listen, upstreams, options) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("ehcert-serve: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let router = match static_app::router(&config) {
        Ok(router) => match proxy::router_with(upstreams, &options) {
            Ok(proxy) => proxy.merge(router),
            Err(err) => {
                eprintln!("ehcert-serve: {err}");
                return ExitCode::FAILURE;
            }
        },
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
) -> Result<(AppConfig, SocketAddr, Upstreams, ProxyOptions), String> {
    let mut options = ProxyOptions::default();
    let mut dist = None;
    let mut upstreams = Upstreams::default();
    let mut listen: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut connect_src = Vec::new();
    let mut kiosk_idle_seconds = None;
    let mut dialects = Vec::new();
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
            "--user-agent" => options.user_agent = value()?,
            "--upstream-ca" => {
                let path = value()?;
                let pem =
                    std::fs::read(&path).map_err(|err| format!("--upstream-ca {path}: {err}"))?;
                options.extra_roots.push(pem);
            }
            "--dialect" => dialects.push(static_app::Dialect::parse(&value()?)?),
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
    Ok((AppConfig { dist, connect_src, kiosk_idle_seconds, dialects }, listen, upstreams, options))
}
