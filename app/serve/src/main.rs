//! `ehcert-serve`: serves the built app and the same-origin path to eHealth. Prints
//! `listening on http(s)://ADDR` once the socket is bound, so callers can wait for that line;
//! then one JSON access-log line per request. `ehcert-serve --help` lists the settings.

use std::process::ExitCode;

use ehcert_serve::{
    config::{self, Config, HELP},
    error::ServeError,
    prepare, server,
};

#[tokio::main]
async fn main() -> ExitCode {
    let invocation = match config::parse_args(std::env::args().skip(1)) {
        Ok(invocation) => invocation,
        Err(err) => return fail(&err),
    };
    if invocation.help {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    let config = match load(invocation.file.as_deref(), invocation.flags) {
        Ok(config) => config,
        Err(err) => return fail(&err),
    };
    if invocation.health {
        return match ehcert_serve::health::check(&config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => fail(&err),
        };
    }
    let prepared = match prepare(&config) {
        Ok(prepared) => prepared,
        Err(err) => return fail(&err),
    };
    if let Some(out) = &invocation.export_nginx {
        return match ehcert_serve::nginx::export(&config, out) {
            Ok(()) => {
                println!("wrote {}/site, ehcert-http.conf and ehcert-server.conf", out.display());
                ExitCode::SUCCESS
            }
            Err(err) => fail(&err),
        };
    }
    if invocation.check_only {
        println!("{}\n# the configuration is usable", config.describe());
        return ExitCode::SUCCESS;
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(source) => return fail(&ServeError::Listen { address: config.listen, source }),
    };
    let scheme = if prepared.tls.is_some() { "https" } else { "http" };
    match listener.local_addr() {
        Ok(addr) => println!("listening on {scheme}://{addr}"),
        Err(err) => eprintln!("ehcert-serve: bound, but the address is unknown: {err}"),
    }
    server::serve(listener, prepared.app, prepared.tls, &config.limits, stop_asked()).await;
    eprintln!("ehcert-serve: stopped");
    ExitCode::SUCCESS
}

/// The file (if any), then the environment, then the flags.
fn load(file: Option<&std::path::Path>, flags: config::Raw) -> Result<Config, ServeError> {
    let from_file = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| ServeError::ConfigFile {
                path: path.to_owned(),
                problem: err.to_string(),
            })?;
            config::from_toml(&text, path)?
        }
        None => config::Raw::new(),
    };
    config::resolve(&[from_file, config::from_environment(std::env::vars()), flags])
}

/// SIGTERM (systemd, containers) or Ctrl-C.
async fn stop_asked() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn fail(err: &ServeError) -> ExitCode {
    eprintln!("ehcert-serve: {err}");
    ExitCode::from(2)
}
