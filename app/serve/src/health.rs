//! `ehcert-serve --health`: asks the server this configuration describes for `/healthz`, and
//! exits 0 when it answers 200. For container health checks, which run a command inside the
//! image (the image holds no curl or shell: packaging/server/build-image.sh); Kubernetes asks
//! `/healthz` itself.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use crate::{config::Config, error::ServeError};

/// Where a client on this machine reaches a server listening on `listen`: the loopback address
/// when it listens on every address.
pub fn local_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// Asks `/healthz` of the server `config` describes: Ok when it answers 200 within 5 s. Its own
/// TLS certificate is not checked: it names the public host, not the loopback address asked.
pub async fn check(config: &Config) -> Result<(), ServeError> {
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}/healthz", local_address(config.listen));
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|err| ServeError::Unhealthy { url: url.clone(), problem: err.to_string() })?;
    match client.get(&url).send().await {
        Ok(answer) if answer.status() == reqwest::StatusCode::OK => Ok(()),
        Ok(answer) => {
            Err(ServeError::Unhealthy { url, problem: format!("it answered {}", answer.status()) })
        }
        Err(err) => Err(ServeError::Unhealthy { url, problem: err.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_is_asked_on_the_loopback_one() {
        let at = |text: &str| local_address(text.parse().unwrap()).to_string();
        assert_eq!(at("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(at("[::]:8080"), "[::1]:8080");
        assert_eq!(at("10.1.2.3:8443"), "10.1.2.3:8443");
    }
}
