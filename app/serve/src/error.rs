//! Why the server cannot start. The operator reads these, so each one names the setting or file
//! and what to do; this is the one place their words are written.

use std::{io, path::PathBuf};

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A setting has a value it cannot take.
    #[error("{setting}: {problem} (see `ehcert-serve --help`)")]
    Setting {
        /// The setting as the configuration file names it (`rate_per_minute`).
        setting: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// A setting no version of the server knows.
    #[error("unknown setting {0:?} (see `ehcert-serve --help`)")]
    UnknownSetting(String),
    /// A required setting is missing.
    #[error("{0} is required (see `ehcert-serve --help`)")]
    Missing(&'static str),
    /// The configuration file cannot be read or is not TOML.
    #[error("the configuration file {path} cannot be used: {problem}")]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: String,
    },
    /// `dist/index.html` is missing: the app was not built.
    #[error("{path} cannot be read ({source}); build the app first (`./tasks app` or `trunk build --release`)")]
    NotBuilt {
        /// The index file looked for.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// A file the configuration names cannot be read or holds no usable PEM.
    #[error("{path} ({setting}): {problem}")]
    Pem {
        /// The setting naming the file.
        setting: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it cannot be used.
        problem: String,
    },
    /// The client towards eHealth cannot be built.
    #[error("the client towards eHealth cannot be built: {0}")]
    UpstreamClient(String),
    /// The nginx recipe cannot be written.
    #[error("cannot write {path}: {problem}")]
    Export {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        problem: String,
    },
    /// `--health`: the server did not answer `/healthz` with 200.
    #[error("{url}: {problem}; is the server running with this configuration?")]
    Unhealthy {
        /// What was asked.
        url: String,
        /// What happened instead.
        problem: String,
    },
    /// The listening socket cannot be opened.
    #[error("cannot listen on {address}: {source}; is another server using the port?")]
    Listen {
        /// The address.
        address: std::net::SocketAddr,
        /// Why.
        source: io::Error,
    },
}
