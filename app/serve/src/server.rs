//! The accept loop: TLS when configured (rustls), HTTP/1.1 with a deadline for each request's
//! headers (a client that trickles them in — "slowloris" — is cut off), a cap on open
//! connections, and a graceful stop: on SIGTERM or Ctrl-C no new connection is taken, calls in
//! flight get up to `shutdown_grace` to finish, kept-alive idle connections are closed.
//!
//! HTTP/1.1 only: the page makes a handful of calls, and behind a load balancer HTTP/2 ends
//! there anyway.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{extract::Request, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_rustls::{
    rustls::{
        self,
        pki_types::{pem::PemObject as _, CertificateDer, PrivateKeyDer},
    },
    TlsAcceptor,
};
use tower::ServiceExt as _;

use crate::{
    access_log::Peer,
    config::{Limits, TlsFiles},
    error::ServeError,
};

/// The TLS acceptor for the configured certificate and key.
pub fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, ServeError> {
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(&files.certificate).and_then(Iterator::collect).map_err(
            |err| ServeError::Pem {
                setting: "tls_certificate",
                path: files.certificate.clone(),
                problem: err.to_string(),
            },
        )?;
    if certificates.is_empty() {
        return Err(ServeError::Pem {
            setting: "tls_certificate",
            path: files.certificate.clone(),
            problem: "holds no certificate".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|err| ServeError::Pem {
        setting: "tls_key",
        path: files.key.clone(),
        problem: err.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(certificates, key))
        .map_err(|err| ServeError::Pem {
            setting: "tls_key",
            path: files.key.clone(),
            problem: format!("does not go with the certificate: {err}"),
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets calls in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let header_timeout = limits.header_timeout;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = service_for(app.clone(), peer);
        match tls.clone() {
            None => {
                let connection = connection(TokioIo::new(stream), service, header_timeout);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                    drop(permit);
                });
            }
            Some(acceptor) => {
                // The handshake gets the same deadline as a request's headers.
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(header_timeout, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    let _ = watcher
                        .watch(connection(TokioIo::new(stream), service, header_timeout))
                        .await;
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
}

/// The app with the connection's peer address in each request's extensions.
#[derive(Clone)]
struct Service {
    app: Router,
    peer: SocketAddr,
}

impl hyper::service::Service<Request<Incoming>> for Service {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = tower::util::Oneshot<Router, Request<Incoming>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(Peer(self.peer));
        self.app.clone().oneshot(request)
    }
}

fn service_for(app: Router, peer: SocketAddr) -> Service {
    Service { app, peer }
}

fn connection<I>(
    io: TokioIo<I>,
    service: Service,
    header_timeout: Duration,
) -> hyper::server::conn::http1::Connection<TokioIo<I>, Service>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true)
        .serve_connection(io, service)
}
